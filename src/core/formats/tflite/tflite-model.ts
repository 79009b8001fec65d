/**
 * A TFLite model as an editable in-memory object: decode any .tflite, change it, encode it back.
 *
 * API (for the quantizer, the ONNX→TFLite converter and pruning, which build TFLite files here):
 *
 *   const model = decodeTfliteModel(bytes, 'net.tflite');   // TfliteModel; throws StudioError on a bad file
 *   const sg = model.subgraphs[0];                         // tensors, operators, inputs, outputs (indices)
 *   const code = model.operatorCodes[op.opcodeIndex];       // builtinCodeOf(code) is the real op code
 *   tensorBytes(model, sg.tensors[i]);                      // a constant's bytes, or undefined
 *   op.builtinOptionsType === BuiltinOptions.Conv2DOptions; op.builtinOptions?.strideW
 *   // edit freely: push tensors, replace operators, set buffer data ...
 *   const i = addBuffer(model, new Uint8Array(int8Weights.buffer));   // buffer index for Tensor.buffer
 *   const c = opcodeIndex(model, BuiltinOperator.QUANTIZE, 1);         // finds or adds the OperatorCode
 *   op.builtinOptions = builtinOptions('FullyConnectedOptions', { keepNumDims: true }); // defaults filled, names checked
 *   const out = encodeTfliteModelFile(model);                // Uint8Array, file identifier TFL3
 *
 * Field names are the schema's in camelCase (shape_signature → shapeSignature); the kinds of values
 * are described in tflite-codec.ts. Every table and every options type is carried by the generic
 * codec, so a decoded model encodes back with nothing lost: round-trip tested against `flatc --json`
 * and LiteRT's outputs on the MediaPipe models (test/unit/formats/tflite-model.test.ts).
 *
 * Buffers: TFLite models over 2 GB keep constant data after the flatbuffer (Buffer.offset/size, and
 * Operator.large_custom_options_offset/size); decoding views that data as `data`/`customOptions`
 * and clears offset/size, so an edited model encodes inline (the Builder's
 * offsets are 32-bit: an encoded model must stay under 2 GB). Decoded byte vectors are views of the
 * input file: copy before writing into them if the file's bytes must stay untouched.
 *
 * Operator codes: per the schema, a reader takes max(deprecatedBuiltinCode, builtinCode); a writer
 * puts min(code, 127) in the deprecated byte and the code in builtinCode. operatorCode() does both.
 */
import * as flatbuffers from 'flatbuffers';
import { StudioError } from '../../../shared/errors';
import { FlatReader } from './flat-reader';
import { decodeTable, encodeTable, type FlatTable, type FlatValue, tableLayout } from './tflite-codec';
import { requireTfliteIdentifier } from './tflite-reader';
import { BuiltinOperator, BuiltinOptions, FILE_IDENTIFIER } from './tflite-schema';

export type { FlatTable, FlatValue } from './tflite-codec';

export interface TfliteQuantization extends FlatTable {
  min?: number[];
  max?: number[];
  scale?: number[];
  zeroPoint?: number[];
  detailsType: number;
  details?: FlatTable;
  quantizedDimension: number;
}

export interface TfliteTensor extends FlatTable {
  shape: number[];
  /** TensorType value. */
  type: number;
  /** Index into model.buffers; 0 is the empty sentinel (no constant data). */
  buffer: number;
  name?: string;
  quantization?: TfliteQuantization;
  isVariable: boolean;
  sparsity?: FlatTable;
  shapeSignature?: number[];
  hasRank: boolean;
}

export interface TfliteOperator extends FlatTable {
  opcodeIndex: number;
  /** Tensor indices; -1 marks an omitted optional input. */
  inputs: number[];
  outputs: number[];
  /** BuiltinOptions value; builtinOptions holds the table it names. */
  builtinOptionsType: number;
  builtinOptions?: FlatTable;
  customOptions?: Uint8Array;
}

export interface TfliteSubGraph extends FlatTable {
  tensors: TfliteTensor[];
  inputs: number[];
  outputs: number[];
  operators: TfliteOperator[];
  name?: string;
}

export interface TfliteOperatorCode extends FlatTable {
  deprecatedBuiltinCode: number;
  customCode?: string;
  version: number;
  builtinCode: number;
}

export interface TfliteBuffer extends FlatTable {
  data?: Uint8Array;
  offset: number;
  size: number;
}

export interface TfliteModel extends FlatTable {
  version: number;
  operatorCodes: TfliteOperatorCode[];
  subgraphs: TfliteSubGraph[];
  description?: string;
  buffers: TfliteBuffer[];
  metadataBuffer?: number[];
  metadata?: FlatTable[];
  signatureDefs?: FlatTable[];
}

const FORMAT_LABEL = 'TFLite model';

