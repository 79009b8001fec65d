/**
 * ONNX external data: tensors whose bytes live in a side file (TensorProto.data_location =
 * EXTERNAL, external_data = {location, offset, length}), as models over protobuf's 2 GiB limit are
 * saved. Loading moves the bytes into raw_data and remembers where each tensor came from;
 * storing moves raw_data back out into one side file, so a decode → edit → encode keeps the
 * model's layout.
 */
import { clearField, create } from '@bufbuild/protobuf';
import { StudioError } from '../../../shared/errors';
import { type ModelProto, StringStringEntryProtoSchema, type TensorProto, TensorProtoSchema } from './generated/onnx_pb';
import { allTensors } from './onnx-codec';
import { DATA_LOCATION_EXTERNAL, isExternal } from './onnx-tensors';

export interface ExternalRef {
  location: string;
  offset: number;
  length: number | undefined;
}

/** external_data's keys as numbers and strings, checked. */
export function externalRef(tensor: TensorProto, fileName: string): ExternalRef {
  const entries = new Map(tensor.externalData.map((entry) => [entry.key, entry.value]));
  const location = entries.get('location');
  const fail = (why: string): never => {
    throw new StudioError('MODEL_FORMAT', `'${fileName}' has tensor '${tensor.name}' with external data that ${why}; re-export the model.`, {
      file: fileName,
      tensor: tensor.name,
    });
  };
  if (!location) return fail('names no location');
  // As onnxruntime does: the side file must be a relative path inside the model's folder.
  const parts = location.split(/[\\/]/);
  if (location.startsWith('/') || /^[a-zA-Z]:/.test(location) || parts.includes('..')) return fail(`points outside the model's folder ('${location}')`);
  const number = (key: string): number | undefined => {
    const text = entries.get(key);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value < 0) return fail(`has ${key} '${text}', not a byte count`);
    return value;
  };
  return { location, offset: number('offset') ?? 0, length: number('length') };
}

/** The side files a model's tensors name, in first-use order. */
export function externalLocations(model: ModelProto, fileName: string): string[] {
  const locations = new Set<string>();
  for (const tensor of allTensors(model)) if (isExternal(tensor)) locations.add(externalRef(tensor, fileName).location);
  return [...locations];
}

/**
 * Loads every external tensor's bytes into its raw_data (views of the side files, no copy) and
 * returns where each came from, for storeExternalData. `sideFile` returns a side file's bytes.
 */
export function loadExternalData(model: ModelProto, sideFile: (location: string) => Uint8Array, fileName: string): Map<TensorProto, ExternalRef> {
  const refs = new Map<TensorProto, ExternalRef>();
  for (const tensor of allTensors(model)) {
    if (!isExternal(tensor)) continue;
    const ref = externalRef(tensor, fileName);
    const data = sideFile(ref.location);
    const length = ref.length ?? data.byteLength - ref.offset;
    if (ref.offset + length > data.byteLength) {
      throw new StudioError(
        'MODEL_FORMAT',
        `'${fileName}' has tensor '${tensor.name}' at bytes ${ref.offset}..${ref.offset + length} of '${ref.location}', which has only ${data.byteLength} bytes; the side file is truncated or not this model's.`,
        { file: fileName, tensor: tensor.name },
      );
    }
    tensor.rawData = data.subarray(ref.offset, ref.offset + length);
    tensor.externalData = [];
    clearField(tensor, TensorProtoSchema.field.dataLocation);
    refs.set(tensor, ref);
  }
  return refs;
}

/** onnx's external-data writer aligns large tensors this way too (to the allocation granularity), so runtimes can map them. */
const ALIGNMENT_BYTES = 4096;

/**
 * Moves the raw_data of the chosen tensors (those still in the model) into one side file named
 * `location`, each at an aligned offset, and points the tensors at it. Returns the side file's
 * bytes, or null when none of the tensors is left in the model.
 */
export function storeExternalData(model: ModelProto, chosen: (tensor: TensorProto) => boolean, location: string): Uint8Array | null {
  const moved = allTensors(model).filter((tensor) => !isExternal(tensor) && chosen(tensor));
  if (moved.length === 0) return null;
  let size = 0;
  const offsets = moved.map((tensor) => {
    const offset = Math.ceil(size / ALIGNMENT_BYTES) * ALIGNMENT_BYTES;
    size = offset + tensor.rawData.byteLength;
    return offset;
  });
  const side = new Uint8Array(size);
  moved.forEach((tensor, i) => {
    const offset = offsets[i] as number;
    side.set(tensor.rawData, offset);
    const entry = (key: string, value: string) => create(StringStringEntryProtoSchema, { key, value });
    tensor.externalData = [entry('location', location), entry('offset', String(offset)), entry('length', String(tensor.rawData.byteLength))];
    tensor.dataLocation = DATA_LOCATION_EXTERNAL;
    clearField(tensor, TensorProtoSchema.field.rawData);
  });
  return side;
}
