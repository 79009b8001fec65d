/**
 * Encodes a single-subgraph TFLite model (schema version 3) with the `flatbuffers` Builder.
 * Field ids and enum values come from the generated schema (tflite-schema.ts); only the fields
 * this project writes are written. Tensors are referenced by name in the spec and by index in the
 * file. TFLite's builtin ops are NHWC: CONV_2D filters are [out, h, w, in], FULLY_CONNECTED
 * weights [out, in].
 */
import * as flatbuffers from 'flatbuffers';
import { StudioError } from '../../../shared/errors';
import {
  ActivationFunctionType,
  AddOptionsField,
  BufferField,
  BuiltinOperator,
  BuiltinOptions,
  Conv2DOptionsField,
  DepthwiseConv2DOptionsField,
  FILE_IDENTIFIER,
  FullyConnectedOptionsField,
  FullyConnectedOptionsWeightsFormat,
  ModelField,
  OperatorCodeField,
  OperatorField,
  Padding,
  Pool2DOptionsField,
  QuantizationParametersField,
  ReshapeOptionsField,
  SoftmaxOptionsField,
  SubGraphField,
  TensorField,
  TensorType,
} from './tflite-schema';

/** The tensor types the writer takes data for (ModelInfo dtype names: TensorType's names in lower case). */
export type TfliteTensorTypeName = 'float32' | 'float16' | 'int32' | 'uint8' | 'int64' | 'bool' | 'int16' | 'int8';

type Activation = 'NONE' | 'RELU' | 'RELU6';

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

/** The builtin ops the writer knows how to give options to. */
export type TfliteBuiltinOpName = OperatorOptions['op'];

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
      bufferOffsets.push(table(b, [[BufferField.data, 'offset', data]]));
      bufferIndex = bufferOffsets.length - 1;
    }
    const name = b.createString(t.name);
    const shape = intVector(b, t.shape);
    const signature = t.shapeSignature ? intVector(b, t.shapeSignature) : 0;
    const quantization = t.quantization ? encodeQuantization(b, t.quantization) : 0;
    return table(b, [
      [TensorField.shape, 'offset', shape],
      [TensorField.type, 'int8', TensorType[upper(t.type)]],
      [TensorField.buffer, 'int32', bufferIndex],
      [TensorField.name, 'offset', name],
      [TensorField.quantization, 'offset', quantization],
      [TensorField.shapeSignature, 'offset', signature],
      [TensorField.hasRank, 'bool', 1], // the shape is known, even for scalars
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
      [OperatorField.opcodeIndex, 'int32', opcodeIndex],
      [OperatorField.inputs, 'offset', inputs],
      [OperatorField.outputs, 'offset', outputs],
      [OperatorField.builtinOptionsType, 'int8', optionsType],
      [OperatorField.builtinOptions, 'offset', options],
    ]);
  });

  const subgraph = table(b, [
    [SubGraphField.tensors, 'offset', offsetVector(b, tensorOffsets)],
    [SubGraphField.inputs, 'offset', intVector(b, spec.inputs.map((n) => indexOf(n, 'subgraph input')))],
    [SubGraphField.outputs, 'offset', intVector(b, spec.outputs.map((n) => indexOf(n, 'subgraph output')))],
    [SubGraphField.operators, 'offset', offsetVector(b, operatorOffsets)],
    [SubGraphField.name, 'offset', b.createString(spec.subgraphName)],
  ]);
  const codes = opcodes.map(({ op, version }) => {
    const code = BuiltinOperator[op];
    // deprecated_builtin_code is a byte; codes from PLACEHOLDER_FOR_GREATER_OP_CODES (127) up live only in builtin_code.
    return table(b, [
      [OperatorCodeField.deprecatedBuiltinCode, 'int8', Math.min(code, BuiltinOperator.PLACEHOLDER_FOR_GREATER_OP_CODES)],
      [OperatorCodeField.version, 'int32', version],
      [OperatorCodeField.builtinCode, 'int32', code],
    ]);
  });
  const model = table(b, [
    [ModelField.version, 'int32', TFLITE_SCHEMA_VERSION],
    [ModelField.operatorCodes, 'offset', offsetVector(b, codes)],
    [ModelField.subgraphs, 'offset', offsetVector(b, [subgraph])],
    [ModelField.description, 'offset', b.createString(spec.description)],
    [ModelField.buffers, 'offset', offsetVector(b, bufferOffsets)],
  ]);
  b.finish(model, FILE_IDENTIFIER);
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
    [QuantizationParametersField.scale, 'offset', scale],
    [QuantizationParametersField.zeroPoint, 'offset', zeroPoint],
    [QuantizationParametersField.quantizedDimension, 'int32', q.quantizedDimension ?? 0],
  ]);
}

