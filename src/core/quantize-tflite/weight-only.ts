/**
 * TFLite's weight-only post-training modes, following TFLite's own weight quantizer
 * (tensorflow/lite/tools/optimize/quantize_weights.cc, the rules its converter applies):
 *
 * dynamic range: the weight input of CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, BATCH_MATMUL,
 *   TRANSPOSE_CONV, EMBEDDING_LOOKUP (input 1) and GATHER (input 0) becomes int8, symmetric, zero
 *   point 0, range ±127: one scale per output channel for CONV_2D (axis 0) and DEPTHWISE_CONV_2D
 *   (axis 3), one per tensor otherwise. Only float32 constants of at least 1024 elements are
 *   quantized (TFLite's kWeightsMinNumElementsDefault: below it the scales cost more than they
 *   save). Activations stay float32: CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED and BATCH_MATMUL
 *   run TFLite's hybrid kernels on the int8 weights (op versions raised to the hybrid ones, inputs
 *   quantized asymmetrically at run time where the op has the option); the others get a
 *   DEQUANTIZE of the int8 weights in front of them and compute in float32.
 * float16: every float32 constant an operator reads is stored as float16, and a DEQUANTIZE to
 *   float32 is placed before its first reader; everything computes in float32.
 *
 * Weights stored as float16 behind a DEQUANTIZE (MediaPipe's models) are read as the float32 they
 * stand for first (float-weights.ts). Recurrent ops (LSTM, RNN, SVDF and their sequence forms),
 * which TFLite also quantizes, are left float here, and said so.
 */
import { encodeFloat16Array } from '../../shared/numeric/float16';
import { StudioError } from '../../shared/errors';
import { addBuffer, builtinOptions, decodeTfliteModel, encodeTfliteModelFile, opcodeIndex, tensorBytes, type TfliteModel, type TfliteOperator, type TfliteSubGraph, type TfliteTensor } from '../formats/tflite/tflite-model';
import { BuiltinOperator, BuiltinOptions, builtinOperatorName, TensorType } from '../formats/tflite/tflite-schema';
import { quantizeWeight } from '../quantize/weights';
import { builtinOf, consumersOf, dropUnreadBuffers, floatConstant, foldFloat16Dequantize, restoreFloat16, shapeElements } from './float-weights';
import { TfliteQuantRefusal, type QuantizeTfliteWeightOnly, type TfliteOpNote, type TfliteQuantResult } from './types';

/** TFLite's threshold: weights with fewer elements stay float32 in dynamic range mode. */
export const MIN_WEIGHT_ELEMENTS = 1024;

/** The weight input slot of each op TFLite's dynamic range quantizes, and its per-channel axis. */
const WEIGHT_INPUT: ReadonlyMap<number, { slot: number; axis?: number }> = new Map([
  [BuiltinOperator.CONV_2D, { slot: 1, axis: 0 }],
  [BuiltinOperator.DEPTHWISE_CONV_2D, { slot: 1, axis: 3 }],
  [BuiltinOperator.FULLY_CONNECTED, { slot: 1 }],
  [BuiltinOperator.BATCH_MATMUL, { slot: 1 }],
  [BuiltinOperator.TRANSPOSE_CONV, { slot: 1 }],
  [BuiltinOperator.EMBEDDING_LOOKUP, { slot: 1 }],
  [BuiltinOperator.GATHER, { slot: 0 }],
]);

/** Ops with a hybrid (float activations, int8 weights) kernel, and the op version TFLite gives that kernel. */
const HYBRID_VERSION: ReadonlyMap<number, number> = new Map([
  [BuiltinOperator.CONV_2D, 5],
  [BuiltinOperator.DEPTHWISE_CONV_2D, 6],
  [BuiltinOperator.FULLY_CONNECTED, 9],
  [BuiltinOperator.BATCH_MATMUL, 4],
]);