/** Decodes a whole .tflite file; a malformed one throws a StudioError naming the file and the byte. */
export function decodeTfliteModel(bytes: Uint8Array, fileName: string): TfliteModel {
  const fb = new FlatReader(bytes, fileName, FORMAT_LABEL);
  requireTfliteIdentifier(fb, { name: fileName, data: bytes });
  const model = decodeTable(fb, fb.root(), 'Model') as TfliteModel;
  const outside = (offset: number, size: number, what: string): Uint8Array => {
    if (offset + size > bytes.byteLength) throw fb.error(`${what} at offset ${offset} (${size} bytes) runs past the end of the file`, bytes.byteLength);
    return bytes.subarray(offset, offset + size);
  };
  model.buffers.forEach((buffer, i) => {
    // offset > 1 marks data stored after the flatbuffer (offset 1 is the converter's placeholder).
    if (buffer.offset > 1) {
      buffer.data = outside(buffer.offset, buffer.size, `buffer ${i}`);
      buffer.offset = 0;
      buffer.size = 0;
    }
  });
  for (const subgraph of model.subgraphs) {
    for (const operator of subgraph.operators) {
      const at = operator.largeCustomOptionsOffset;
      const size = operator.largeCustomOptionsSize;
      if (typeof at === 'number' && typeof size === 'number' && at > 1) {
        operator.customOptions = outside(at, size, 'large custom options');
        operator.largeCustomOptionsOffset = 0;
        operator.largeCustomOptionsSize = 0;
      }
    }
  }
  return model;
}

/** Encodes a model (decoded or built) into a .tflite file. */
export function encodeTfliteModelFile(model: TfliteModel): Uint8Array {
  const dataBytes = model.buffers.reduce((sum, buffer) => sum + (buffer.data?.byteLength ?? 0), 0);
  if (dataBytes > 2 ** 31 - 2 ** 24) {
    throw new StudioError('MODEL_FORMAT', `The model holds ${dataBytes} bytes of constants, more than a TFLite flatbuffer addresses (2 GB); the studio does not write external-buffer models.`);
  }
  const b = new flatbuffers.Builder(Math.max(1024, dataBytes + 65536));
  const root = encodeTable(b, model, 'Model', 'model');
  b.finish(root, FILE_IDENTIFIER);
  return b.asUint8Array().slice();
}

/** The real op code of an OperatorCode (the schema's rule for files from before and after code 127). */
export function builtinCodeOf(code: Pick<TfliteOperatorCode, 'deprecatedBuiltinCode' | 'builtinCode'>): number {
  return Math.max(code.deprecatedBuiltinCode, code.builtinCode);
}

/** An OperatorCode written the way the schema asks of writers. */
export function operatorCode(builtin: number, version = 1, customCode?: string): TfliteOperatorCode {
  const code: TfliteOperatorCode = {
    deprecatedBuiltinCode: Math.min(builtin, BuiltinOperator.PLACEHOLDER_FOR_GREATER_OP_CODES),
    version,
    builtinCode: builtin,
  };
  if (customCode !== undefined) code.customCode = customCode;
  return code;
}

/** The index of the model's OperatorCode for (builtin, version, customCode), added when missing. */
export function opcodeIndex(model: TfliteModel, builtin: number, version = 1, customCode?: string): number {
  const found = model.operatorCodes.findIndex(
    (code) => builtinCodeOf(code) === builtin && code.version === version && code.customCode === customCode,
  );
  return found >= 0 ? found : model.operatorCodes.push(operatorCode(builtin, version, customCode)) - 1;
}

/** Appends a buffer holding `data` (little-endian) and returns its index. */
export function addBuffer(model: TfliteModel, data: Uint8Array): number {
  return model.buffers.push({ data, offset: 0, size: 0 }) - 1;
}

/** A tensor's constant bytes, or undefined for an activation or an input. */
export function tensorBytes(model: TfliteModel, tensor: TfliteTensor): Uint8Array | undefined {
  const data = model.buffers[tensor.buffer]?.data;
  return data !== undefined && data.byteLength > 0 ? data : undefined;
}

/**
 * An options table of TFLite's schema by name ('Conv2DOptions'...), schema defaults filled in,
 * with `values` over them; a name the table lacks is an error. Pair it with
 * builtinOptionsType = BuiltinOptions[tableName].
 */
export function builtinOptions(tableName: keyof typeof BuiltinOptions, values: FlatTable = {}): FlatTable {
  const layout = tableLayout(tableName);
  const out: FlatTable = {};
  for (const [name, , kind, , fallback] of layout) {
    if (kind === 'bool') out[name] = fallback !== 0;
    else if (!kind.startsWith('[') && kind !== 'string' && kind !== 'table' && kind !== 'union') out[name] = fallback;
  }
  for (const [name, value] of Object.entries(values)) {
    if (!layout.some(([field]) => field === name)) {
      throw new StudioError('INTERNAL', `TFLite's ${tableName} has no field '${name}' (its fields: ${layout.map(([field]) => field).join(', ')}).`);
    }
    out[name] = value as FlatValue;
  }
  return out;
}