function encodeOptions(b: flatbuffers.Builder, operator: TfliteOperatorSpec): [number, number] {
  const act = (a: Activation | undefined): number => ActivationFunctionType[a ?? 'NONE'];
  switch (operator.op) {
    case 'CONV_2D': {
      const o = operator.options;
      const F = Conv2DOptionsField;
      return [BuiltinOptions.Conv2DOptions, table(b, [[F.padding, 'int8', Padding[o.padding]], [F.strideW, 'int32', o.strideW], [F.strideH, 'int32', o.strideH], [F.fusedActivationFunction, 'int8', act(o.activation)], [F.dilationWFactor, 'int32', o.dilationW ?? 1], [F.dilationHFactor, 'int32', o.dilationH ?? 1]])];
    }
    case 'DEPTHWISE_CONV_2D': {
      const o = operator.options;
      const F = DepthwiseConv2DOptionsField;
      return [BuiltinOptions.DepthwiseConv2DOptions, table(b, [[F.padding, 'int8', Padding[o.padding]], [F.strideW, 'int32', o.strideW], [F.strideH, 'int32', o.strideH], [F.depthMultiplier, 'int32', o.depthMultiplier], [F.fusedActivationFunction, 'int8', act(o.activation)], [F.dilationWFactor, 'int32', o.dilationW ?? 1], [F.dilationHFactor, 'int32', o.dilationH ?? 1]])];
    }
    case 'MAX_POOL_2D':
    case 'AVERAGE_POOL_2D': {
      const o = operator.options;
      const F = Pool2DOptionsField;
      return [BuiltinOptions.Pool2DOptions, table(b, [[F.padding, 'int8', Padding[o.padding]], [F.strideW, 'int32', o.strideW], [F.strideH, 'int32', o.strideH], [F.filterWidth, 'int32', o.filterW], [F.filterHeight, 'int32', o.filterH], [F.fusedActivationFunction, 'int8', act(o.activation)]])];
    }
    case 'FULLY_CONNECTED': {
      const F = FullyConnectedOptionsField;
      return [BuiltinOptions.FullyConnectedOptions, table(b, [[F.fusedActivationFunction, 'int8', act(operator.options?.activation)], [F.weightsFormat, 'int8', FullyConnectedOptionsWeightsFormat.DEFAULT], [F.keepNumDims, 'bool', operator.options?.keepNumDims ? 1 : 0]])];
    }
    case 'ADD':
      return [BuiltinOptions.AddOptions, table(b, [[AddOptionsField.fusedActivationFunction, 'int8', act(operator.options?.activation)]])];
    case 'SOFTMAX':
      return [BuiltinOptions.SoftmaxOptions, table(b, [[SoftmaxOptionsField.beta, 'float32', operator.options.beta]])];
    case 'RESHAPE':
      return [BuiltinOptions.ReshapeOptions, table(b, [[ReshapeOptionsField.newShape, 'offset', intVector(b, operator.options.newShape)]])];
    default:
      return [BuiltinOptions.NONE, 0];
  }
}

const upper = (type: TfliteTensorTypeName): Uppercase<TfliteTensorTypeName> => type.toUpperCase() as Uppercase<TfliteTensorTypeName>;

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
