import { z } from 'zod';
import { StudioError } from '../../../shared/errors';
import type { ModelFile } from '../model-file';

/**
 * model.json as written by the TensorFlow.js converter and by `model.save()`:
 * { format, generatedBy, convertedBy, modelTopology, weightsManifest, signature }.
 * Only what inspection needs is validated; topology details are read defensively.
 */

/**
 * How the converter stores a weight in fewer bytes than its dtype (tfjs-core 4.22 io/types.ts
 * WeightsManifestEntry.quantization, decoded by io_utils.ts decodeWeight): uint8 or uint16 codes
 * with value = code * scale + min (rounded for int32 weights), or IEEE half floats for float32
 * weights. The Python converter also writes original_dtype. Loose, so fields a newer converter
 * adds survive to TF.js, which receives the manifest as the file has it.
 */
const Quantization = z.looseObject({
  dtype: z.string(),
  min: z.number().optional(),
  scale: z.number().optional(),
  original_dtype: z.string().optional(),
});

const WeightEntry = z.looseObject({
  name: z.string(),
  shape: z.array(z.number().int().nonnegative()),
  dtype: z.string(),
  group: z.string().optional(),
  quantization: Quantization.optional(),
});
export type WeightEntry = z.infer<typeof WeightEntry>;

const WeightGroup = z.object({ paths: z.array(z.string()), weights: z.array(WeightEntry) });
export type WeightGroup = z.infer<typeof WeightGroup>;

export const ModelJson = z.object({
  format: z.string().optional(),
  generatedBy: z.string().nullable().optional(),
  convertedBy: z.string().nullable().optional(),
  modelTopology: z.unknown().optional(),
  weightsManifest: z.array(WeightGroup).optional(),
  signature: z.unknown().optional(),
});
export type ModelJson = z.infer<typeof ModelJson>;

/** Bytes per element as stored in the shard (after quantization); strings are length-prefixed and variable. */
const STORED_BYTES: Record<string, number> = {
  float32: 4, int32: 4, bool: 1, complex64: 8, float16: 2, uint8: 1, int8: 1, uint16: 2, int16: 2, int64: 8,
};

const parsedCache = new WeakMap<Uint8Array, unknown>();

/** Parses JSON once per buffer (match() and read() both need it). Returns undefined if it is not JSON. */
export function parseJsonOnce(file: ModelFile): unknown {
  if (parsedCache.has(file.data)) return parsedCache.get(file.data);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8').decode(file.data));
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    value = undefined;
  }
  parsedCache.set(file.data, value);
  return value;
}

export function looksLikeModelJson(file: ModelFile): boolean {
  const first = file.data.find((byte) => byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09);
  if (first !== 0x7b /* '{' */) return false;
  const value = parseJsonOnce(file);
  return typeof value === 'object' && value !== null && ('modelTopology' in value || 'weightsManifest' in value);
}

export function parseModelJson(file: ModelFile): ModelJson {
  const value = parseJsonOnce(file);
  if (value === undefined) {
    throw formatError(file.name, 'it is not valid JSON (is the file cut short?)');
  }
  const parsed = ModelJson.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join('.') : '';
    throw formatError(file.name, `${where ? `field '${where}': ` : ''}${issue?.message ?? 'unexpected content'}`);
  }
  const topology = parsed.data.modelTopology;
  if (typeof topology !== 'object' || topology === null || Array.isArray(topology)) {
    throw formatError(file.name, "it has no 'modelTopology' object");
  }
  for (const entry of (parsed.data.weightsManifest ?? []).flatMap((group) => group.weights)) checkQuantization(file.name, entry);
  return parsed.data;
}

/** The pairs tfjs-core's decodeWeight accepts: uint8/uint16 codes for float32 or int32 weights, float16 for float32 only. */
const DECODABLE: Readonly<Record<string, readonly string[]>> = {
  uint8: ['float32', 'int32'],
  uint16: ['float32', 'int32'],
  float16: ['float32'],
};

/** Refuses, at inspection, what TF.js would refuse at load: an unknown code type, or codes without min and scale. */
function checkQuantization(fileName: string, entry: WeightEntry): void {
  const quantization = entry.quantization;
  if (!quantization) return;
  const allowed = DECODABLE[quantization.dtype];
  if (!allowed) {
    throw formatError(fileName, `weight '${entry.name}' is stored as '${quantization.dtype}', which TF.js cannot decode (it decodes uint8, uint16 and float16)`);
  }
  if (!allowed.includes(entry.dtype)) {
    throw formatError(fileName, `weight '${entry.name}' (${entry.dtype}) is stored as ${quantization.dtype}, which TF.js decodes only for ${allowed.join(' and ')} weights`);
  }
  if (quantization.dtype !== 'float16' && (quantization.scale === undefined || quantization.min === undefined)) {
    throw formatError(fileName, `weight '${entry.name}' is stored as ${quantization.dtype} codes but its quantization lacks ${quantization.scale === undefined ? "'scale'" : "'min'"}, so its values cannot be recovered`);
  }
}

