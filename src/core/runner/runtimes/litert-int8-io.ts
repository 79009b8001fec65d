/**
 * int8 inputs and outputs for LiteRT.js. LiteRT.js 2.5.3 makes tensors of float32, int32 and uint8
 * only (its DATATYPES table; there is no dtype option), and refuses to describe an int8 model input
 * ("Element type INT8 is not supported"). A full-integer file with int8 I/O (TFLite's
 * `inference_input_type = int8`, what TFLite Micro boards load) therefore runs here through a copy
 * with a uint8 boundary:
 *
 *   input:  uint8 (scale s, zero point z + 128) → QUANTIZE → the model's int8 input (s, z) → ...
 *   output: ... → the model's int8 output (s, z) → QUANTIZE → uint8 (s, z + 128)
 *
 * TFLite's QUANTIZE requantizes uint8 ↔ int8; with equal scales and zero points 128 apart it is
 * exactly v ± 128, so the caller's int8 data go in as (v + 128) and come back as (u − 128),
 * bit-exact. The int8 graph in between is the file's own, untouched. Whoever runs an adapted
 * model says so (INT8_IO_ADAPTER_NOTE): the studio never swaps a model silently.
 */
import { StudioError } from '../../../shared/errors';
import { addBuffer, decodeTfliteModel, encodeTfliteModelFile, opcodeIndex, type TfliteModel, type TfliteQuantization, type TfliteTensor } from '../../formats/tflite/tflite-model';
import { BuiltinOperator, TensorType } from '../../formats/tflite/tflite-schema';

/** What a run or an evaluation of an adapted model says about it. */
export function int8IoAdapterNote(adapted: Int8IoAdapted): string {
  const parts = [
    adapted.inputs.length > 0 ? `int8 input${adapted.inputs.length === 1 ? '' : 's'} (${adapted.inputs.join(', ')}) fed through a uint8→int8 QUANTIZE adapter` : '',
    adapted.outputs.length > 0 ? `int8 output${adapted.outputs.length === 1 ? '' : 's'} (${adapted.outputs.join(', ')}) read through an int8→uint8 QUANTIZE adapter` : '',
  ].filter((part) => part !== '');
  return `${capitalize(parts.join('; '))}: LiteRT.js has no int8 tensors. Values cross as uint8 = int8 + 128 (same scale, zero point + 128), which is exact; the int8 graph itself is the file's.`;
}

/** The boundary tensors an adapted copy moved to uint8, by tensor name. */
export interface Int8IoAdapted {
  inputs: string[];
  outputs: string[];
  /** Every name LiteRT.js may report for them: the tensor names and, where a signature maps them, its names (LiteRT.js reports those). */
  reported: { inputs: string[]; outputs: string[] };
}

export interface LiteRtLoadable {
  /** The bytes to compile: the file itself, or the adapted copy. */
  bytes: Uint8Array;
  /** Absent when the file needed no adapter. */
  adapted?: Int8IoAdapted;
}

/**
 * The file as LiteRT.js can load it: unchanged unless its main subgraph has int8 inputs or
 * outputs, else the adapted copy. A file the codec cannot read is handed to LiteRT.js unchanged,
 * so its own load error names the problem.
 */
export function liteRtLoadable(bytes: Uint8Array, fileName: string): LiteRtLoadable {
  let model: TfliteModel;
  try {
    model = decodeTfliteModel(bytes, fileName);
  } catch {
    return { bytes };
  }
  const subgraph = model.subgraphs[0];
  if (subgraph === undefined) return { bytes };
  const isInt8 = (index: number): boolean => subgraph.tensors[index]?.type === TensorType.INT8;
  if (!subgraph.inputs.some(isInt8) && !subgraph.outputs.some(isInt8)) return { bytes };

  const adapted: Int8IoAdapted = { inputs: [], outputs: [], reported: { inputs: [], outputs: [] } };
  const quantize = opcodeIndex(model, BuiltinOperator.QUANTIZE, 2);
  const prepend: typeof subgraph.operators = [];
  subgraph.inputs = subgraph.inputs.map((index) => {
    if (!isInt8(index)) return index;
    const boundary = uint8Twin(model, subgraph.tensors, index, fileName);
    prepend.push({ opcodeIndex: quantize, inputs: [boundary], outputs: [index], builtinOptionsType: 0 });
    const name = subgraph.tensors[boundary]?.name ?? `input ${index}`;
    adapted.inputs.push(name);
    adapted.reported.inputs.push(name, ...renameSignatureTensor(model, 'inputs', index, boundary));
    return boundary;
  });
  subgraph.outputs = subgraph.outputs.map((index) => {
    if (!isInt8(index)) return index;
    const boundary = uint8Twin(model, subgraph.tensors, index, fileName);
    subgraph.operators.push({ opcodeIndex: quantize, inputs: [index], outputs: [boundary], builtinOptionsType: 0 });
    const name = subgraph.tensors[boundary]?.name ?? `output ${index}`;
    adapted.outputs.push(name);
    adapted.reported.outputs.push(name, ...renameSignatureTensor(model, 'outputs', index, boundary));
    return boundary;
  });
  subgraph.operators.unshift(...prepend);
  return { bytes: encodeTfliteModelFile(model), adapted };
}

