import type { Dim, TensorInfo } from '../../../shared/model-info';
import { MODEL_FORMATS } from '../../../shared/plugins/model-formats';
import type { ModelFile, ModelReader, ModelReadout } from '../model-file';
import { matMulShapes, product } from '../shape-math';
import { FlatReader } from './flat-reader';
import {
  BatchMatMulOptionsField,
  BufferField,
  BuiltinOp,
  builtinOperatorName,
  FILE_IDENTIFIER,
  MetadataField,
  ModelField,
  OperatorCodeField,
  OperatorField,
  QuantizationParametersField,
  SubGraphField,
  TensorField,
  tensorTypeName,
  TRANSPOSED_CONV_CUSTOM_OPS,
} from './tflite-schema';

const FORMAT_LABEL = 'TFLite model';

export interface Tensor {
  info: TensorInfo;
  /** Shape with dynamic dims as 1, for MACs. For a sparse tensor, the dense shape it expands to. */
  dims: number[];
  buffer: number;
  sparse: boolean;
}

export interface OperatorCode {
  /** The BuiltinOperator name, or the custom_code of a CUSTOM op. */
  name: string;
  builtin: number;
}

/** The flatbuffer file identifier sits at bytes 4..8, right after the root offset. */
export function hasTfliteIdentifier(file: ModelFile): boolean {
  const data = file.data;
  return data.byteLength >= 8 && String.fromCharCode(...data.subarray(4, 8)) === FILE_IDENTIFIER;
}

/** Refuses bytes that are not a TFLite flatbuffer, naming the file (the reader's and the fit estimate's one check). */
export function requireTfliteIdentifier(fb: FlatReader, file: ModelFile): void {
  if (file.data.byteLength === 0) throw fb.error('the file is empty', 0);
  if (!hasTfliteIdentifier(file)) throw fb.error(`it lacks the '${FILE_IDENTIFIER}' file identifier at bytes 4-8`, 4);
}

