import { Builder } from 'flatbuffers';
import {
  BatchMatMulOptionsField,
  BufferField,
  FILE_IDENTIFIER,
  MetadataField,
  ModelField,
  OperatorCodeField,
  OperatorField,
  QuantizationParametersField,
  SparsityParametersField,
  SubGraphField,
  TensorField,
} from '../../../src/core/formats/tflite/tflite-schema';

/**
 * Builds small TFLite flatbuffers for tests with flatbuffers.Builder, with the field ids generated
 * from TFLite's schema.fbs (src/core/formats/tflite/generated). It writes what the studio's writer
 * never does (legacy op codes, sparse tensors, subgraphs, metadata), so tests can read such files.
 */

export { TensorType } from '../../../src/core/formats/tflite/tflite-schema';

/** startObject takes the table's field count; the Builder drops trailing unset slots from the vtable. */
const fieldCount = (fields: Readonly<Record<string, number>>): number => Object.keys(fields).length;

export interface TfliteTensorSpec {
  name: string;
  shape: number[];
  shapeSignature?: number[];
  type: number;
  buffer?: number;
  quant?: { scale: number[]; zeroPoint: number[]; dim?: number };
  /** Stored sparse: a SparsityParameters table (traversal order only) marks it; shape stays the dense one. */
  sparse?: boolean;
  /** Tensor.is_variable (state an operator keeps between invocations). */
  variable?: boolean;
}

export interface TfliteSubgraphSpec {
  tensors: TfliteTensorSpec[];
  inputs: number[];
  outputs: number[];
  operators: TfliteSpec['operators'];
}

export interface TfliteSpec {
  version: number;
  description?: string;
  /** deprecated_builtin_code (int8), builtin_code (int32), custom_code. */
  opcodes: Array<{ deprecated: number; builtin: number; custom?: string }>;
  tensors: TfliteTensorSpec[];
  inputs: number[];
  outputs: number[];
  operators: Array<{
    opcode: number;
    inputs: number[];
    outputs: number[];
    batchMatMul?: { adjX: boolean; adjY: boolean };
    /** IfOptions (then, else), WhileOptions (cond, body) or CallOnceOptions (init): the subgraph indices, in field order. */
    subgraphs?: number[];
  }>;
  /** Buffer 0 must be the empty sentinel. */
  buffers: Uint8Array[];
  metadata?: Array<{ name: string; buffer: number }>;
  /** Subgraphs after the main one (IF / WHILE bodies). */
  subgraphs?: TfliteSubgraphSpec[];
}

