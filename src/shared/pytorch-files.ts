/**
 * What the studio takes as a PyTorch model, and how the user writes its input sizes: shared by the
 * engine's exporter, the CLI's `convert --input-shape` and the studio's PyTorch import dialog, so
 * the three accept the same files and the same size syntax.
 */

/** TorchScript archives (torch.jit.save) and Python files that define an nn.Module. */
export const PYTORCH_EXTENSIONS: readonly string[] = ['.pt', '.pth', '.ptl', '.torchscript', '.py'];

export function isPytorchFileName(name: string): boolean {
  const lower = name.toLowerCase();
  return PYTORCH_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/** "1,3,224,224" or "1x3x224x224" → [1, 3, 224, 224]; null when a part is not a positive integer. */
export function parseShapeText(text: string): number[] | null {
  const parts = text.split(/[x,]/).map((part) => part.trim());
  if (parts.length === 0 || parts.some((part) => !/^\d+$/.test(part) || Number(part) === 0)) return null;
  return parts.map(Number);
}

/**
 * The dialog's Input sizes field: one shape per input, separated by ';' or new lines
 * ("1,3,224,224; 1,10"). Empty gives no shapes (a Python file may define example_inputs()).
 */
export function parseShapeListText(text: string): { shapes: number[][] } | { invalid: string } {
  const shapes: number[][] = [];
  for (const piece of text.split(/[;\n]/).map((p) => p.trim()).filter((p) => p !== '')) {
    const shape = parseShapeText(piece);
    if (shape === null) return { invalid: piece };
    shapes.push(shape);
  }
  return { shapes };
}
