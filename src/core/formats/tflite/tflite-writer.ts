/**
 * Encodes a single-subgraph TFLite model (schema version 3) with the `flatbuffers` Builder.
 * Table field slots and enum values follow tensorflow/lite/schema/schema.fbs; only the
 * fields this project writes are listed. Tensors are referenced by name in the spec and by
 * index in the file. TFLite's builtin ops are NHWC: CONV_2D filters are [out, h, w, in],
 * FULLY_CONNECTED weights [out, in].
 */
import * as flatbuffers from 'flatbuffers';
import { StudioError } from '../../../shared/errors';

/** TensorType enum. */
export const TfliteTensorType = { float32: 0, float16: 1, int32: 2, uint8: 3, int64: 4, bool: 6, int16: 7, int8: 9 } as const;
export type TfliteTensorTypeName = keyof typeof TfliteTensorType;

/** BuiltinOperator codes for the ops the writer knows how to give options to. */
export const TfliteBuiltinOp = {
  ADD: 0,
  AVERAGE_POOL_2D: 1,
  CONV_2D: 3,
  DEPTHWISE_CONV_2D: 4,
  DEQUANTIZE: 6,
  FULLY_CONNECTED: 9,
  LOGISTIC: 14,
  MAX_POOL_2D: 17,
  RELU: 19,
  RELU6: 21,
  RESHAPE: 22,
  SOFTMAX: 25,
  QUANTIZE: 114,
} as const;
export type TfliteBuiltinOpName = keyof typeof TfliteBuiltinOp;

const ACTIVATION = { NONE: 0, RELU: 1, RELU6: 3 } as const;
type Activation = keyof typeof ACTIVATION;
const PADDING = { SAME: 0, VALID: 1 } as const;

/** BuiltinOptions union member indices (NONE = 0). */
const OPTIONS_TYPE = { Conv2DOptions: 1, DepthwiseConv2DOptions: 2, Pool2DOptions: 5, FullyConnectedOptions: 8, SoftmaxOptions: 9, AddOptions: 11, ReshapeOptions: 17 } as const;

export type TfliteTensorData = Float32Array | Int32Array | Int8Array | Uint8Array | Int16Array | Uint16Array | BigInt64Array;

export interface TfliteTensorSpec {
  name: string;
  type: TfliteTensorTypeName;
  shape: number[];
  /** Shape with -1 for dynamic dims (e.g. batch); omit when all dims are static. */
  shapeSignature?: number[];
  /** Constant contents (weights); omit for activations. Must be little-endian (float16 as Uint16Array bits). */
  data?: TfliteTensorData;
  quantization?: { scale: number[]; zeroPoint: number[]; quantizedDimension?: number };
}

interface Conv2DOptions { padding: 'SAME' | 'VALID'; strideW: number; strideH: number; activation?: Activation; dilationW?: number; dilationH?: number }
type OperatorOptions =
  | { op: 'CONV_2D'; options: Conv2DOptions }
  | { op: 'DEPTHWISE_CONV_2D'; options: Conv2DOptions & { depthMultiplier: number } }
  | { op: 'MAX_POOL_2D' | 'AVERAGE_POOL_2D'; options: { padding: 'SAME' | 'VALID'; strideW: number; strideH: number; filterW: number; filterH: number; activation?: Activation } }
  | { op: 'FULLY_CONNECTED'; options?: { activation?: Activation; keepNumDims?: boolean } }
  | { op: 'ADD'; options?: { activation?: Activation } }
  | { op: 'SOFTMAX'; options: { beta: number } }
  | { op: 'RESHAPE'; options: { newShape: number[] } }
  | { op: 'RELU' | 'RELU6' | 'LOGISTIC' | 'QUANTIZE' | 'DEQUANTIZE'; options?: undefined };

export type TfliteOperatorSpec = OperatorOptions & {
  /** Tensor names; "" marks an omitted optional input. */
  inputs: string[];
  outputs: string[];
  /** Operator version (OperatorCode.version); 1 fits float kernels, quantized kernels need higher ones. */
  version?: number;
};

export interface TfliteModelSpec {
  description: string;
  subgraphName: string;
  tensors: TfliteTensorSpec[];
  inputs: string[];
  outputs: string[];
  operators: TfliteOperatorSpec[];
}

const TFLITE_SCHEMA_VERSION = 3;
/** Schema: `data:[ubyte] (force_align: 16)`. */
const BUFFER_ALIGN_BYTES = 16;