/** Hybrid ops whose options ask for run-time asymmetric input quantization (TFLite sets it for them). */
const ASYMMETRIC_INPUT_OPTIONS: ReadonlyMap<number, keyof typeof BuiltinOptions> = new Map([
  [BuiltinOperator.FULLY_CONNECTED, 'FullyConnectedOptions'],
  [BuiltinOperator.BATCH_MATMUL, 'BatchMatMulOptions'],
]);

const RECURRENT = new Set<number>([
  BuiltinOperator.LSTM,
  BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM,
  BuiltinOperator.BIDIRECTIONAL_SEQUENCE_LSTM,
  BuiltinOperator.RNN,
  BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_RNN,
  BuiltinOperator.BIDIRECTIONAL_SEQUENCE_RNN,
  BuiltinOperator.SVDF,
]);

/** DEQUANTIZE's op version by what it reads (TFLite's op versioning: int8 2, float16 3, per-channel int8 5). */
const DEQUANTIZE_VERSION = { int8: 2, float16: 3, int8PerChannel: 5 } as const;

const WEIGHT_OPS_SENTENCE = [...WEIGHT_INPUT.keys()].map((code) => builtinOperatorName(code)).join(', ');

interface OpRef {
  op: TfliteOperator;
  /** Index in the float model's subgraph (what "op:N" and the report name). */
  index: number;
  name: string;
}

export const quantizeTfliteWeightOnly: QuantizeTfliteWeightOnly = async (bytes, options) => {
  const model = decodeTfliteModel(bytes, 'model.tflite');
  const stop = (): void => {
    if (options.signal?.aborted) throw new StudioError('CANCELLED', 'Cancelled.');
  };
  stop();
  const subgraph = model.subgraphs[0];
  if (subgraph === undefined) throw new TfliteQuantRefusal('The model has no subgraph, so there is nothing to quantize; check that it is a complete .tflite file.');
  const allOps: OpRef[] = subgraph.operators.map((op, index) => ({ op, index, name: opName(model, op) }));
  const excluded = excludedOps(subgraph, allOps, options.exclude ?? []);
  const alreadyHalf = options.mode === 'fp16' && !readsFloat32Constant(model, subgraph);
  const folded = foldFloat16Dequantize(model);
  const foldedOps = new Set(folded.map((entry) => entry.op));
  // The folded DEQUANTIZEs are part of their weights now, not operators of their own.
  const ops = allOps.filter(({ op }) => !foldedOps.has(op));
  const notes: string[] = [];
  if (folded.length > 0) notes.push(`${folded.length} weights stored as float16 behind DEQUANTIZE ops were read as float32 first (float16 to float32 is exact).`);
  if (model.subgraphs.length > 1) notes.push(`Only the main subgraph is quantized; the model's ${model.subgraphs.length - 1} other subgraph(s) keep their weights as they are.`);
  const total = subgraph.operators.length;
  options.onProgress?.({ stage: 'quantize', done: 0, total });
  const outcome = options.mode === 'dynamic' ? quantizeDynamic(model, subgraph, ops, excluded) : quantizeFloat16(model, subgraph, ops, excluded, alreadyHalf && folded.length > 0);
  stop();
  const restored = restoreFloat16(model, folded, outcome.hybrid);
  if (restored > 0) notes.push(`${restored} of those weights stay float, so they keep the file's float16 storage and DEQUANTIZE.`);
  dropUnreadBuffers(model);
  options.onProgress?.({ stage: 'quantize', done: total, total });
  const result: TfliteQuantResult = {
    bytes: encodeTfliteModelFile(model),
    mode: options.mode,
    io: 'float',
    quantizedOps: outcome.quantized,
    keptFloat: outcome.kept,
    calibrationSamples: 0,
    notes: [...notes, ...outcome.notes],
  };
  return result;
};

