/**
 * A TFLite model's graph as ModelGraph, through the existing bounds-checked FlatReader and the
 * generated schema ids: every operator of every subgraph (subgraph 0 is the main graph; IF, WHILE
 * and CALL_ONCE bodies are the others), tensors with dtype, shape and quantization, and weight
 * statistics read from the buffers in place, dequantized ((q − zero_point) × scale, per channel
 * along quantized_dimension) when the tensor is quantized.
 */
import type { GraphTensor, ModelGraph, WeightStats } from '../../../shared/model-graph';
import type { ModelFile, ModelFileSet } from '../model-file';
import { FlatReader } from '../tflite/flat-reader';
import { readOperatorCode, readTensor, requireTfliteIdentifier, type Tensor } from '../tflite/tflite-reader';
import {
  ActivationFunctionType,
  BufferField,
  BuiltinOptions,
  ConcatenationOptionsField,
  Conv2DOptionsField,
  DepthwiseConv2DOptionsField,
  FullyConnectedOptionsField,
  IfOptionsField,
  ModelField,
  OperatorField,
  Padding,
  Pool2DOptionsField,
  ReducerOptionsField,
  SoftmaxOptionsField,
  SubGraphField,
  TransposeConvOptionsField,
  WhileOptionsField,
} from '../tflite/tflite-schema';
import { GraphBuilder, Scope } from './graph-builder';
import { elementKind, statsOfBytes } from './weight-stats';

export function readTfliteGraph(files: ModelFileSet): ModelGraph {
  const file = files.main;
  const fb = new FlatReader(file.data, file.name, 'TFLite model');
  requireTfliteIdentifier(fb, file);
  const model = fb.root();
  const codes = fb.tables(model, ModelField.operatorCodes).map((code) => readOperatorCode(fb, code));
  const buffers = fb.tables(model, ModelField.buffers).map((buffer) => bufferBytes(fb, file, buffer));
  const builder = new GraphBuilder('tflite');
  const sparse: string[] = [];
  // Tensor names key the tensor table: a name used before (another subgraph's, or a repeat) or none gets where it is.
  const claimed = new Set<string>();
  const uniqueName = (name: string, subgraphIndex: number, index: number): string => {
    const key = name !== '' && !claimed.has(name) ? name : `${name === '' ? 'tensor' : name} (subgraph ${subgraphIndex}, tensor ${index})`;
    claimed.add(key);
    return key;
  };

  fb.tables(model, ModelField.subgraphs).forEach((subgraph, subgraphIndex) => {
    const name = fb.string(subgraph, SubGraphField.name) ?? '';
    const scope: Scope =
      subgraphIndex === 0
        ? new Scope(null)
        : builder.namedSubgraph(`subgraph_${subgraphIndex}`, name === '' ? `subgraph ${subgraphIndex}` : `subgraph ${subgraphIndex} '${name}'`);
    const tensors = fb.tables(subgraph, SubGraphField.tensors).map((table) => readTensor(fb, table));
    const keys = tensors.map((tensor, index) => uniqueName(tensor.info.name, subgraphIndex, index));
    const graphInputs = new Set(fb.int32s(subgraph, SubGraphField.inputs) ?? []);
    const graphOutputs = new Set(fb.int32s(subgraph, SubGraphField.outputs) ?? []);
    tensors.forEach((tensor, index) => {
      const data = buffers[tensor.buffer];
      const isWeight = data !== undefined && data.byteLength > 0;
      if (isWeight && tensor.sparse) sparse.push(keys[index] as string);
      const role: GraphTensor['role'] = isWeight ? 'weight' : subgraphIndex === 0 && graphInputs.has(index) ? 'input' : subgraphIndex === 0 && graphOutputs.has(index) ? 'output' : 'activation';
      const stats = isWeight && !tensor.sparse ? weightStats(tensor, data) : undefined;
      builder.tensor(keys[index] as string, {
        dtype: tensor.info.dtype,
        shape: tensor.info.shape,
        role,
        quantized: tensor.info.quantization !== undefined,
        ...(stats ? { stats } : {}),
      });
    });
    const key = (index: number): string => (index < 0 ? '' : (keys[index] ?? `missing tensor ${index}`));
    for (const operator of fb.tables(subgraph, SubGraphField.operators)) {
      const codeIndex = fb.uint32(operator, OperatorField.opcodeIndex, 0);
      const code = codes[codeIndex];
      if (!code) throw fb.error(`an operator uses opcode_index ${codeIndex} but the model has ${codes.length} operator codes`, operator);
      builder.addNode(scope, {
        name: '',
        op: code.name,
        inputs: (fb.int32s(operator, OperatorField.inputs) ?? []).map(key),
        outputs: (fb.int32s(operator, OperatorField.outputs) ?? []).map(key),
        attributes: operatorAttributes(fb, operator),
      });
    }
  });
  if (sparse.length > 0) builder.notes.push(`${sparse.length} weight(s) are stored sparse (${sparse.slice(0, 5).join(', ')}${sparse.length > 5 ? ', …' : ''}); they have no statistics.`);
  return builder.build();
}

