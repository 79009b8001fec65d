/**
 * A single-subgraph TFLite model (schema version 3) from a spec that names tensors instead of
 * indexing them: a thin layer over the schema-driven encoder (tflite-model.ts), so any builtin op
 * and any options table of TFLite's schema can be written. The ops this project wrote first keep
 * their short typed options (`{ op: 'CONV_2D', options: { padding, strideW, ... } }`); any other
 * op gives its options table by name (`{ op: 'CONCATENATION', builtin: { table:
 * 'ConcatenationOptions', values: { axis: 3 } } }`), with the schema's defaults filled in and
 * field names checked. TFLite's builtin ops are NHWC: CONV_2D filters are [out, h, w, in],
 * FULLY_CONNECTED weights [out, in].
 */
import { StudioError } from '../../../shared/errors';
import { addBuffer, builtinOptions, encodeTfliteModelFile, opcodeIndex, type FlatTable, type TfliteModel, type TfliteOperator, type TfliteTensor } from './tflite-model';
import { ActivationFunctionType, BuiltinOperator, BuiltinOptions, FullyConnectedOptionsWeightsFormat, Padding, TensorType } from './tflite-schema';

/** The tensor types the writer takes data for (ModelInfo dtype names: TensorType's names in lower case). */
export type TfliteTensorTypeName = 'float32' | 'float16' | 'int32' | 'uint8' | 'int64' | 'bool' | 'int16' | 'int8';

type Activation = 'NONE' | 'RELU' | 'RELU6' | 'RELU_N1_TO_1' | 'TANH';

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
type TypedOperatorOptions =
  | { op: 'CONV_2D'; options: Conv2DOptions }
  | { op: 'DEPTHWISE_CONV_2D'; options: Conv2DOptions & { depthMultiplier: number } }
  | { op: 'MAX_POOL_2D' | 'AVERAGE_POOL_2D'; options: { padding: 'SAME' | 'VALID'; strideW: number; strideH: number; filterW: number; filterH: number; activation?: Activation } }
  | { op: 'FULLY_CONNECTED'; options?: { activation?: Activation; keepNumDims?: boolean } }
  | { op: 'ADD'; options?: { activation?: Activation } }
  | { op: 'SOFTMAX'; options: { beta: number } }
  | { op: 'RESHAPE'; options: { newShape: number[] } }
  | { op: 'RELU' | 'RELU6' | 'LOGISTIC' | 'QUANTIZE' | 'DEQUANTIZE'; options?: undefined };

/** Every builtin op of TFLite's schema, by name. */
export type TfliteBuiltinOpName = keyof typeof BuiltinOperator;

/** Any op with its options table named (or none, for ops without options). */
export interface GenericOperatorOptions {
  op: TfliteBuiltinOpName;
  options?: undefined;
  builtin?: { table: keyof typeof BuiltinOptions; values?: FlatTable };
}

