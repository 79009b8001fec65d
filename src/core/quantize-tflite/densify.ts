/**
 * Sparse TFLite weights made dense again, so full-integer mode can quantize a pruned model
 * (MediaPipe's face_detection_full_range_sparse and pose_detection store their 1×1 convolutions
 * this way): each DENSIFY of a constant sparse tensor is replaced by a dense constant holding the
 * same values, the DENSIFY op goes, and the float16 DEQUANTIZE after it folds as any other
 * (float-weights.ts).
 *
 * The layout is TFLite's SparsityParameters (schema.fbs): the tensor's dims, plus one dim per
 * block (`block_map` names the dim each block splits), are visited in `traversal_order`, and
 * `dim_metadata[k]` says how traversal level k is stored: DENSE (every index 0 … dense_size − 1)
 * or SPARSE_CSR (for the position reached at the level above, the indices
 * array_indices[array_segments[p] … array_segments[p + 1] − 1]). The buffer holds the stored
 * values in visiting order. Hand-written: no maintained JavaScript library reads this format, and
 * every index read is bounds-checked so a malformed file is refused in one sentence.
 */
import { addBuffer, tensorBytes, type FlatTable, type TfliteModel, type TfliteTensor } from '../formats/tflite/tflite-model';
import { BuiltinOperator, TensorType } from '../formats/tflite/tflite-schema';
import { builtinOf, shapeElements } from './float-weights';
import { TfliteQuantRefusal } from './types';

const DENSE = 0;
const SPARSE_CSR = 1;

const ELEMENT_BYTES: ReadonlyMap<number, number> = new Map([
  [TensorType.FLOAT32, 4],
  [TensorType.FLOAT16, 2],
  [TensorType.INT8, 1],
  [TensorType.UINT8, 1],
]);

interface Level {
  /** The expanded dim this level visits: < rank a tensor dim (its block index where blocked), ≥ rank block dim (rank − that). */
  dim: number;
  dense: boolean;
  denseSize: number;
  segments: number[];
  indices: number[];
}

/** A vector of the schema (an int array, or a SparseIndexVector union's Int32/Uint16/Uint8Vector table's `values`) as numbers. */
function numbers(value: unknown): number[] {
  return value === undefined ? [] : Array.from(value as ArrayLike<number>);
}

const indexVector = (table: unknown): number[] => numbers((table as FlatTable | undefined)?.values);

function refuse(tensor: TfliteTensor, why: string): never {
  throw new TfliteQuantRefusal(`The sparse weights '${tensor.name ?? ''}' cannot be decoded (${why}); re-export the model with dense weights, or quantize it with --mode dynamic or --mode fp16.`);
}

/** The dense bytes of a sparse constant tensor (row-major, the tensor's shape). */
export function densifyTensor(model: TfliteModel, tensor: TfliteTensor): Uint8Array {
  const sparsity = tensor.sparsity;
  const stored = tensorBytes(model, tensor);
  const width = ELEMENT_BYTES.get(tensor.type);
  if (sparsity === undefined || stored === undefined) refuse(tensor, 'it is not a stored sparse tensor');
  if (width === undefined) refuse(tensor, `element type ${tensor.type} is not float32, float16 or 8-bit`);
  const shape = tensor.shape;
  const rank = shape.length;
  const order = numbers(sparsity.traversalOrder);
  const blockMap = numbers(sparsity.blockMap);
  const metadata = (sparsity.dimMetadata as FlatTable[] | undefined) ?? [];
  if (order.length !== rank + blockMap.length || metadata.length !== order.length) refuse(tensor, 'its traversal order, block map and dim metadata disagree');
  const levels: Level[] = order.map((dim, k) => {
    const meta = metadata[k] as FlatTable;
    const dense = meta.format === DENSE;
    if (!dense && meta.format !== SPARSE_CSR) refuse(tensor, `dim format ${String(meta.format)} is unknown`);
    return { dim, dense, denseSize: Number(meta.denseSize ?? 0), segments: indexVector(meta.arraySegments), indices: indexVector(meta.arrayIndices) };
  });
  // Size of each block dim, and of each tensor dim's blocks (1 where not blocked).
  const blockSize = new Array<number>(rank).fill(1);
  blockMap.forEach((dim, b) => {
    const level = levels.find((l) => l.dim === rank + b);
    if (dim < 0 || dim >= rank || level === undefined || !level.dense) refuse(tensor, 'a block dim is not stored dense');
    blockSize[dim] = level.denseSize;
  });
  const strides = shape.map((_, d) => shapeElements(shape.slice(d + 1)));
  const dense = new Uint8Array(shapeElements(shape) * width);
  const coordinate = new Array<number>(order.length).fill(0);
  const valueCount = stored.byteLength / width;

  const place = (value: number): void => {
    let offset = 0;
    for (let d = 0; d < rank; d += 1) {
      const blockDim = blockMap.indexOf(d);
      const index = (coordinate[d] as number) * (blockSize[d] as number) + (blockDim < 0 ? 0 : (coordinate[rank + blockDim] as number));
      if (index < 0 || index >= (shape[d] as number)) refuse(tensor, `an index (${index}) lies outside dim ${d} of size ${shape[d]}`);
      offset += index * (strides[d] as number);
    }
    if (value >= valueCount) refuse(tensor, 'it indexes more values than it stores');
    dense.set(stored.subarray(value * width, (value + 1) * width), offset * width);
  };
  // Depth-first over the levels; `position` is where the level above left off (the value index at the bottom).
  const visit = (k: number, position: number): void => {
    if (k === levels.length) {
      place(position);
      return;
    }
    const level = levels[k] as Level;
    if (level.dense) {
      for (let i = 0; i < level.denseSize; i += 1) {
        coordinate[level.dim] = i;
        visit(k + 1, position * level.denseSize + i);
      }
      return;
    }
    const start = level.segments[position];
    const end = level.segments[position + 1];
    if (start === undefined || end === undefined || start > end || end > level.indices.length) refuse(tensor, `its segments at level ${k} do not fit its indices`);
    for (let j = start; j < end; j += 1) {
      coordinate[level.dim] = level.indices[j] as number;
      visit(k + 1, j);
    }
  };
  visit(0, 0);
  return dense;
}

/**
 * Replaces every DENSIFY of a constant sparse tensor by that tensor made dense (its output tensor
 * becomes the constant), in every subgraph. Returns how many were decoded.
 */
export function foldDensify(model: TfliteModel): number {
  let folded = 0;
  for (const subgraph of model.subgraphs) {
    subgraph.operators = subgraph.operators.filter((op) => {
      if (builtinOf(model, op) !== BuiltinOperator.DENSIFY || op.inputs.length !== 1 || op.outputs.length !== 1) return true;
      const source = subgraph.tensors[op.inputs[0] as number];
      const target = subgraph.tensors[op.outputs[0] as number];
      if (source?.sparsity === undefined || target === undefined || target.type !== source.type || tensorBytes(model, source) === undefined) return true;
      target.buffer = addBuffer(model, densifyTensor(model, source));
      folded += 1;
      return false;
    });
  }
  return folded;
}