/** A buffer's bytes, in the flatbuffer or (models over 2 GB) after it at offset/size; a view, never a copy. */
function bufferBytes(fb: FlatReader, file: ModelFile, buffer: number): Uint8Array {
  const data = fb.vector(buffer, BufferField.data, 1);
  if (data !== null && data.length > 0) return file.data.subarray(data.start, data.start + data.length);
  const offset = fb.uint64(buffer, BufferField.offset);
  if (offset <= 1n) return new Uint8Array(0);
  const start = Number(offset);
  const end = start + Number(fb.uint64(buffer, BufferField.size));
  if (end > file.data.byteLength) throw fb.error(`a buffer's data at bytes ${start}..${end} runs past the end of the file`, start);
  return file.data.subarray(start, end);
}

const INTEGER_KINDS = new Set(['int8', 'uint8', 'int16', 'uint16', 'int32', 'int64', 'int4', 'uint4']);

/** Statistics of a constant tensor's values: dequantized when it carries scale and zero point (per tensor, or per channel). */
function weightStats(tensor: Tensor, data: Uint8Array): WeightStats | undefined {
  const kind = elementKind(tensor.info.dtype);
  if (!kind) return undefined;
  const elements = tensor.dims.reduce((a, b) => a * b, 1);
  const quantization = tensor.info.quantization;
  if (!quantization || !INTEGER_KINDS.has(kind)) return statsOfBytes(data, kind, elements);
  const { scale, zeroPoint } = quantization;
  if (scale.length === 1) {
    const s = scale[0] as number;
    const z = zeroPoint[0] ?? 0;
    return statsOfBytes(data, kind, elements, (q) => (q - z) * s);
  }
  // Per channel: the channel of element i is its index along quantized_dimension.
  const axis = quantization.axis ?? 0;
  const channels = tensor.dims[axis] ?? scale.length;
  const inner = tensor.dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  return statsOfBytes(data, kind, elements, (q, i) => {
    const channel = Math.floor(i / inner) % channels;
    return (q - (zeroPoint[channel] ?? 0)) * (scale[channel] ?? 1);
  });
}

type FieldKind = 'int' | 'float' | 'bool' | 'activation' | 'padding';
const enumName = (values: Readonly<Record<string, number>>, value: number): string =>
  Object.entries(values).find(([, v]) => v === value)?.[0] ?? String(value);

