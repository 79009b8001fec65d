import { Builder } from 'flatbuffers';

/**
 * Builds small TFLite flatbuffers for tests with flatbuffers.Builder, following the table
 * layouts of tensorflow/lite/schema/schema.fbs (field slot = declaration index).
 */

export const TensorType = { FLOAT32: 0, INT32: 2, UINT8: 3, INT64: 4, INT8: 9 } as const;

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
    b.startObject(3);
    if (vector) b.addFieldOffset(0, vector, 0);
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
      b.startObject(7);
      b.addFieldOffset(2, scale, 0);
      b.addFieldOffset(3, zeroPoint, 0);
      b.addFieldInt32(6, tensor.quant.dim ?? 0, 0);
      quant = b.endObject();
    }
    let sparsity = 0;
    if (tensor.sparse) {
      const order = int32Vector(tensor.shape.map((_, i) => i));
      b.startObject(3);
      b.addFieldOffset(0, order, 0);
      sparsity = b.endObject();
    }
    b.startObject(10);
    b.addFieldOffset(0, shape, 0);
    b.addFieldInt8(1, tensor.type, 0);
    b.addFieldInt32(2, tensor.buffer ?? 0, 0);
    b.addFieldOffset(3, name, 0);
    if (quant) b.addFieldOffset(4, quant, 0);
    if (tensor.variable) b.addFieldInt8(5, 1, 0);
    if (sparsity) b.addFieldOffset(6, sparsity, 0);
    if (signature) b.addFieldOffset(7, signature, 0);
    return b.endObject();
  };

  const operatorTable = (op: TfliteSpec['operators'][number]): number => {
    const inputs = int32Vector(op.inputs);
    const outputs = int32Vector(op.outputs);
    let options = 0;
    if (op.batchMatMul) {
      b.startObject(3);
      b.addFieldInt8(0, op.batchMatMul.adjX ? 1 : 0, 0);
      b.addFieldInt8(1, op.batchMatMul.adjY ? 1 : 0, 0);
      options = b.endObject();
    }
    if (op.subgraphs) {
      b.startObject(op.subgraphs.length);
      op.subgraphs.forEach((index, field) => b.addFieldInt32(field, index, -1));
      options = b.endObject();
    }
    b.startObject(13);
    b.addFieldInt32(0, op.opcode, 0);
    b.addFieldOffset(1, inputs, 0);
    b.addFieldOffset(2, outputs, 0);
    if (options) {
      b.addFieldInt8(3, 1, 0); // union type byte; the reader relies on the op code, not on this value
      b.addFieldOffset(4, options, 0);
    }
    return b.endObject();
  };

  const subgraphTable = (graph: TfliteSubgraphSpec, name: string): number => {
    const tensorVector = tableVector(graph.tensors.map(tensorTable));
    const operatorVector = tableVector(graph.operators.map(operatorTable));
    const inputs = int32Vector(graph.inputs);
    const outputs = int32Vector(graph.outputs);
    const subgraphName = b.createString(name);
    b.startObject(5);
    b.addFieldOffset(0, tensorVector, 0);
    b.addFieldOffset(1, inputs, 0);
    b.addFieldOffset(2, outputs, 0);
    b.addFieldOffset(3, operatorVector, 0);
    b.addFieldOffset(4, subgraphName, 0);
    return b.endObject();
  };
  const subgraphs = [subgraphTable(spec, 'main'), ...(spec.subgraphs ?? []).map((graph, i) => subgraphTable(graph, `body${i + 1}`))];

  const opcodes = spec.opcodes.map((code) => {
    const custom = code.custom ? b.createString(code.custom) : 0;
    b.startObject(4);
    b.addFieldInt8(0, code.deprecated, 0);
    if (custom) b.addFieldOffset(1, custom, 0);
    b.addFieldInt32(2, 1, 1);
    b.addFieldInt32(3, code.builtin, 0);
    return b.endObject();
  });

  const metadata = (spec.metadata ?? []).map((entry) => {
    const name = b.createString(entry.name);
    b.startObject(2);
    b.addFieldOffset(0, name, 0);
    b.addFieldInt32(1, entry.buffer, 0);
    return b.endObject();
  });

  const opcodeVector = tableVector(opcodes);
  const subgraphVector = tableVector(subgraphs);
  const bufferVector = tableVector(buffers);
  const metadataVector = metadata.length > 0 ? tableVector(metadata) : 0;
  const description = spec.description ? b.createString(spec.description) : 0;
  b.startObject(8);
  b.addFieldInt32(0, spec.version, 0);
  b.addFieldOffset(1, opcodeVector, 0);
  b.addFieldOffset(2, subgraphVector, 0);
  if (description) b.addFieldOffset(3, description, 0);
  b.addFieldOffset(4, bufferVector, 0);
  if (metadataVector) b.addFieldOffset(6, metadataVector, 0);
  b.finish(b.endObject(), 'TFL3');
  return b.asUint8Array();
}