/** Shard paths in manifest order, which is also the order their bytes are hashed in. */
export function shardPaths(json: ModelJson): string[] {
  return (json.weightsManifest ?? []).flatMap((group) => group.paths);
}

export interface WeightLocation {
  entry: WeightEntry;
  /** The shard holding the weight's first byte, and the weight's offset in it. */
  shard: ModelFile;
  offset: number;
  byteLength: number;
}

/**
 * Lays the manifest's weights over the shard bytes and checks the shards are long enough.
 * Throws naming the shard when one is short (a partial download) or missing.
 */
export function locateWeights(
  modelFile: string,
  json: ModelJson,
  shards: ReadonlyMap<string, ModelFile>,
): Map<string, WeightLocation> {
  const located = new Map<string, WeightLocation>();
  for (const group of json.weightsManifest ?? []) {
    const files = group.paths.map((path) => {
      const shard = shards.get(path);
      if (!shard) {
        throw new StudioError(
          'FILE_NOT_FOUND',
          `Weight shard '${path}' listed in '${modelFile}' was not given. Put it next to ${modelFile} or add it to the files you import.`,
          { file: path },
        );
      }
      return shard;
    });
    const total = files.reduce((sum, file) => sum + file.data.byteLength, 0);
    let offset = 0;
    for (const entry of group.weights) {
      const count = entry.shape.reduce((product, dim) => product * dim, 1);
      const byteLength = weightByteLength(entry, count, offset, files);
      if (offset + byteLength > total) {
        const last = files[files.length - 1]?.name ?? group.paths.join(', ');
        throw formatError(
          last,
          `the weight shards hold ${total} bytes but '${modelFile}' needs at least ${offset + byteLength} (weight '${entry.name}'); the shard looks truncated`,
        );
      }
      const [shard, shardOffset] = locate(files, offset);
      if (shard) located.set(entry.name, { entry, shard, offset: shardOffset, byteLength });
      offset += byteLength;
    }
  }
  return located;
}

function weightByteLength(entry: WeightEntry, count: number, offset: number, files: ModelFile[]): number {
  const dtype = entry.quantization?.dtype ?? entry.dtype;
  const fixed = STORED_BYTES[dtype];
  if (fixed !== undefined) return count * fixed;
  if (dtype !== 'string') return 0;
  // Strings: each element is a uint32 byte length followed by the bytes.
  let length = 0;
  for (let i = 0; i < count; i += 1) {
    const prefix = readUint32Across(files, offset + length);
    if (prefix === undefined) return length + 4;
    length += 4 + prefix;
  }
  return length;
}

function readUint32Across(files: ModelFile[], offset: number): number | undefined {
  let value = 0;
  for (let i = 0; i < 4; i += 1) {
    const [file, at] = locate(files, offset + i);
    if (!file) return undefined;
    value += (file.data[at] as number) * 2 ** (8 * i);
  }
  return value;
}

function locate(files: ModelFile[], offset: number): [ModelFile | undefined, number] {
  let remaining = offset;
  for (const file of files) {
    if (remaining < file.data.byteLength) return [file, remaining];
    remaining -= file.data.byteLength;
  }
  return [undefined, remaining];
}

/**
 * int32 values of a small constant (Reshape shapes, paddings, axes), when stored whole in one
 * shard: plain, or as uint8/uint16 codes that decode to round(code * scale + min) as tfjs-core does.
 */
export function readInt32Weight(location: WeightLocation | undefined): number[] | undefined {
  if (!location || location.entry.dtype !== 'int32') return undefined;
  const { shard, offset, byteLength, entry } = location;
  if (byteLength > 4096 || offset + byteLength > shard.data.byteLength) return undefined;
  const view = new DataView(shard.data.buffer, shard.data.byteOffset + offset, byteLength);
  const q = entry.quantization;
  if (!q) return Array.from({ length: byteLength / 4 }, (_, i) => view.getInt32(i * 4, true));
  const { scale, min } = q;
  if (scale === undefined || min === undefined) return undefined;
  const codeBytes = q.dtype === 'uint16' ? 2 : 1;
  return Array.from({ length: byteLength / codeBytes }, (_, i) => {
    const code = codeBytes === 2 ? view.getUint16(i * 2, true) : view.getUint8(i);
    return Math.round(code * scale + min);
  });
}

export function formatError(fileName: string, reason: string): StudioError {
  return new StudioError(
    'MODEL_FORMAT',
    `'${fileName}' is not a valid TF.js model: ${reason}. Re-export it or check the download.`,
    { file: fileName },
  );
}