interface ModeOutcome {
  /** Operators now running a hybrid kernel (their other float inputs must stay float32 constants). */
  hybrid: Set<TfliteOperator>;
  quantized: TfliteOpNote[];
  kept: TfliteOpNote[];
  notes: string[];
}

function quantizeDynamic(model: TfliteModel, subgraph: TfliteSubGraph, ops: OpRef[], excluded: Map<TfliteOperator, string>): ModeOutcome {
  const kept = new Map<TfliteOperator, string>();
  // Tensor index → how it is quantized (first reader decides the axis, as in TFLite).
  const chosen = new Map<number, { axis?: number }>();
  for (const { op, name } of ops) {
    const builtin = builtinOf(model, op);
    const rule = builtin === undefined ? undefined : WEIGHT_INPUT.get(builtin);
    const reason = excluded.get(op);
    if (reason !== undefined) {
      if (hasFloatConstant(model, subgraph, op)) kept.set(op, reason);
      continue;
    }
    if (builtin !== undefined && RECURRENT.has(builtin)) {
      kept.set(op, `${name} is a recurrent op; the studio's dynamic range does not quantize recurrent weights yet, so they stay float32.`);
      continue;
    }
    if (rule === undefined) {
      if (hasFloatConstant(model, subgraph, op)) kept.set(op, `TFLite's dynamic range quantizes only the weights of ${WEIGHT_OPS_SENTENCE}; ${name}'s float32 constants stay float32.`);
      continue;
    }
    const index = op.inputs[rule.slot] ?? -1;
    const tensor = index >= 0 ? subgraph.tensors[index] : undefined;
    if (tensor === undefined || tensorBytes(model, tensor) === undefined) {
      kept.set(op, `${name}'s weights are not a constant in the file (another op computes them at run time), so there is nothing to quantize.`);
    } else if (tensor.type !== TensorType.FLOAT32) {
      continue; // already quantized or not float: nothing of it is float weights
    } else if (tensor.sparsity !== undefined) {
      kept.set(op, `${name}'s weights are stored sparse, which this quantizer leaves as they are (float32).`);
    } else if (shapeElements(tensor.shape) < MIN_WEIGHT_ELEMENTS) {
      kept.set(op, `${name}'s weights have ${shapeElements(tensor.shape)} elements, under TFLite's ${MIN_WEIGHT_ELEMENTS}-element threshold, so they stay float32.`);
    } else if (!chosen.has(index)) {
      chosen.set(index, rule.axis === undefined ? {} : { axis: rule.axis });
    }
  }
  // A weight an excluded op also reads stays float for everyone: excluded means computed on float weights.
  for (const [op] of excluded) for (const input of op.inputs) chosen.delete(input);
  for (const { op, name } of ops) {
    const rule = WEIGHT_INPUT.get(builtinOf(model, op) ?? -1);
    const weight = rule === undefined ? -1 : (op.inputs[rule.slot] ?? -1);
    if (rule !== undefined && !excluded.has(op) && !kept.has(op) && !chosen.has(weight) && subgraph.tensors[weight]?.type === TensorType.FLOAT32) {
      kept.set(op, `${name} shares its weights with an excluded op, so they stay float32.`);
    }
  }

  const quantizedTensors = new Set<number>();
  let perChannel = 0;
  let perTensor = 0;
  for (const [index, { axis }] of chosen) {
    const tensor = subgraph.tensors[index] as TfliteTensor;
    const values = floatConstant(model, tensor) as Float32Array;
    const dims = tensor.shape.length > 0 ? tensor.shape : [values.length];
    const q = quantizeWeight(values, dims, axis !== undefined && axis < dims.length ? axis : undefined);
    tensor.buffer = addBuffer(model, new Uint8Array(q.values.buffer));
    tensor.type = TensorType.INT8;
    tensor.quantization = {
      scale: Array.from(q.scales),
      zeroPoint: Array.from(q.scales, () => 0),
      quantizedDimension: q.axis ?? 0,
      detailsType: 0,
    };
    quantizedTensors.add(index);
    if (q.axis === undefined) perTensor += 1;
    else perChannel += 1;
  }

  const quantized: TfliteOpNote[] = [];
  const hybridOps = new Set<TfliteOperator>();
  const hybridCodes = new Map<number, number>();
  const dequantized = new Map<number, Array<{ op: TfliteOperator; slot: number }>>();
  for (const { op, index, name } of ops) {
    const builtin = builtinOf(model, op);
    const rule = builtin === undefined ? undefined : WEIGHT_INPUT.get(builtin);
    const weight = rule === undefined ? -1 : (op.inputs[rule.slot] ?? -1);
    if (builtin === undefined || !quantizedTensors.has(weight)) continue;
    const hybrid = HYBRID_VERSION.get(builtin);
    if (hybrid !== undefined) {
      hybridCodes.set(op.opcodeIndex, hybrid);
      hybridOps.add(op);
      const optionsTable = ASYMMETRIC_INPUT_OPTIONS.get(builtin);
      if (optionsTable !== undefined) {
        op.builtinOptions = { ...(op.builtinOptions ?? builtinOptions(optionsTable)), asymmetricQuantizeInputs: true };
        op.builtinOptionsType = BuiltinOptions[optionsTable];
      }
      quantized.push({ op: index, opName: name, reason: `int8 weights${perChannelAxis(subgraph, weight)}; float activations through TFLite's hybrid kernel.` });
    } else {
      quantized.push({ op: index, opName: name, reason: `int8 weights behind a DEQUANTIZE: ${name} has no hybrid kernel, so it computes in float32.` });
    }
  }
  // Every reader that is not a hybrid op on its weight slot (a second reader, a subgraph output) gets a DEQUANTIZE.
  for (const index of quantizedTensors) {
    for (const reader of consumersOf(subgraph, index)) {
      const builtin = builtinOf(model, reader.op);
      const rule = builtin === undefined ? undefined : WEIGHT_INPUT.get(builtin);
      const hybrid = builtin !== undefined && HYBRID_VERSION.has(builtin) && rule?.slot === reader.slot;
      if (!hybrid) dequantized.set(index, [...(dequantized.get(index) ?? []), reader]);
    }
  }
  for (const [code, version] of hybridCodes) {
    const opcode = model.operatorCodes[code];
    if (opcode) opcode.version = Math.max(opcode.version, version);
  }
  insertDequantize(model, subgraph, dequantized, (tensor) => ((tensor.quantization?.scale?.length ?? 0) > 1 ? DEQUANTIZE_VERSION.int8PerChannel : DEQUANTIZE_VERSION.int8));

  if (quantized.length === 0) {
    const why = [...kept.values()][0];
    throw new TfliteQuantRefusal(
      `Dynamic range would quantize no weight of this model (TFLite quantizes float32 weights of ${WEIGHT_OPS_SENTENCE} with at least ${MIN_WEIGHT_ELEMENTS} elements)${why ? `; for example, ${lowerFirst(why).replace(/\.$/, '')}` : ''}.`,
      notesOf(ops, kept),
    );
  }
  const notes: string[] = [];
  if (perChannel > 0) notes.push('CONV_2D and DEPTHWISE_CONV_2D weights have one scale per output channel (axes 0 and 3), as TFLite\'s converter gives them.');
  if (perTensor > 0) notes.push('FULLY_CONNECTED and the other weights have one scale per tensor, as TFLite\'s converter gives them; hybrid FULLY_CONNECTED and BATCH_MATMUL quantize their inputs asymmetrically at run time.');
  if ([...kept.values()].some((reason) => reason.includes('element threshold'))) {
    notes.push(`Weights under ${MIN_WEIGHT_ELEMENTS} elements stay float32, TFLite's rule (their scales would cost more than they save).`);
  }
  notes.push('Operator numbers (op:N) are those of the float model.');
  return { hybrid: hybridOps, quantized, kept: notesOf(ops, kept), notes };
}