export type TfliteOperatorSpec = (TypedOperatorOptions | GenericOperatorOptions) & {
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

/** The spec as an editable TfliteModel (for callers that edit further before encoding). */
export function tfliteModelFromSpec(spec: TfliteModelSpec): TfliteModel {
  const model: TfliteModel = { version: TFLITE_SCHEMA_VERSION, operatorCodes: [], subgraphs: [], description: spec.description, buffers: [{ offset: 0, size: 0 }] };
  const tensorIndex = new Map(spec.tensors.map((t, i) => [t.name, i]));
  const indexOf = (name: string, where: string): number => {
    if (name === '') return -1;
    const index = tensorIndex.get(name);
    if (index === undefined) throw new StudioError('INTERNAL', `TFLite ${where} refers to tensor '${name}', which the model spec does not declare.`);
    return index;
  };
  const tensors = spec.tensors.map((t): TfliteTensor => {
    let buffer = 0;
    if (t.data) {
      checkTensorData(t);
      buffer = addBuffer(model, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    }
    const tensor: TfliteTensor = { shape: t.shape, type: TensorType[upper(t.type)], buffer, name: t.name, isVariable: false, hasRank: true };
    if (t.shapeSignature) tensor.shapeSignature = t.shapeSignature;
    if (t.quantization) {
      tensor.quantization = { scale: t.quantization.scale, zeroPoint: t.quantization.zeroPoint, quantizedDimension: t.quantization.quantizedDimension ?? 0, detailsType: 0 };
    }
    return tensor;
  });
  const operators = spec.operators.map((operator, i): TfliteOperator => {
    const where = `operator ${i} (${operator.op})`;
    const code = BuiltinOperator[operator.op];
    if (code === undefined) throw new StudioError('INTERNAL', `TFLite has no builtin op named '${String(operator.op)}'.`);
    const options = optionsOf(operator);
    const out: TfliteOperator = {
      opcodeIndex: opcodeIndex(model, code, operator.version ?? 1),
      inputs: operator.inputs.map((n) => indexOf(n, where)),
      outputs: operator.outputs.map((n) => indexOf(n, where)),
      builtinOptionsType: options ? BuiltinOptions[options.table] : BuiltinOptions.NONE,
    };
    if (options) out.builtinOptions = builtinOptions(options.table, options.values);
    return out;
  });
  model.subgraphs.push({
    tensors,
    inputs: spec.inputs.map((n) => indexOf(n, 'subgraph input')),
    outputs: spec.outputs.map((n) => indexOf(n, 'subgraph output')),
    operators,
    name: spec.subgraphName,
  });
  return model;
}

export function encodeTfliteModel(spec: TfliteModelSpec): Uint8Array {
  return encodeTfliteModelFile(tfliteModelFromSpec(spec));
}

/** The options table of an operator spec: the typed short forms mapped onto the schema's tables. */
function optionsOf(operator: TfliteOperatorSpec): { table: keyof typeof BuiltinOptions; values?: FlatTable } | undefined {
  if ('builtin' in operator && operator.builtin) return operator.builtin;
  const act = (a: Activation | undefined): number => ActivationFunctionType[a ?? 'NONE'];
  const typed = operator as TypedOperatorOptions;
  switch (typed.op) {
    case 'CONV_2D':
    case 'DEPTHWISE_CONV_2D': {
      const o = typed.options;
      const values: FlatTable = { padding: Padding[o.padding], strideW: o.strideW, strideH: o.strideH, fusedActivationFunction: act(o.activation), dilationWFactor: o.dilationW ?? 1, dilationHFactor: o.dilationH ?? 1 };
      if (typed.op === 'CONV_2D') return { table: 'Conv2DOptions', values };
      return { table: 'DepthwiseConv2DOptions', values: { ...values, depthMultiplier: typed.options.depthMultiplier } };
    }
    case 'MAX_POOL_2D':
    case 'AVERAGE_POOL_2D': {
      const o = typed.options;
      return { table: 'Pool2DOptions', values: { padding: Padding[o.padding], strideW: o.strideW, strideH: o.strideH, filterWidth: o.filterW, filterHeight: o.filterH, fusedActivationFunction: act(o.activation) } };
    }
    case 'FULLY_CONNECTED':
      return { table: 'FullyConnectedOptions', values: { fusedActivationFunction: act(typed.options?.activation), weightsFormat: FullyConnectedOptionsWeightsFormat.DEFAULT, keepNumDims: typed.options?.keepNumDims ?? false } };
    case 'ADD':
      return { table: 'AddOptions', values: { fusedActivationFunction: act(typed.options?.activation) } };
    case 'SOFTMAX':
      return { table: 'SoftmaxOptions', values: { beta: typed.options.beta } };
    case 'RESHAPE':
      return { table: 'ReshapeOptions', values: { newShape: typed.options.newShape } };
    default:
      return undefined;
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
