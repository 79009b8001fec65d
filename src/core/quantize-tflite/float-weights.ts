/**
 * What every TFLite quantization mode does before it quantizes: read weights as float32. Many
 * published models (every MediaPipe model in the real-model table) store their weights as
 * float16 behind a DEQUANTIZE op, TFLite's own float16 format; such a DEQUANTIZE is folded here
 * into a float32 constant, so the quantizer sees the float model the file stands for. Also the
 * small shared edits: reading a float32 constant, consumers of a tensor, dropping buffers nothing
 * reads.
 */
import { decodeFloat16Array } from '../../shared/numeric/float16';
import { addBuffer, builtinCodeOf, tensorBytes, type TfliteModel, type TfliteOperator, type TfliteSubGraph, type TfliteTensor } from '../formats/tflite/tflite-model';
import { BuiltinOperator, TensorType } from '../formats/tflite/tflite-schema';

/** A float32 constant's values (a copy: buffer data may sit unaligned inside the file), or undefined. */
export function floatConstant(model: TfliteModel, tensor: TfliteTensor): Float32Array | undefined {
  if (tensor.type !== TensorType.FLOAT32) return undefined;
  const bytes = tensorBytes(model, tensor);
  return bytes === undefined ? undefined : new Float32Array(bytes.slice().buffer);
}

/** Elements a tensor's shape holds (a scalar, shape [], holds one). */
export function shapeElements(shape: readonly number[]): number {
  return shape.reduce((product, dim) => product * dim, 1);
}

/** The builtin code of an operator, or undefined for a custom op. */
export function builtinOf(model: TfliteModel, op: TfliteOperator): number | undefined {
  const code = model.operatorCodes[op.opcodeIndex];
  if (code === undefined) return undefined;
  const builtin = builtinCodeOf(code);
  return builtin === BuiltinOperator.CUSTOM ? undefined : builtin;
}

/** Every (operator, input slot) that reads tensor `index` in a subgraph. */
export function consumersOf(subgraph: TfliteSubGraph, index: number): Array<{ op: TfliteOperator; slot: number }> {
  const found: Array<{ op: TfliteOperator; slot: number }> = [];
  for (const op of subgraph.operators) op.inputs.forEach((input, slot) => input === index && found.push({ op, slot }));
  return found;
}

/** A DEQUANTIZE folded away: its op and the tensor it wrote, which now holds the float32 values. */
export interface FoldedDequantize {
  subgraph: TfliteSubGraph;
  op: TfliteOperator;
  target: TfliteTensor;
}

/**
 * Replaces every DEQUANTIZE of a float16 constant by a float32 constant holding the same values
 * (float16 → float32 is exact), in every subgraph. The float16 tensors keep their buffers, so
 * restoreFloat16 can put back what a mode left float; dropUnreadBuffers then drops the rest.
 */
export function foldFloat16Dequantize(model: TfliteModel): FoldedDequantize[] {
  const folded: FoldedDequantize[] = [];
  for (const subgraph of model.subgraphs) {
    const kept: TfliteOperator[] = [];
    for (const op of subgraph.operators) {
      const source = op.inputs.length === 1 ? subgraph.tensors[op.inputs[0] as number] : undefined;
      const target = op.outputs.length === 1 ? subgraph.tensors[op.outputs[0] as number] : undefined;
      const bytes = source && source.type === TensorType.FLOAT16 ? tensorBytes(model, source) : undefined;
      if (builtinOf(model, op) !== BuiltinOperator.DEQUANTIZE || bytes === undefined || target?.type !== TensorType.FLOAT32 || source?.sparsity !== undefined) {
        kept.push(op);
        continue;
      }
      const values = decodeFloat16Array(new Uint16Array(bytes.slice().buffer));
      target.buffer = addBuffer(model, new Uint8Array(values.buffer));
      folded.push({ subgraph, op, target });
    }
    subgraph.operators = kept;
  }
  return folded;
}

/**
 * Puts back each folded DEQUANTIZE whose float32 constant a mode left as it was (not quantized),
 * before that tensor's first reader: a weight that stays float keeps the file's float16
 * storage instead of doubling in size. Tensors that an operator in `keepFloat32For` reads stay
 * float32 (a hybrid kernel's bias: XNNPACK refuses a hybrid convolution whose bias comes from a
 * DEQUANTIZE). Returns how many were put back.
 */
export function restoreFloat16(model: TfliteModel, folded: readonly FoldedDequantize[], keepFloat32For: ReadonlySet<TfliteOperator> = new Set()): number {
  let restored = 0;
  for (const { subgraph, op, target } of folded) {
    if (target.type !== TensorType.FLOAT32 || tensorBytes(model, target) === undefined) continue;
    const index = subgraph.tensors.indexOf(target);
    if (subgraph.operators.some((reader) => keepFloat32For.has(reader) && reader.inputs.includes(index))) continue;
    const first = subgraph.operators.findIndex((reader) => reader.inputs.includes(index));
    target.buffer = 0;
    subgraph.operators.splice(first < 0 ? 0 : first, 0, op);
    restored += 1;
  }
  return restored;
}

/**
 * Empties the buffers no operator reads any more (tensors no operator, subgraph input or output
 * uses are pointed at buffer 0 first) and renumbers the rest, so a quantized file does not carry
 * its float weights too. Buffer 0 (the schema's empty sentinel) and metadata buffers are kept.
 */
export function dropUnreadBuffers(model: TfliteModel): void {
  const keep = new Set<number>([0]);
  for (const entry of model.metadata ?? []) if (typeof entry.buffer === 'number') keep.add(entry.buffer);
  for (const index of model.metadataBuffer ?? []) keep.add(index);
  for (const subgraph of model.subgraphs) {
    const used = new Set<number>([...subgraph.inputs, ...subgraph.outputs]);
    for (const op of subgraph.operators) for (const index of [...op.inputs, ...op.outputs, ...((op.intermediates as number[] | undefined) ?? [])]) used.add(index);
    subgraph.tensors.forEach((tensor, index) => {
      if (used.has(index) || tensor.isVariable) keep.add(tensor.buffer);
      else tensor.buffer = 0;
    });
  }
  const renumber = new Map<number, number>();
  const buffers = model.buffers.filter((_, index) => keep.has(index));
  model.buffers.forEach((_, index) => keep.has(index) && renumber.set(index, renumber.size));
  model.buffers = buffers;
  const mapped = (index: number): number => renumber.get(index) ?? 0;
  for (const subgraph of model.subgraphs) for (const tensor of subgraph.tensors) tensor.buffer = mapped(tensor.buffer);
  for (const entry of model.metadata ?? []) if (typeof entry.buffer === 'number') entry.buffer = mapped(entry.buffer);
  if (model.metadataBuffer) model.metadataBuffer = model.metadataBuffer.map(mapped);
}