function quantizeFloat16(model: TfliteModel, subgraph: TfliteSubGraph, ops: OpRef[], excluded: Map<TfliteOperator, string>, alreadyHalf: boolean): ModeOutcome {
  const kept = new Map<TfliteOperator, string>();
  const readers = new Map<number, Array<{ op: TfliteOperator; slot: number }>>();
  for (const { op } of ops) {
    op.inputs.forEach((index, slot) => {
      const tensor = index >= 0 ? subgraph.tensors[index] : undefined;
      if (tensor === undefined || tensor.isVariable || tensor.sparsity !== undefined || floatConstant(model, tensor) === undefined) return;
      readers.set(index, [...(readers.get(index) ?? []), { op, slot }]);
    });
  }
  for (const [op, reason] of excluded) {
    if (!hasFloatConstant(model, subgraph, op)) continue;
    kept.set(op, reason);
    for (const input of op.inputs) readers.delete(input);
  }
  if (readers.size === 0 || alreadyHalf) {
    throw new TfliteQuantRefusal(
      alreadyHalf
        ? 'This model already stores its weights as float16 behind DEQUANTIZE ops, so it is its own float16 variant; make a dynamic or int8 variant instead.'
        : 'The model has no float32 weights to store as float16 (they are already quantized, or excluded); there is nothing to convert.',
      notesOf(ops, kept),
    );
  }
  for (const index of readers.keys()) {
    const tensor = subgraph.tensors[index] as TfliteTensor;
    const half = encodeFloat16Array(floatConstant(model, tensor) as Float32Array);
    tensor.buffer = addBuffer(model, new Uint8Array(half.buffer));
    tensor.type = TensorType.FLOAT16;
  }
  const readerOps = new Set([...readers.values()].flat().map((reader) => reader.op));
  const quantized = ops
    .filter(({ op }) => readerOps.has(op))
    .map(({ index, name }) => ({ op: index, opName: name, reason: 'float16 weights behind a DEQUANTIZE; computes in float32.' }));
  insertDequantize(model, subgraph, readers, () => DEQUANTIZE_VERSION.float16);
  return {
    hybrid: new Set(),
    quantized,
    kept: notesOf(ops, kept),
    notes: ['Every float32 constant is stored as float16 with a DEQUANTIZE to float32 before its first reader, as TFLite\'s float16 quantization does; the model computes in float32.', 'Operator numbers (op:N) are those of the float model.'],
  };
}