export function readTflite(file: ModelFile): ModelReadout {
  const fb = new FlatReader(file.data, file.name, FORMAT_LABEL);
  requireTfliteIdentifier(fb, file);
  const model = fb.root();
  const version = fb.uint32(model, ModelField.version, 0);
  const description = fb.string(model, ModelField.description);
  const codes = fb.tables(model, ModelField.operatorCodes).map((code) => readOperatorCode(fb, code));
  const buffers = fb.tables(model, ModelField.buffers);
  const bufferBytes = buffers.map((buffer) => {
    const data = fb.vector(buffer, BufferField.data, 1);
    if (data !== null && data.length > 0) return data.length;
    // Models over 2 GB keep constant data after the flatbuffer, addressed by offset/size (valid when offset > 1).
    return fb.uint64(buffer, BufferField.offset) > 1n ? Number(fb.uint64(buffer, BufferField.size)) : 0;
  });

  const ops: Record<string, number> = {};
  const macsByOp: Record<string, number> = {};
  const notes: string[] = [];
  let parameters = 0;
  let macs = 0;
  const skipped: string[] = [];
  let inputs: TensorInfo[] = [];
  let outputs: TensorInfo[] = [];
  // A buffer two tensors share (possible across subgraphs) holds its parameters once.
  const counted = new Set<number>();
  const sparse = { tensors: 0, denseElements: 0, storedBytes: 0 };

  const subgraphs = fb.tables(model, ModelField.subgraphs);
  subgraphs.forEach((subgraph, subgraphIndex) => {
    const tensors = fb.tables(subgraph, SubGraphField.tensors).map((tensor) => readTensor(fb, tensor));
    const tensorAt = (index: number): Tensor | undefined => tensors[index];
    for (const tensor of tensors) {
      if ((bufferBytes[tensor.buffer] ?? 0) === 0 || counted.has(tensor.buffer)) continue;
      counted.add(tensor.buffer);
      // A sparse tensor's shape is the dense one DENSIFY rebuilds: it counts as that many parameters.
      parameters += product(tensor.dims);
      if (tensor.sparse) {
        sparse.tensors += 1;
        sparse.denseElements += product(tensor.dims);
        sparse.storedBytes += bufferBytes[tensor.buffer] ?? 0;
      }
    }
    if (subgraphIndex === 0) {
      inputs = (fb.int32s(subgraph, SubGraphField.inputs) ?? []).flatMap((i) => tensorAt(i)?.info ?? []);
      outputs = (fb.int32s(subgraph, SubGraphField.outputs) ?? []).flatMap((i) => tensorAt(i)?.info ?? []);
    }
    for (const operator of fb.tables(subgraph, SubGraphField.operators)) {
      const codeIndex = fb.uint32(operator, OperatorField.opcodeIndex, 0);
      const code = codes[codeIndex];
      if (!code) throw fb.error(`an operator uses opcode_index ${codeIndex} but the model has ${codes.length} operator codes`, operator);
      ops[code.name] = (ops[code.name] ?? 0) + 1;
      const opInputs = (fb.int32s(operator, OperatorField.inputs) ?? []).map(tensorAt);
      const opOutputs = (fb.int32s(operator, OperatorField.outputs) ?? []).map(tensorAt);
      const opMacs = operatorMacs(fb, operator, code, opInputs, opOutputs);
      if (opMacs === null) skipped.push(code.name);
      else if (opMacs !== undefined) {
        macs += opMacs;
        macsByOp[code.name] = (macsByOp[code.name] ?? 0) + opMacs;
      }
    }
  });

  if (subgraphs.length > 1) {
    notes.push(
      `The model has ${subgraphs.length - 1} subgraph(s) besides the main one (IF, WHILE or CALL_ONCE bodies); ` +
        'their operators, weights and MACs are counted once each, a loop body as one iteration.',
    );
  }
  if (sparse.tensors > 0) {
    notes.push(
      `${sparse.tensors} weight tensor(s) are stored sparse (${sparse.storedBytes} bytes) and expanded by DENSIFY when the model loads; ` +
        `they are counted as the ${sparse.denseElements} dense elements they become.`,
    );
  }
  if (skipped.length > 0) {
    notes.push(`MACs of ${skipped.length} operator(s) are not counted because their tensor shapes are incomplete: ${[...new Set(skipped)].join(', ')}.`);
  }
  const metadata = fb.tables(model, ModelField.metadata).map((entry) => {
    const name = fb.string(entry, MetadataField.name) ?? '?';
    const buffer = buffers[fb.uint32(entry, MetadataField.buffer, 0)];
    const data = buffer === undefined ? null : fb.vector(buffer, BufferField.data, 1);
    // min_runtime_version is a short NUL-padded string; other entries (e.g. TFLITE_METADATA) are binary.
    if (name === 'min_runtime_version' && data) {
      const text = new TextDecoder().decode(file.data.subarray(data.start, data.start + Math.min(data.length, 32)));
      return `${name}=${text.replace(/\0.*$/s, '')}`;
    }
    return name;
  });
  if (metadata.length > 0) notes.push(`Metadata: ${metadata.join(', ')}.`);

  return {
    format: 'tflite',
    producer: description && description.trim() !== '' ? description : null,
    formatVersion: `schema ${version}`,
    inputs,
    outputs,
    ops,
    parameters,
    macs,
    macsByOp,
    notes,
  };
}

/** Per the schema, the real code is the larger of the legacy int8 field and the int32 field. */
export function readOperatorCode(fb: FlatReader, table: number): OperatorCode {
  const builtin = Math.max(
    fb.int8(table, OperatorCodeField.deprecatedBuiltinCode, 0),
    fb.int32(table, OperatorCodeField.builtinCode, 0),
  );
  const name =
    builtin === BuiltinOp.CUSTOM ? (fb.string(table, OperatorCodeField.customCode) ?? 'CUSTOM') : builtinOperatorName(builtin);
  return { name, builtin };
}