export function encodeTfliteModel(spec: TfliteModelSpec): Uint8Array {
  const b = new flatbuffers.Builder(1024);
  const tensorIndex = new Map(spec.tensors.map((t, i) => [t.name, i]));
  const indexOf = (name: string, where: string): number => {
    if (name === '') return -1;
    const index = tensorIndex.get(name);
    if (index === undefined) throw new StudioError('INTERNAL', `TFLite ${where} refers to tensor '${name}', which the model spec does not declare.`);
    return index;
  };

  // Buffer 0 is the schema's mandatory empty sentinel; constant tensors get one buffer each.
  const bufferOffsets: number[] = [table(b, [])];
  const tensorOffsets = spec.tensors.map((t) => {
    let bufferIndex = 0;
    if (t.data) {
      checkTensorData(t);
      const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
      b.prep(BUFFER_ALIGN_BYTES, bytes.byteLength);
      const data = b.createByteVector(bytes);
      bufferOffsets.push(table(b, [[0, 'offset', data]]));
      bufferIndex = bufferOffsets.length - 1;
    }
    const name = b.createString(t.name);
    const shape = intVector(b, t.shape);
    const signature = t.shapeSignature ? intVector(b, t.shapeSignature) : 0;
    const quantization = t.quantization ? encodeQuantization(b, t.quantization) : 0;
    return table(b, [
      [0, 'offset', shape],
      [1, 'int8', TfliteTensorType[t.type]],
      [2, 'int32', bufferIndex],
      [3, 'offset', name],
      [4, 'offset', quantization],
      [7, 'offset', signature],
      [8, 'bool', 1], // has_rank: the shape is known, even for scalars
    ]);
  });

  const opcodes: { op: TfliteBuiltinOpName; version: number }[] = [];
  const operatorOffsets = spec.operators.map((operator, i) => {
    const version = operator.version ?? 1;
    let opcodeIndex = opcodes.findIndex((c) => c.op === operator.op && c.version === version);
    if (opcodeIndex < 0) opcodeIndex = opcodes.push({ op: operator.op, version }) - 1;
    const where = `operator ${i} (${operator.op})`;
    const inputs = intVector(b, operator.inputs.map((n) => indexOf(n, where)));
    const outputs = intVector(b, operator.outputs.map((n) => indexOf(n, where)));
    const [optionsType, options] = encodeOptions(b, operator);
    return table(b, [
      [0, 'int32', opcodeIndex],
      [1, 'offset', inputs],
      [2, 'offset', outputs],
      [3, 'int8', optionsType],
      [4, 'offset', options],
    ]);
  });

  const subgraph = table(b, [
    [0, 'offset', offsetVector(b, tensorOffsets)],
    [1, 'offset', intVector(b, spec.inputs.map((n) => indexOf(n, 'subgraph input')))],
    [2, 'offset', intVector(b, spec.outputs.map((n) => indexOf(n, 'subgraph output')))],
    [3, 'offset', offsetVector(b, operatorOffsets)],
    [4, 'offset', b.createString(spec.subgraphName)],
  ]);
  const codes = opcodes.map(({ op, version }) => {
    const code = TfliteBuiltinOp[op];
    // deprecated_builtin_code is a byte; codes from 127 up live only in builtin_code.
    return table(b, [
      [0, 'int8', Math.min(code, 127)],
      [2, 'int32', version],
      [3, 'int32', code],
    ]);
  });
  const model = table(b, [
    [0, 'int32', TFLITE_SCHEMA_VERSION],
    [1, 'offset', offsetVector(b, codes)],
    [2, 'offset', offsetVector(b, [subgraph])],
    [3, 'offset', b.createString(spec.description)],
    [4, 'offset', offsetVector(b, bufferOffsets)],
  ]);
  b.finish(model, 'TFL3');
  return b.asUint8Array().slice();
}

type Field = [slot: number, kind: 'int8' | 'int32' | 'float32' | 'bool' | 'offset', value: number];

/** Writes a table with every given field (defaults included, so readers need not know schema defaults). */
function table(b: flatbuffers.Builder, fields: Field[]): number {
  b.startObject(fields.reduce((max, [slot]) => Math.max(max, slot + 1), 0));
  for (const [slot, kind, value] of fields) {
    if (kind === 'offset') {
      if (value !== 0) b.addFieldOffset(slot, value, 0);
    } else if (kind === 'int8' || kind === 'bool') b.addFieldInt8(slot, value, null);
    else if (kind === 'int32') b.addFieldInt32(slot, value, null);
    else b.addFieldFloat32(slot, value, null);
  }
  return b.endObject();
}

function intVector(b: flatbuffers.Builder, values: number[]): number {
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addInt32(values[i] as number);
  return b.endVector();
}

function offsetVector(b: flatbuffers.Builder, offsets: number[]): number {
  b.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i] as number);
  return b.endVector();
}