/**
 * For each tensor, one DEQUANTIZE to a new float32 tensor, placed just before its first reader
 * (TFLite wants operators in topological order), and those readers rewired to it. A tensor
 * that is a subgraph output gets one too, and the output becomes the float32 tensor.
 */
function insertDequantize(model: TfliteModel, subgraph: TfliteSubGraph, readers: Map<number, Array<{ op: TfliteOperator; slot: number }>>, version: (tensor: TfliteTensor) => number): void {
  const before = new Map<TfliteOperator | null, TfliteOperator[]>();
  for (const index of new Set([...readers.keys(), ...subgraph.outputs.filter((output) => readers.has(output))])) {
    const list = readers.get(index) ?? [];
    const tensor = subgraph.tensors[index] as TfliteTensor;
    const output = subgraph.tensors.push(floatTwin(tensor)) - 1;
    const dequantize: TfliteOperator = { opcodeIndex: opcodeIndex(model, BuiltinOperator.DEQUANTIZE, version(tensor)), inputs: [index], outputs: [output], builtinOptionsType: BuiltinOptions.NONE };
    for (const reader of list) reader.op.inputs[reader.slot] = output;
    subgraph.outputs = subgraph.outputs.map((o) => (o === index ? output : o));
    const first = subgraph.operators.find((op) => list.some((reader) => reader.op === op)) ?? null;
    before.set(first, [...(before.get(first) ?? []), dequantize]);
  }
  const ordered: TfliteOperator[] = [];
  for (const op of subgraph.operators) ordered.push(...(before.get(op) ?? []), op);
  ordered.push(...(before.get(null) ?? []));
  subgraph.operators = ordered;
}