/** Field ids come from the generated schema; the kinds are the schema's field types for these tables. */
const OPTION_FIELDS: Partial<Record<string, Array<[string, number, FieldKind]>>> = {
  Conv2DOptions: [['padding', Conv2DOptionsField.padding, 'padding'], ['stride_w', Conv2DOptionsField.strideW, 'int'], ['stride_h', Conv2DOptionsField.strideH, 'int'], ['dilation_w_factor', Conv2DOptionsField.dilationWFactor, 'int'], ['dilation_h_factor', Conv2DOptionsField.dilationHFactor, 'int'], ['fused_activation_function', Conv2DOptionsField.fusedActivationFunction, 'activation']],
  DepthwiseConv2DOptions: [['padding', DepthwiseConv2DOptionsField.padding, 'padding'], ['stride_w', DepthwiseConv2DOptionsField.strideW, 'int'], ['stride_h', DepthwiseConv2DOptionsField.strideH, 'int'], ['depth_multiplier', DepthwiseConv2DOptionsField.depthMultiplier, 'int'], ['dilation_w_factor', DepthwiseConv2DOptionsField.dilationWFactor, 'int'], ['dilation_h_factor', DepthwiseConv2DOptionsField.dilationHFactor, 'int'], ['fused_activation_function', DepthwiseConv2DOptionsField.fusedActivationFunction, 'activation']],
  TransposeConvOptions: [['padding', TransposeConvOptionsField.padding, 'padding'], ['stride_w', TransposeConvOptionsField.strideW, 'int'], ['stride_h', TransposeConvOptionsField.strideH, 'int'], ['fused_activation_function', TransposeConvOptionsField.fusedActivationFunction, 'activation']],
  Pool2DOptions: [['padding', Pool2DOptionsField.padding, 'padding'], ['stride_w', Pool2DOptionsField.strideW, 'int'], ['stride_h', Pool2DOptionsField.strideH, 'int'], ['filter_width', Pool2DOptionsField.filterWidth, 'int'], ['filter_height', Pool2DOptionsField.filterHeight, 'int'], ['fused_activation_function', Pool2DOptionsField.fusedActivationFunction, 'activation']],
  FullyConnectedOptions: [['fused_activation_function', FullyConnectedOptionsField.fusedActivationFunction, 'activation'], ['keep_num_dims', FullyConnectedOptionsField.keepNumDims, 'bool'], ['asymmetric_quantize_inputs', FullyConnectedOptionsField.asymmetricQuantizeInputs, 'bool']],
  ConcatenationOptions: [['axis', ConcatenationOptionsField.axis, 'int'], ['fused_activation_function', ConcatenationOptionsField.fusedActivationFunction, 'activation']],
  SoftmaxOptions: [['beta', SoftmaxOptionsField.beta, 'float']],
  ReducerOptions: [['keep_dims', ReducerOptionsField.keepDims, 'bool']],
  IfOptions: [['then_subgraph_index', IfOptionsField.thenSubgraphIndex, 'int'], ['else_subgraph_index', IfOptionsField.elseSubgraphIndex, 'int']],
  WhileOptions: [['cond_subgraph_index', WhileOptionsField.condSubgraphIndex, 'int'], ['body_subgraph_index', WhileOptionsField.bodySubgraphIndex, 'int']],
  // The element-wise ops' options hold only the fused activation, always field 0.
  AddOptions: [['fused_activation_function', 0, 'activation']],
  SubOptions: [['fused_activation_function', 0, 'activation']],
  MulOptions: [['fused_activation_function', 0, 'activation']],
  DivOptions: [['fused_activation_function', 0, 'activation']],
};

/**
 * The options table's type, and for the common ops its fields (with the schema's defaults when
 * the file leaves them out); a custom op's options are opaque bytes, given as their length.
 */
function operatorAttributes(fb: FlatReader, operator: number): Record<string, string> {
  const attributes: Record<string, string> = {};
  const type = fb.uint8(operator, OperatorField.builtinOptionsType, 0);
  if (type !== 0) {
    const typeName = enumName(BuiltinOptions, type);
    attributes.options = typeName;
    const table = fb.table(operator, OperatorField.builtinOptions);
    for (const [name, id, kind] of table === null ? [] : (OPTION_FIELDS[typeName] ?? [])) {
      const defaultValue = name.startsWith('dilation') ? 1 : 0;
      switch (kind) {
        case 'int': attributes[name] = String(fb.int32(table as number, id, defaultValue)); break;
        case 'float': {
          const at = fb.field(table as number, id, 4);
          attributes[name] = String(at === 0 ? 0 : fb.bb.readFloat32(at));
          break;
        }
        case 'bool': attributes[name] = fb.uint8(table as number, id, 0) !== 0 ? 'true' : 'false'; break;
        case 'activation': attributes[name] = enumName(ActivationFunctionType, fb.int8(table as number, id, 0)); break;
        case 'padding': attributes[name] = enumName(Padding, fb.int8(table as number, id, 0)); break;
      }
    }
  }
  const custom = fb.vector(operator, OperatorField.customOptions, 1);
  if (custom !== null && custom.length > 0) attributes.custom_options = `${custom.length} bytes`;
  return attributes;
}
