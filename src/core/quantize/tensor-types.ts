/**
 * Element types of every tensor a graph computes, propagated from inputs, initializers and
 * declared value_info through per-op rules. Quantizers need them to
 * know which tensors are float: calibration outputs must be declared with their true type, and
 * fp16 conversion must only touch float tensors. A tensor we cannot type stays unknown, and
 * nodes that read it are left alone.
 */
import type { GraphProto, NodeProto } from '../formats/onnx/generated/onnx_pb';
import { attributeOf, elemTypeOf, intAttribute, isDefaultDomain } from '../formats/onnx/onnx-attributes';
import { OnnxDataType } from '../formats/onnx/onnx-types';

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

function constantType(node: NodeProto): number | undefined {
  for (const attribute of node.attribute) {
    const name = attribute.name;
    if (name === 'value' && attribute.t) return attribute.t.dataType;
    if (name === 'value_float' || name === 'value_floats') return OnnxDataType.FLOAT;
    if (name === 'value_int' || name === 'value_ints') return OnnxDataType.INT64;
    if (name === 'value_string' || name === 'value_strings') return OnnxDataType.STRING;
  }
  return undefined;
}

/** Declared body output types: If outputs are its branch's; Loop/Scan carried values keep their input's type, scan outputs take the body's. */
function controlFlowTypes(node: NodeProto, typeOf: (name: string) => number | undefined): (number | undefined)[] {
  const body = attributeOf(node, node.opType === 'If' ? 'then_branch' : 'body')?.g;
  if (!body) return [];
  const declared = (i: number): number | undefined => {
    const info = body.output[i];
    const type = info ? elemTypeOf(info) : 0;
    return type === OnnxDataType.UNDEFINED ? undefined : type;
  };
  if (node.opType === 'If') return node.output.map((_, i) => declared(i));
  // Loop: inputs (M, cond, carried...), body outputs (cond, carried..., scans...). Scan: inputs (states..., scans...), body outputs (states..., scans...).
  const carried = node.opType === 'Loop' ? node.input.length - 2 : node.input.length - intAttribute(node, 'num_scan_inputs', 0);
  const firstCarried = node.opType === 'Loop' ? 2 : 0;
  const bodyOffset = node.opType === 'Loop' ? 1 : 0;
  return node.output.map((_, i) => (i < carried ? (typeOf(node.input[firstCarried + i] ?? '') ?? declared(bodyOffset + i)) : declared(bodyOffset + i)));
}

function outputTypes(node: NodeProto, typeOf: (name: string) => number | undefined): (number | undefined)[] {
  const op = node.opType;
  const first = typeOf(node.input[0] ?? '');
  // Custom-domain ops (com.microsoft Gelu, FusedConv, SkipLayerNormalization...) keep their
  // input's float type in practice; a wrong guess makes the variant fail its load check in
  // quantizeOnnx, loudly.
  if (!isDefaultDomain(node)) return node.output.map(() => first);
  if (op === 'If' || op === 'Loop' || op === 'Scan') return controlFlowTypes(node, typeOf);
  if (op === 'Constant') return [constantType(node)];
  if (op === 'Cast') return [intAttribute(node, 'to', 0) || undefined];
  if (op === 'CastLike') return [typeOf(node.input[1] ?? '')];
  if (op === 'Where') return [typeOf(node.input[1] ?? '')];
  if (op === 'ConstantOfShape') return [attributeOf(node, 'value')?.t?.dataType ?? OnnxDataType.FLOAT];
  if (op === 'DequantizeLinear') return [typeOf(node.input[1] ?? '') ?? OnnxDataType.FLOAT];
  if (op === 'QuantizeLinear') return [typeOf(node.input[2] ?? '') ?? OnnxDataType.UINT8];
  if (op === 'DynamicQuantizeLinear') return [OnnxDataType.UINT8, OnnxDataType.FLOAT, OnnxDataType.UINT8];
  if (op === 'MatMulInteger' || op === 'ConvInteger') return [OnnxDataType.INT32];
  if (BOOL_OUT.has(op)) return [OnnxDataType.BOOL];
  if (INT64_OUT.has(op)) return [OnnxDataType.INT64];
  if (SAME_AS_FIRST.has(op)) {
    const fixed = FIXED_LATER_OUTPUTS[op] ?? {};
    return node.output.map((_, i) => (i === 0 ? first : (fixed[i] ?? first)));
  }
  return [];
}

/**
 * Element type code of each tensor of a graph we can type, by name; a subgraph starts from the
 * enclosing graph's types (it may read any outer tensor), and its own declarations come first.
 */
export function inferTensorTypes(graph: GraphProto, outer?: ReadonlyMap<string, number>): Map<string, number> {
  const own = new Map<string, number>();
  const declare = (name: string, type: number | undefined): void => {
    if (name && type !== undefined && type !== OnnxDataType.UNDEFINED && !own.has(name)) own.set(name, type);
  };
  for (const input of graph.input) declare(input.name, elemTypeOf(input));
  for (const tensor of graph.initializer) declare(tensor.name, tensor.dataType);
  for (const info of [...graph.valueInfo, ...graph.output]) declare(info.name, elemTypeOf(info));
  const typeOf = (name: string): number | undefined => own.get(name) ?? outer?.get(name);
  for (const node of graph.node) {
    const out = outputTypes(node, typeOf);
    node.output.forEach((name, i) => declare(name, out[i]));
  }
  const types = new Map(outer ?? []);
  for (const [name, type] of own) types.set(name, type);
  return types;
}

export function isFloat32(types: Map<string, number>, name: string): boolean {
  return types.get(name) === OnnxDataType.FLOAT;
}
