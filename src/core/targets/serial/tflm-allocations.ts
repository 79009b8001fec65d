/**
 * The buffers TensorFlow Lite Micro plans in its tensor arena, with the lifetimes it gives them,
 * read from a .tflite the way tflite-micro 90b983c2 reads it (micro_allocation_info.cc and
 * micro_allocator.cc):
 *
 * - Every tensor of every subgraph is a candidate, in subgraph order then tensor order. It is
 *   planned when it has no data in the file, is not a variable, and has a non-zero size:
 *   elements (of `shape`, not `shape_signature`; no shape is a scalar) times the type's size
 *   (TfLiteTypeSizeOf: int4 takes a byte), rounded up to 16 bytes.
 * - Lifetimes count "allocation scopes" from subgraph 0: its inputs are created at scope 0, each
 *   operator opens the next scope, where its outputs are created and where its inputs and outputs
 *   are last used; IF, WHILE and CALL_ONCE open one more scope per subgraph they run and mark that
 *   subgraph's tensors inside it, before the operator's inputs are marked. A subgraph's outputs
 *   live to the scope it ends at. A tensor nothing marks keeps the scope -1 (TFLM plans it there).
 * - Scratch buffers the kernels request (tflm-kernel-memory.ts) follow all tensors, and live from
 *   their operator's scope to the end of the subgraphs it runs.
 * - Variable tensors are allocated once in the arena's tail, unless the offline plan places them.
 * - Metadata "OfflineMemoryAllocation" (int32: version, subgraphs, n, then n offsets, -1 for
 *   "plan at run time", one per tensor of all subgraphs) fixes tensors' offsets in the head.
 */
import { StudioError } from '../../../shared/errors';
import type { FlatReader } from '../../formats/tflite/flat-reader';
import { readOperatorCode } from '../../formats/tflite/tflite-reader';
import {
  BufferField,
  CallOnceOptionsField,
  IfOptionsField,
  MetadataField,
  ModelField,
  OperatorField,
  QuantizationParametersField,
  SubGraphField,
  TensorField,
  tensorTypeName,
  WhileOptionsField,
} from '../../formats/tflite/tflite-schema';
import { alignUp, referenceKernelMemory, type KernelTensor } from './tflm-kernel-memory';
import type { PlannerBuffer } from './tflm-memory-planner';

/** TfLiteTypeSizeOf (tensorflow/lite/micro/memory_helpers.cc), by ModelInfo dtype name. */
const TFLM_TYPE_BYTES: Readonly<Record<string, number>> = {
  float16: 2, bfloat16: 2, float32: 4, float64: 8, int16: 2, int32: 4, uint32: 4, uint8: 1, uint16: 2, int8: 1,
  int64: 8, uint64: 8, bool: 1, resource: 4, complex64: 8, complex128: 16, int4: 1,
};

const OFFLINE_PLAN_METADATA = 'OfflineMemoryAllocation';
const UNMARKED = -1;

/** One candidate for the arena's head: a tensor or a kernel's scratch buffer. */
export interface TflmAllocation extends PlannerBuffer {
  kind: 'tensor' | 'scratch';
  subgraph: number;
  /** The tensor's index in its subgraph, or the index of the operator that asked for the scratch buffer. */
  index: number;
  /** The output of an operator fed by constants alone (DEQUANTIZE of float16 weights, DENSIFY): weights expanded at run time. */
  expandedWeights: boolean;
}

export interface TflmAllocations {
  /** What the greedy planner gets, in TFLM's order (tensors, then scratch buffers). */
  planned: TflmAllocation[];
  /** Every tensor of every subgraph (TFLM keeps a TfLiteEvalTensor for each). */
  tensors: number;
  /** Every operator of every subgraph (a node and its registration each). */
  operators: number;
  subgraphs: number;
  scratchBuffers: number;
  /** Variable tensors TFLM allocates once in the tail, each rounded to 16 bytes. */
  variableBytes: number;
  /** Persistent kernel data the file decides (per-channel multipliers and shifts). */
  kernelDataBytes: number;
}

interface TensorFacts extends KernelTensor {
  bytes: number;
  constant: boolean;
  variable: boolean;
}

interface Marks {
  first: number;
  last: number;
}