function encodeQuantization(b: flatbuffers.Builder, q: NonNullable<TfliteTensorSpec['quantization']>): number {
  b.startVector(4, q.scale.length, 4);
  for (let i = q.scale.length - 1; i >= 0; i--) b.addFloat32(q.scale[i] as number);
  const scale = b.endVector();
  b.startVector(8, q.zeroPoint.length, 8);
  for (let i = q.zeroPoint.length - 1; i >= 0; i--) b.addInt64(BigInt(q.zeroPoint[i] as number));
  const zeroPoint = b.endVector();
  return table(b, [
    [2, 'offset', scale],
    [3, 'offset', zeroPoint],
    [6, 'int32', q.quantizedDimension ?? 0],
  ]);
}

function encodeOptions(b: flatbuffers.Builder, operator: TfliteOperatorSpec): [number, number] {
  const act = (a: Activation | undefined): number => ACTIVATION[a ?? 'NONE'];
  switch (operator.op) {
    case 'CONV_2D': {
      const o = operator.options;
      return [OPTIONS_TYPE.Conv2DOptions, table(b, [[0, 'int8', PADDING[o.padding]], [1, 'int32', o.strideW], [2, 'int32', o.strideH], [3, 'int8', act(o.activation)], [4, 'int32', o.dilationW ?? 1], [5, 'int32', o.dilationH ?? 1]])];
    }
    case 'DEPTHWISE_CONV_2D': {
      const o = operator.options;
      return [OPTIONS_TYPE.DepthwiseConv2DOptions, table(b, [[0, 'int8', PADDING[o.padding]], [1, 'int32', o.strideW], [2, 'int32', o.strideH], [3, 'int32', o.depthMultiplier], [4, 'int8', act(o.activation)], [5, 'int32', o.dilationW ?? 1], [6, 'int32', o.dilationH ?? 1]])];
    }
    case 'MAX_POOL_2D':
    case 'AVERAGE_POOL_2D': {
      const o = operator.options;
      return [OPTIONS_TYPE.Pool2DOptions, table(b, [[0, 'int8', PADDING[o.padding]], [1, 'int32', o.strideW], [2, 'int32', o.strideH], [3, 'int32', o.filterW], [4, 'int32', o.filterH], [5, 'int8', act(o.activation)]])];
    }
    case 'FULLY_CONNECTED':
      return [OPTIONS_TYPE.FullyConnectedOptions, table(b, [[0, 'int8', act(operator.options?.activation)], [1, 'int8', 0], [2, 'bool', operator.options?.keepNumDims ? 1 : 0]])];
    case 'ADD':
      return [OPTIONS_TYPE.AddOptions, table(b, [[0, 'int8', act(operator.options?.activation)]])];
    case 'SOFTMAX':
      return [OPTIONS_TYPE.SoftmaxOptions, table(b, [[0, 'float32', operator.options.beta]])];
    case 'RESHAPE':
      return [OPTIONS_TYPE.ReshapeOptions, table(b, [[0, 'offset', intVector(b, operator.options.newShape)]])];
    default:
      return [0, 0];
  }
}

const ARRAY_FOR_TYPE: Record<TfliteTensorTypeName, { name: string; is: (d: TfliteTensorData) => boolean }> = {
  float32: { name: 'Float32Array', is: (d) => d instanceof Float32Array },
  float16: { name: 'Uint16Array', is: (d) => d instanceof Uint16Array },
  int32: { name: 'Int32Array', is: (d) => d instanceof Int32Array },
  uint8: { name: 'Uint8Array', is: (d) => d instanceof Uint8Array },
  bool: { name: 'Uint8Array', is: (d) => d instanceof Uint8Array },
  int64: { name: 'BigInt64Array', is: (d) => d instanceof BigInt64Array },
  int16: { name: 'Int16Array', is: (d) => d instanceof Int16Array },
  int8: { name: 'Int8Array', is: (d) => d instanceof Int8Array },
};

function checkTensorData(t: TfliteTensorSpec): void {
  const data = t.data as TfliteTensorData;
  const expected = ARRAY_FOR_TYPE[t.type];
  if (!expected.is(data)) {
    throw new StudioError('INTERNAL', `TFLite tensor '${t.name}' is ${t.type} but its data is a ${data.constructor.name}; pass a ${expected.name}.`);
  }
  const elements = t.shape.reduce((product, d) => product * d, 1);
  if (data.length !== elements) {
    throw new StudioError('INTERNAL', `TFLite tensor '${t.name}' has ${data.length} data elements but shape [${t.shape.join(', ')}] needs ${elements}.`);
  }
}
