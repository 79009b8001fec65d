/** A table row's inputs as the seeded-input generator draws them: concrete shapes and the row's recipes. */
import { defaultRecipe, type ConcreteInput, type InputRecipe } from './seeded-data';
import type { ModelRow } from './table';

/**
 * The row's inputs with every dim fixed: `shapes` where given, else those of its first bench case
 * that completes with nothing guessed, else the declared shapes when they are all static. Each
 * input gets the recipe the row names, or the constant that bench case gives, or the default for
 * its dtype.
 */
export function concreteInputs(row: ModelRow, shapes: Readonly<Record<string, number[]>> = {}): ConcreteInput[] {
  const sized = row.bench.find((c) => 'completes' in c.expect && c.expect.completes.guessed.length === 0);
  const recipes = row.format === 'onnx' ? (row.quantize.inputs ?? {}) : {};
  return row.inspect.inputs.map((input) => {
    const given = sized && 'completes' in sized.expect ? sized.expect.completes.inputs.find((i) => i.name === input.name) : undefined;
    const constant = given?.fill.match(/^constant (-?[\d.]+)$/)?.[1];
    const shape = shapes[input.name] ?? given?.shape ?? input.shape?.map((dim) => (typeof dim === 'number' ? dim : NaN));
    if (!shape || shape.some(Number.isNaN)) throw new Error(`Row ${row.id}: input '${input.name}' has no concrete shape in the table.`);
    const dtype = input.dtype ?? 'float32';
    const recipe: InputRecipe = recipes[input.name] ?? (constant !== undefined ? { recipe: 'constant', value: Number(constant) } : defaultRecipe(dtype));
    return { name: input.name, dtype, shape, recipe };
  });
}