export function tflmAllocations(fb: FlatReader, root: number, fileName: string): TflmAllocations {
  const bufferHasData = fb.tables(root, ModelField.buffers).map((buffer) => (fb.vector(buffer, BufferField.data, 1)?.length ?? 0) > 0);
  const codes = fb.tables(root, ModelField.operatorCodes).map((code) => readOperatorCode(fb, code));
  const subgraphs = fb.tables(root, ModelField.subgraphs);
  const tensorsOf = subgraphs.map((subgraph) => fb.tables(subgraph, SubGraphField.tensors).map((tensor) => tensorFacts(fb, tensor, bufferHasData)));
  const operatorsOf = subgraphs.map((subgraph) => fb.tables(subgraph, SubGraphField.operators));
  const marks = tensorsOf.map((tensors) => tensors.map((): Marks => ({ first: UNMARKED, last: UNMARKED })));
  const scratch: Array<{ subgraph: number; index: number; bytes: number; marks: Marks }> = [];
  let kernelDataBytes = 0;

  // Kernels prepare subgraph by subgraph, operator by operator: scratch requests come in that order.
  operatorsOf.forEach((operators, subgraph) => {
    const tensors = tensorsOf[subgraph] as TensorFacts[];
    operators.forEach((operator, index) => {
      const code = codes[fb.uint32(operator, OperatorField.opcodeIndex, 0)];
      if (!code) return;
      const pick = (field: number): Array<TensorFacts | undefined> => (fb.int32s(operator, field) ?? []).map((t) => (t >= 0 ? tensors[t] : undefined));
      const memory = referenceKernelMemory(code.name, pick(OperatorField.inputs), pick(OperatorField.outputs));
      kernelDataBytes += memory.persistentBytes;
      for (const bytes of memory.scratchBytes) scratch.push({ subgraph, index, bytes, marks: { first: UNMARKED, last: UNMARKED } });
    });
  });

  const created = (mark: Marks | undefined, scope: number): void => {
    if (mark && mark.first === UNMARKED) mark.first = scope;
  };
  const used = (mark: Marks | undefined, scope: number): void => {
    if (mark) mark.last = scope;
  };
  let scope = 0;
  const running: number[] = [];
  const markSubgraph = (subgraph: number): void => {
    const table = subgraphs[subgraph];
    if (table === undefined) throw fb.error(`an IF, WHILE or CALL_ONCE operator runs subgraph ${subgraph}, but the model has ${subgraphs.length}`, root);
    if (running.includes(subgraph)) throw fb.error(`subgraph ${subgraph} runs itself through IF, WHILE or CALL_ONCE, which TensorFlow Lite Micro cannot plan`, table);
    running.push(subgraph);
    const tensorMarks = marks[subgraph] as Marks[];
    for (const input of fb.int32s(table, SubGraphField.inputs) ?? []) {
      created(tensorMarks[input], scope);
      used(tensorMarks[input], scope);
    }
    (operatorsOf[subgraph] as number[]).forEach((operator, index) => {
      scope += 1;
      const inputs = fb.int32s(operator, OperatorField.inputs) ?? [];
      const outputs = fb.int32s(operator, OperatorField.outputs) ?? [];
      for (const output of outputs) created(tensorMarks[output], scope);
      const start = scope;
      for (const called of calledSubgraphs(fb, operator, codes[fb.uint32(operator, OperatorField.opcodeIndex, 0)]?.name)) {
        scope += 1;
        markSubgraph(called);
      }
      for (const input of inputs) if (input >= 0) used(tensorMarks[input], scope);
      for (const output of outputs) used(tensorMarks[output], scope);
      for (const request of scratch) {
        if (request.subgraph !== subgraph || request.index !== index) continue;
        created(request.marks, start);
        used(request.marks, scope);
      }
    });
    for (const output of fb.int32s(table, SubGraphField.outputs) ?? []) {
      created(tensorMarks[output], scope);
      used(tensorMarks[output], scope);
    }
    running.pop();
  };
  if (subgraphs.length > 0) markSubgraph(0);

  const tensorCount = tensorsOf.reduce((sum, tensors) => sum + tensors.length, 0);
  const offline = offlineOffsets(fb, root, tensorCount, fileName);
  const planned: TflmAllocation[] = [];
  let variableBytes = 0;
  let global = 0;
  tensorsOf.forEach((tensors, subgraph) => {
    const expanded = expandedWeightTensors(fb, operatorsOf[subgraph] as number[], tensors);
    tensors.forEach((tensor, index) => {
      const offset = offline?.[global] ?? -1;
      global += 1;
      const offlinePlaced = offset !== -1;
      if (tensor.variable && !offlinePlaced) variableBytes += alignUp(tensor.bytes);
      const needsAllocating = !tensor.constant && tensor.bytes !== 0 && (!tensor.variable || offlinePlaced);
      if (!needsAllocating) return;
      const mark = (marks[subgraph] as Marks[])[index] as Marks;
      planned.push({
        kind: 'tensor',
        subgraph,
        index,
        sizeBytes: alignUp(tensor.bytes),
        firstUsed: mark.first,
        lastUsed: mark.last,
        offlineOffsetBytes: offlinePlaced ? offset : null,
        expandedWeights: expanded.has(index),
      });
    });
  });
  for (const request of scratch) {
    planned.push({
      kind: 'scratch',
      subgraph: request.subgraph,
      index: request.index,
      sizeBytes: alignUp(request.bytes),
      firstUsed: request.marks.first,
      lastUsed: request.marks.last,
      offlineOffsetBytes: null,
      expandedWeights: false,
    });
  }
  return {
    planned,
    tensors: tensorCount,
    operators: operatorsOf.reduce((sum, operators) => sum + operators.length, 0),
    subgraphs: subgraphs.length,
    scratchBuffers: scratch.length,
    variableBytes,
    kernelDataBytes,
  };
}