function floatTwin(tensor: TfliteTensor): TfliteTensor {
  const twin: TfliteTensor = { shape: [...tensor.shape], type: TensorType.FLOAT32, buffer: 0, name: `${tensor.name ?? 'weights'}_dequantize`, isVariable: false, hasRank: tensor.hasRank };
  if (tensor.shapeSignature) twin.shapeSignature = [...tensor.shapeSignature];
  return twin;
}

/**
 * Which operators --exclude names: "op:12" (its index), a builtin or custom op name ("SOFTMAX",
 * every such op) or a tensor name (the op that writes it, or every op reading a constant of
 * that name). An entry that names nothing is refused, since a typo would silently quantize.
 */
function excludedOps(subgraph: TfliteSubGraph, ops: OpRef[], exclude: string[]): Map<TfliteOperator, string> {
  const out = new Map<TfliteOperator, string>();
  for (const entry of exclude) {
    const byIndex = /^op:(\d+)$/.exec(entry);
    const matches = byIndex
      ? ops.filter((ref) => ref.index === Number(byIndex[1]))
      : ops.filter(({ op, name }) => name === entry.toUpperCase() || name === entry || [...op.outputs, ...op.inputs].some((i) => i >= 0 && subgraph.tensors[i]?.name === entry));
    if (matches.length === 0) {
      throw new TfliteQuantRefusal(
        `--exclude '${entry}' names no operator of this model; give op:N (0 to ${ops.length - 1}), an op name such as ${ops[0]?.name ?? 'CONV_2D'}, or a tensor name.`,
      );
    }
    for (const { op } of matches) out.set(op, `excluded (${entry}), so its weights stay float32.`);
  }
  return out;
}

function hasFloatConstant(model: TfliteModel, subgraph: TfliteSubGraph, op: TfliteOperator): boolean {
  return op.inputs.some((index) => {
    const tensor = index >= 0 ? subgraph.tensors[index] : undefined;
    return tensor !== undefined && (tensor.type === TensorType.FLOAT32 || tensor.type === TensorType.FLOAT16) && tensorBytes(model, tensor) !== undefined;
  });
}

/** Whether any operator reads a float32 constant (before float16 weights are folded: a model already in float16 reads none). */
function readsFloat32Constant(model: TfliteModel, subgraph: TfliteSubGraph): boolean {
  return subgraph.operators.some((op) => builtinOf(model, op) !== BuiltinOperator.DEQUANTIZE && op.inputs.some((index) => index >= 0 && floatConstant(model, subgraph.tensors[index] as TfliteTensor) !== undefined));
}

function perChannelAxis(subgraph: TfliteSubGraph, index: number): string {
  const q = subgraph.tensors[index]?.quantization;
  return (q?.scale?.length ?? 0) > 1 ? `, ${q?.scale?.length} scales along axis ${q?.quantizedDimension}` : ', one scale';
}

function notesOf(ops: OpRef[], reasons: Map<TfliteOperator, string>): TfliteOpNote[] {
  return ops.filter(({ op }) => reasons.has(op)).map(({ op, index, name }) => ({ op: index, opName: name, reason: reasons.get(op) as string }));
}

function opName(model: TfliteModel, op: TfliteOperator): string {
  const code = model.operatorCodes[op.opcodeIndex];
  if (code?.customCode !== undefined) return code.customCode;
  const builtin = builtinOf(model, op);
  return builtin === undefined ? 'CUSTOM' : builtinOperatorName(builtin);
}

const lowerFirst = (text: string): string => text.charAt(0).toLowerCase() + text.slice(1);