export function buildTflite(spec: TfliteSpec): Uint8Array {
  const b = new Builder(1024);
  const int32Vector = (values: number[]): number => {
    b.startVector(4, values.length, 4);
    for (let i = values.length - 1; i >= 0; i -= 1) b.addInt32(values[i] as number);
    return b.endVector();
  };
  const tableVector = (offsets: number[]): number => {
    b.startVector(4, offsets.length, 4);
    for (let i = offsets.length - 1; i >= 0; i -= 1) b.addOffset(offsets[i] as number);
    return b.endVector();
  };

  const buffers = spec.buffers.map((data) => {
    const vector = data.length > 0 ? b.createByteVector(data) : 0;
    b.startObject(fieldCount(BufferField));
    if (vector) b.addFieldOffset(BufferField.data, vector, 0);
    return b.endObject();
  });

  const tensorTable = (tensor: TfliteTensorSpec): number => {
    const name = b.createString(tensor.name);
    const shape = int32Vector(tensor.shape);
    const signature = tensor.shapeSignature ? int32Vector(tensor.shapeSignature) : 0;
    let quant = 0;
    if (tensor.quant) {
      b.startVector(4, tensor.quant.scale.length, 4);
      for (let i = tensor.quant.scale.length - 1; i >= 0; i -= 1) b.addFloat32(tensor.quant.scale[i] as number);
      const scale = b.endVector();
      b.startVector(8, tensor.quant.zeroPoint.length, 8);
      for (let i = tensor.quant.zeroPoint.length - 1; i >= 0; i -= 1) b.addInt64(BigInt(tensor.quant.zeroPoint[i] as number));
      const zeroPoint = b.endVector();
      b.startObject(fieldCount(QuantizationParametersField));
      b.addFieldOffset(QuantizationParametersField.scale, scale, 0);
      b.addFieldOffset(QuantizationParametersField.zeroPoint, zeroPoint, 0);
      b.addFieldInt32(QuantizationParametersField.quantizedDimension, tensor.quant.dim ?? 0, 0);
      quant = b.endObject();
    }
    let sparsity = 0;
    if (tensor.sparse) {
      const order = int32Vector(tensor.shape.map((_, i) => i));
      b.startObject(fieldCount(SparsityParametersField));
      b.addFieldOffset(SparsityParametersField.traversalOrder, order, 0);
      sparsity = b.endObject();
    }
    b.startObject(fieldCount(TensorField));
    b.addFieldOffset(TensorField.shape, shape, 0);
    b.addFieldInt8(TensorField.type, tensor.type, 0);
    b.addFieldInt32(TensorField.buffer, tensor.buffer ?? 0, 0);
    b.addFieldOffset(TensorField.name, name, 0);
    if (quant) b.addFieldOffset(TensorField.quantization, quant, 0);
    if (tensor.variable) b.addFieldInt8(TensorField.isVariable, 1, 0);
    if (sparsity) b.addFieldOffset(TensorField.sparsity, sparsity, 0);
    if (signature) b.addFieldOffset(TensorField.shapeSignature, signature, 0);
    return b.endObject();
  };

  const operatorTable = (op: TfliteSpec['operators'][number]): number => {
    const inputs = int32Vector(op.inputs);
    const outputs = int32Vector(op.outputs);
    let options = 0;
    if (op.batchMatMul) {
      b.startObject(fieldCount(BatchMatMulOptionsField));
      b.addFieldInt8(BatchMatMulOptionsField.adjX, op.batchMatMul.adjX ? 1 : 0, 0);
      b.addFieldInt8(BatchMatMulOptionsField.adjY, op.batchMatMul.adjY ? 1 : 0, 0);
      options = b.endObject();
    }
    if (op.subgraphs) {
      // IfOptions, WhileOptions and CallOnceOptions hold only their subgraph indices, in field order.
      b.startObject(op.subgraphs.length);
      op.subgraphs.forEach((index, field) => b.addFieldInt32(field, index, -1));
      options = b.endObject();
    }
    b.startObject(fieldCount(OperatorField));
    b.addFieldInt32(OperatorField.opcodeIndex, op.opcode, 0);
    b.addFieldOffset(OperatorField.inputs, inputs, 0);
    b.addFieldOffset(OperatorField.outputs, outputs, 0);
    if (options) {
      // The union type byte; the readers go by the op code, not by this value.
      b.addFieldInt8(OperatorField.builtinOptionsType, 1, 0);
      b.addFieldOffset(OperatorField.builtinOptions, options, 0);
    }
    return b.endObject();
  };

  const subgraphTable = (graph: TfliteSubgraphSpec, name: string): number => {
    const tensorVector = tableVector(graph.tensors.map(tensorTable));
    const operatorVector = tableVector(graph.operators.map(operatorTable));
    const inputs = int32Vector(graph.inputs);
    const outputs = int32Vector(graph.outputs);
    const subgraphName = b.createString(name);
    b.startObject(fieldCount(SubGraphField));
    b.addFieldOffset(SubGraphField.tensors, tensorVector, 0);
    b.addFieldOffset(SubGraphField.inputs, inputs, 0);
    b.addFieldOffset(SubGraphField.outputs, outputs, 0);
    b.addFieldOffset(SubGraphField.operators, operatorVector, 0);
    b.addFieldOffset(SubGraphField.name, subgraphName, 0);
    return b.endObject();
  };
  const subgraphs = [subgraphTable(spec, 'main'), ...(spec.subgraphs ?? []).map((graph, i) => subgraphTable(graph, `body${i + 1}`))];

  const opcodes = spec.opcodes.map((code) => {
    const custom = code.custom ? b.createString(code.custom) : 0;
    b.startObject(fieldCount(OperatorCodeField));
    b.addFieldInt8(OperatorCodeField.deprecatedBuiltinCode, code.deprecated, 0);
    if (custom) b.addFieldOffset(OperatorCodeField.customCode, custom, 0);
    b.addFieldInt32(OperatorCodeField.version, 1, 1);
    b.addFieldInt32(OperatorCodeField.builtinCode, code.builtin, 0);
    return b.endObject();
  });

  const metadata = (spec.metadata ?? []).map((entry) => {
    const name = b.createString(entry.name);
    b.startObject(fieldCount(MetadataField));
    b.addFieldOffset(MetadataField.name, name, 0);
    b.addFieldInt32(MetadataField.buffer, entry.buffer, 0);
    return b.endObject();
  });

  const opcodeVector = tableVector(opcodes);
  const subgraphVector = tableVector(subgraphs);
  const bufferVector = tableVector(buffers);
  const metadataVector = metadata.length > 0 ? tableVector(metadata) : 0;
  const description = spec.description ? b.createString(spec.description) : 0;
  b.startObject(fieldCount(ModelField));
  b.addFieldInt32(ModelField.version, spec.version, 0);
  b.addFieldOffset(ModelField.operatorCodes, opcodeVector, 0);
  b.addFieldOffset(ModelField.subgraphs, subgraphVector, 0);
  if (description) b.addFieldOffset(ModelField.description, description, 0);
  b.addFieldOffset(ModelField.buffers, bufferVector, 0);
  if (metadataVector) b.addFieldOffset(ModelField.metadata, metadataVector, 0);
  b.finish(b.endObject(), FILE_IDENTIFIER);
  return b.asUint8Array();
}