function tensorFacts(fb: FlatReader, tensor: number, bufferHasData: readonly boolean[]): TensorFacts {
  const dtype = tensorTypeName(fb.int8(tensor, TensorField.type, 0));
  // TFLM plans the stored shape; a dynamic (-1) dim cannot be planned there, and counts as 1 here.
  const shape = (fb.int32s(tensor, TensorField.shape) ?? []).map((dim) => (dim < 0 ? 1 : dim));
  const quantization = fb.table(tensor, TensorField.quantization);
  return {
    dtype,
    shape,
    quantScales: quantization === null ? 0 : (fb.vector(quantization, QuantizationParametersField.scale, 4)?.length ?? 0),
    bytes: shape.reduce((product, dim) => product * dim, 1) * (TFLM_TYPE_BYTES[dtype] ?? 4),
    constant: bufferHasData[fb.uint32(tensor, TensorField.buffer, 0)] === true,
    variable: fb.uint8(tensor, TensorField.isVariable, 0) !== 0,
  };
}

/** The options fields holding the subgraphs IF, WHILE and CALL_ONCE run, in the order TFLM marks them. */
const SUBGRAPH_INDEX_FIELDS: ReadonlyMap<string, readonly number[]> = new Map([
  ['IF', [IfOptionsField.thenSubgraphIndex, IfOptionsField.elseSubgraphIndex]],
  ['WHILE', [WhileOptionsField.condSubgraphIndex, WhileOptionsField.bodySubgraphIndex]],
  ['CALL_ONCE', [CallOnceOptionsField.initSubgraphIndex]],
]);

/** The subgraphs IF (then, else), WHILE (cond, body) and CALL_ONCE (init) run, in the order TFLM marks them. */
function calledSubgraphs(fb: FlatReader, operator: number, op: string | undefined): number[] {
  const fields = (op === undefined ? undefined : SUBGRAPH_INDEX_FIELDS.get(op)) ?? [];
  if (fields.length === 0) return [];
  // Without its options table TFLM would follow a null pointer; the plan then leaves the bodies out.
  const options = fb.table(operator, OperatorField.builtinOptions);
  return options === null ? [] : fields.map((field) => fb.int32(options, field, 0));
}

/** Outputs of operators whose every input is constant: weights DEQUANTIZE or DENSIFY expand when the model runs. */
function expandedWeightTensors(fb: FlatReader, operators: readonly number[], tensors: readonly TensorFacts[]): Set<number> {
  const expanded = new Set<number>();
  for (const operator of operators) {
    const inputs = (fb.int32s(operator, OperatorField.inputs) ?? []).filter((t) => t >= 0);
    if (inputs.length > 0 && inputs.every((t) => tensors[t]?.constant === true)) for (const t of fb.int32s(operator, OperatorField.outputs) ?? []) expanded.add(t);
  }
  return expanded;
}

/** The offline plan's offset per tensor of all subgraphs, or null when the model has none (TFLM takes the last such entry). */
function offlineOffsets(fb: FlatReader, root: number, tensorCount: number, fileName: string): number[] | null {
  const buffers = fb.tables(root, ModelField.buffers);
  const entry = fb.tables(root, ModelField.metadata).filter((metadata) => fb.string(metadata, MetadataField.name) === OFFLINE_PLAN_METADATA).pop();
  if (entry === undefined) return null;
  const buffer = buffers[fb.uint32(entry, MetadataField.buffer, 0)];
  const data = buffer === undefined ? null : fb.vector(buffer, BufferField.data, 1);
  const view = data === null ? null : new DataView(fb.bytes.buffer, fb.bytes.byteOffset + data.start, data.length);
  const count = view !== null && view.byteLength >= 12 ? view.getInt32(8, true) : -1;
  const refuse = (what: string): StudioError =>
    new StudioError(
      'MODEL_FORMAT',
      `${fileName}'s ${OFFLINE_PLAN_METADATA} metadata ${what}, so TensorFlow Lite Micro refuses to load it: plan the model offline again, or remove that metadata.`,
      { file: fileName },
    );
  if (view === null || count < 0 || view.byteLength < 12 + 4 * count) throw refuse('is shorter than its header says');
  if (count !== tensorCount) throw refuse(`gives offsets for ${count} tensors but the model has ${tensorCount}`);
  return Array.from({ length: count }, (_, i) => view.getInt32(12 + 4 * i, true));
}