/** The caller's int8 values as the adapted uint8 input takes them (v + 128, i.e. the sign bit flipped). */
export function int8ToAdapterUint8(values: Int8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i += 1) out[i] = ((values[i] as number) + 128) & 0xff;
  return out;
}

/** An adapted uint8 output's values back as the model's int8 values (u − 128). */
export function adapterUint8ToInt8(values: Uint8Array): Int8Array<ArrayBuffer> {
  const out = new Int8Array(values.length);
  for (let i = 0; i < values.length; i += 1) out[i] = (values[i] as number) - 128;
  return out;
}

/**
 * Adds a uint8 tensor shaped like tensors[index] with its zero point + 128; the boundary takes
 * over the original's name (what callers feed by), the int8 original is renamed.
 */
function uint8Twin(model: TfliteModel, tensors: TfliteTensor[], index: number, fileName: string): number {
  const original = tensors[index] as TfliteTensor;
  const name = original.name ?? `tensor ${index}`;
  const q = original.quantization;
  const scales = q?.scale ?? [];
  if (scales.length > 1) {
    throw new StudioError('RUNTIME', `'${fileName}' has int8 input or output '${name}' quantized per channel; LiteRT.js has no int8 tensors and the studio's uint8 adapter needs one scale per tensor, so run it on a runtime with int8 tensors (onnxruntime after conversion, a board).`, {
      runnerCode: 'UNSUPPORTED_INPUT',
      input: name,
    });
  }
  // An int8 tensor without parameters is taken as scale 1, zero point 0 (its values as they are):
  // QUANTIZE needs parameters on both sides.
  const scale = scales[0] ?? 1;
  const zeroPoint = q?.zeroPoint?.[0] ?? 0;
  if (scales.length === 0) original.quantization = quantization(scale, zeroPoint, q);
  const twin: TfliteTensor = {
    ...original,
    type: TensorType.UINT8,
    buffer: emptyBuffer(model),
    name,
    quantization: quantization(scale, zeroPoint + 128, q),
  };
  original.name = `${name}/int8`;
  return tensors.push(twin) - 1;
}

function quantization(scale: number, zeroPoint: number, like: TfliteQuantization | undefined): TfliteQuantization {
  return { scale: [scale], zeroPoint: [zeroPoint], detailsType: 0, quantizedDimension: like?.quantizedDimension ?? 0 };
}

/** Buffer 0 is the schema's empty sentinel; a file that lacks it gets an empty buffer. */
function emptyBuffer(model: TfliteModel): number {
  const first = model.buffers[0];
  return first !== undefined && (first.data?.byteLength ?? 0) === 0 ? 0 : addBuffer(model, new Uint8Array(0));
}

/** Signature defs name tensors by index: the boundary replaces the original there too. Returns the signatures' names for it. */
function renameSignatureTensor(model: TfliteModel, side: 'inputs' | 'outputs', from: number, to: number): string[] {
  const names: string[] = [];
  for (const signature of model.signatureDefs ?? []) {
    if (signature.subgraphIndex !== undefined && signature.subgraphIndex !== 0) continue;
    for (const map of (signature[side] as Array<{ tensorIndex?: number; name?: string }> | undefined) ?? []) {
      if (map.tensorIndex !== from) continue;
      map.tensorIndex = to;
      if (map.name !== undefined) names.push(map.name);
    }
  }
  return names;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