export function readTensor(fb: FlatReader, table: number): Tensor {
  const shape = fb.int32s(table, TensorField.shape) ?? [];
  const signature = fb.int32s(table, TensorField.shapeSignature);
  // shape_signature's -1 marks a dim the converter left open; TFLite names no dims, so it is null (as LiteRT reports -1).
  const dims: Dim[] = shape.map((dim, index) => (signature?.[index] === -1 || dim < 0 ? null : dim));
  const info: TensorInfo = {
    name: fb.string(table, TensorField.name) ?? '',
    dtype: tensorTypeName(fb.int8(table, TensorField.type, 0)),
    shape: dims,
  };
  const quantization = fb.table(table, TensorField.quantization);
  if (quantization !== null) {
    const scale = fb.float32s(quantization, QuantizationParametersField.scale) ?? [];
    if (scale.length > 0) {
      const zeroPoint = fb.int64s(quantization, QuantizationParametersField.zeroPoint) ?? [];
      info.quantization = { scale, zeroPoint };
      if (scale.length > 1) info.quantization.axis = fb.int32(quantization, QuantizationParametersField.quantizedDimension, 0);
    }
  }
  return {
    info,
    dims: shape.map((dim) => (dim > 0 ? dim : 1)),
    buffer: fb.uint32(table, TensorField.buffer, 0),
    sparse: fb.table(table, TensorField.sparsity) !== null,
  };
}

/**
 * MACs from the shapes TFLite stores on every tensor. undefined: not a MAC op;
 * null: a MAC op whose shapes are missing.
 */
function operatorMacs(
  fb: FlatReader,
  operator: number,
  code: OperatorCode,
  inputs: Array<Tensor | undefined>,
  outputs: Array<Tensor | undefined>,
): number | null | undefined {
  const isMacOp = [BuiltinOp.CONV_2D, BuiltinOp.DEPTHWISE_CONV_2D, BuiltinOp.FULLY_CONNECTED, BuiltinOp.BATCH_MATMUL, BuiltinOp.TRANSPOSE_CONV];
  const customTransposed = code.builtin === BuiltinOp.CUSTOM && TRANSPOSED_CONV_CUSTOM_OPS.has(code.name);
  if (!isMacOp.includes(code.builtin as (typeof isMacOp)[number]) && !customTransposed) return undefined;
  if (code.builtin === BuiltinOp.TRANSPOSE_CONV || customTransposed) {
    // TRANSPOSE_CONV: [output_shape, weights, data, bias?]; the custom op: [data, weights, bias].
    const [data, weights] = customTransposed ? [inputs[0], inputs[1]] : [inputs[2], inputs[1]];
    if (!data || !weights || weights.dims.length !== 4) return null;
    // weights [Cout, kh, kw, Cin]: every input element (Cin included) meets kh*kw*Cout weights.
    return product(data.dims) * product(weights.dims.slice(0, 3));
  }
  const [data, weights] = inputs;
  const output = outputs[0];
  if (!data || !weights || !output || weights.dims.length < 2 || output.dims.length === 0) return null;
  switch (code.builtin) {
    case BuiltinOp.CONV_2D: // filter [Cout, kh, kw, Cin]: each output element needs kh*kw*Cin MACs
      return product(output.dims) * product(weights.dims.slice(1));
    case BuiltinOp.DEPTHWISE_CONV_2D: // filter [1, kh, kw, Cout]: kh*kw MACs per output element
      return product(output.dims) * product(weights.dims.slice(1, -1));
    case BuiltinOp.FULLY_CONNECTED: // weights [units, K]
      return product(output.dims) * (weights.dims[weights.dims.length - 1] as number);
    default: {
      const options = fb.table(operator, OperatorField.builtinOptions);
      const adjX = options !== null && fb.uint8(options, BatchMatMulOptionsField.adjX, 0) !== 0;
      const adjY = options !== null && fb.uint8(options, BatchMatMulOptionsField.adjY, 0) !== 0;
      return matMulShapes(data.dims, weights.dims, adjX, adjY)?.macs ?? null;
    }
  }
}

export const tfliteReader: ModelReader<'tflite'> = {
  format: 'tflite',
  extensions: MODEL_FORMATS.tflite.extensions,
  match: hasTfliteIdentifier,
  companions: () => [],
  read: (files) => readTflite(files.main),
};
