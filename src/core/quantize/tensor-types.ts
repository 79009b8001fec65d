/**
 * Element types of every tensor a graph computes, propagated from inputs, initializers and
 * declared value_info through per-op rules. Quantizers need them to
 * know which tensors are float: calibration outputs must be declared with their true type, and
 * fp16 conversion must only touch float tensors. A tensor we cannot type stays unknown, and
 * nodes that read it are left alone.
 */
import type { OnnxModelSpec, OnnxNodeSpec } from '../formats/onnx/onnx-writer';
import { OnnxDataType, toOnnxDataTypeCode } from '../formats/onnx/onnx-types';
import { intAttr, isDefaultDomain } from './graph';

/** Ops whose outputs have the type of their first input. */
const SAME_AS_FIRST = new Set([
  'Abs', 'Acos', 'Acosh', 'Add', 'Asin', 'Asinh', 'Atan', 'Atanh', 'AveragePool', 'BatchNormalization', 'Ceil', 'Celu', 'Clip',
  'Concat', 'Conv', 'ConvTranspose', 'Cos', 'Cosh', 'CumSum', 'DepthToSpace', 'Div', 'Einsum', 'Elu', 'Erf', 'Exp', 'Expand',
  'Flatten', 'Floor', 'Gather', 'GatherElements', 'GatherND', 'Gelu', 'Gemm', 'GlobalAveragePool', 'GlobalLpPool', 'GlobalMaxPool',
  'GroupNormalization', 'HardSigmoid', 'HardSwish', 'Hardmax', 'Identity', 'InstanceNormalization', 'LayerNormalization', 'LeakyRelu',
  'Log', 'LogSoftmax', 'LpNormalization', 'LpPool', 'LRN', 'MatMul', 'Max', 'MaxPool', 'Mean', 'MeanVarianceNormalization', 'Min',
  'Mish', 'Mod', 'Mul', 'Neg', 'Pad', 'Pow', 'PRelu', 'Reciprocal', 'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp',
  'ReduceMax', 'ReduceMean', 'ReduceMin', 'ReduceProd', 'ReduceSum', 'ReduceSumSquare', 'Relu', 'Reshape', 'Resize', 'ReverseSequence',
  'Round', 'ScatterElements', 'ScatterND', 'Selu', 'Shrink', 'Sigmoid', 'Sign', 'Sin', 'Sinh', 'Slice', 'Softmax', 'Softplus',
  'Softsign', 'SpaceToDepth', 'Split', 'Sqrt', 'Squeeze', 'Sub', 'Sum', 'Tan', 'Tanh', 'ThresholdedRelu', 'Tile', 'TopK', 'Transpose',
  'Trilu', 'Unsqueeze', 'Upsample', 'Range', 'Dropout', 'Unique',
]);
const BOOL_OUT = new Set(['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'Not', 'And', 'Or', 'Xor', 'IsNaN', 'IsInf']);
const INT64_OUT = new Set(['Shape', 'Size', 'ArgMax', 'ArgMin', 'NonZero', 'NonMaxSuppression']);

/** Outputs past the first whose type is fixed, whatever the input type. */
const FIXED_LATER_OUTPUTS: Record<string, Record<number, number>> = {
  MaxPool: { 1: OnnxDataType.INT64 },
  TopK: { 1: OnnxDataType.INT64 },
  Dropout: { 1: OnnxDataType.BOOL },
  Unique: { 1: OnnxDataType.INT64, 2: OnnxDataType.INT64, 3: OnnxDataType.INT64 },
};

function constantType(node: OnnxNodeSpec): number | undefined {
  const attrs = node.attributes ?? {};
  for (const [name, value] of Object.entries(attrs)) {
    if (name === 'value' && typeof value === 'object' && !Array.isArray(value) && 'tensor' in value) return toOnnxDataTypeCode(value.tensor.dataType);
    if (name === 'value_float' || name === 'value_floats') return OnnxDataType.FLOAT;
    if (name === 'value_int' || name === 'value_ints') return OnnxDataType.INT64;
    if (name === 'value_string' || name === 'value_strings') return OnnxDataType.STRING;
  }
  return undefined;
}

function outputTypes(node: OnnxNodeSpec, typeOf: (name: string) => number | undefined): (number | undefined)[] {
  const op = node.opType;
  const first = typeOf(node.inputs[0] ?? '');
  // Custom-domain ops (com.microsoft Gelu, FusedConv, SkipLayerNormalization...) keep their
  // input's float type in practice; a wrong guess makes the variant fail its load check in
  // quantizeOnnx, loudly.
  if (!isDefaultDomain(node)) return node.outputs.map(() => first);
  if (op === 'Constant') return [constantType(node)];
  if (op === 'Cast') return [intAttr(node, 'to', 0) || undefined];
  if (op === 'CastLike') return [typeOf(node.inputs[1] ?? '')];
  if (op === 'Where') return [typeOf(node.inputs[1] ?? '')];
  if (op === 'ConstantOfShape') return [constantType(node) ?? OnnxDataType.FLOAT];
  if (op === 'DequantizeLinear') return [typeOf(node.inputs[1] ?? '') ?? OnnxDataType.FLOAT];
  if (op === 'QuantizeLinear') return [typeOf(node.inputs[2] ?? '') ?? OnnxDataType.UINT8];
  if (op === 'DynamicQuantizeLinear') return [OnnxDataType.UINT8, OnnxDataType.FLOAT, OnnxDataType.UINT8];
  if (op === 'MatMulInteger' || op === 'ConvInteger') return [OnnxDataType.INT32];
  if (BOOL_OUT.has(op)) return [OnnxDataType.BOOL];
  if (INT64_OUT.has(op)) return [OnnxDataType.INT64];
  if (SAME_AS_FIRST.has(op)) {
    const fixed = FIXED_LATER_OUTPUTS[op] ?? {};
    return node.outputs.map((_, i) => (i === 0 ? first : (fixed[i] ?? first)));
  }
  return [];
}

/** Element type code of each tensor we can type, by name. */
export function inferTensorTypes(spec: OnnxModelSpec): Map<string, number> {
  const types = new Map<string, number>();
  const declare = (name: string, type: number | undefined): void => {
    if (name && type !== undefined && type !== OnnxDataType.UNDEFINED && !types.has(name)) types.set(name, type);
  };
  for (const input of spec.inputs) declare(input.name, toOnnxDataTypeCode(input.elemType));
  for (const tensor of spec.initializers) declare(tensor.name, toOnnxDataTypeCode(tensor.dataType));
  for (const info of [...(spec.valueInfo ?? []), ...spec.outputs]) declare(info.name, toOnnxDataTypeCode(info.elemType));
  for (const node of spec.nodes) {
    const out = outputTypes(node, (name) => types.get(name));
    node.outputs.forEach((name, i) => declare(name, out[i]));
  }
  return types;
}

export function isFloat32(types: Map<string, number>, name: string): boolean {
  return types.get(name) === OnnxDataType.FLOAT;
}
