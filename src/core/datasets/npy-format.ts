/**
 * NumPy's .npy format (version 1.0, 2.0, 3.0): the magic "\x93NUMPY", two version bytes, a header
 * length (uint16 in 1.0, uint32 after), a Python dict literal such as
 * {'descr': '<f4', 'fortran_order': False, 'shape': (100, 28, 28), }, then the raw data.
 */
import { StudioError } from '../../shared/errors';

export type NpyData = Float32Array | Float64Array | Uint8Array | Int8Array | Int32Array | BigInt64Array;

export interface NpyArray {
  /** The dtype as NumPy writes it, e.g. '<f4'. */
  descr: string;
  shape: number[];
  data: NpyData;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const SUPPORTED: Record<string, { bytes: number; make: (buffer: ArrayBuffer) => NpyData }> = {
  '<f4': { bytes: 4, make: (b) => new Float32Array(b) },
  '<f8': { bytes: 8, make: (b) => new Float64Array(b) },
  '|u1': { bytes: 1, make: (b) => new Uint8Array(b) },
  '|i1': { bytes: 1, make: (b) => new Int8Array(b) },
  '<i4': { bytes: 4, make: (b) => new Int32Array(b) },
  '<i8': { bytes: 8, make: (b) => new BigInt64Array(b) },
  // NumPy's bool: one byte, 0 or 1.
  '|b1': { bytes: 1, make: (b) => new Uint8Array(b) },
};
// One-byte types have no byte order; NumPy may spell them with '<' or '='.
const ALIASES: Record<string, string> = { '<b1': '|b1', '=b1': '|b1', '<u1': '|u1', '=u1': '|u1', '<i1': '|i1', '=i1': '|i1', '=f4': '<f4', '=f8': '<f8', '=i4': '<i4', '=i8': '<i8' };

function bad(name: string, what: string): StudioError {
  return new StudioError('BAD_INPUT', `'${name}' is not a .npy array we can read: ${what}`, { file: name });
}

/** The dtype and shape a .npy file's header gives, without reading its data. */
export function npyHeader(bytes: Uint8Array, name: string): { descr: string; shape: number[] } {
  const { descr, shape } = readHeader(bytes, name);
  return { descr, shape };
}

/** Parses a .npy file; `name` is used in error messages. */
export function parseNpy(bytes: Uint8Array, name: string): NpyArray {
  const { descr, shape, dataStart } = readHeader(bytes, name);
  const type = SUPPORTED[descr] as (typeof SUPPORTED)[string];
  const count = shape.reduce((n, d) => n * d, 1);
  const byteLength = count * type.bytes;
  if (dataStart + byteLength > bytes.length) {
    throw bad(
      name,
      `it is truncated: shape (${shape.join(', ')}) needs ${byteLength} data bytes but only ${bytes.length - dataStart} are there.`,
    );
  }
  // Copy into a fresh buffer: the data offset need not be aligned for the element type.
  // (new Uint8Array(view) copies; Buffer's slice() would not.)
  const copy = new Uint8Array(bytes.subarray(dataStart, dataStart + byteLength));
  return { descr, shape, data: type.make(copy.buffer) };
}

function readHeader(bytes: Uint8Array, name: string): { descr: string; shape: number[]; dataStart: number } {
  if (bytes.length === 0) throw bad(name, 'the file is empty. Save the array with numpy.save and try again.');
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw bad(name, 'it does not start with the NumPy magic bytes. Save the array with numpy.save.');
  }
  const major = bytes[6] as number;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) throw bad(name, 'its header is cut off (the file is truncated).');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));

  const descrMatch = /'descr'\s*:\s*'([^']*)'/.exec(header);
  const fortranMatch = /'fortran_order'\s*:\s*(True|False)/.exec(header);
  const shapeMatch = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descrMatch || !fortranMatch || !shapeMatch) throw bad(name, `its header is not understood ('${header.trim()}').`);
  const rawDescr = descrMatch[1] as string;
  const descr = ALIASES[rawDescr] ?? rawDescr;
  if (fortranMatch[1] === 'True') {
    throw bad(name, 'it is stored in Fortran (column-major) order. Save numpy.ascontiguousarray(array) instead.');
  }
  const type = SUPPORTED[descr];
  if (!type) {
    const hint = rawDescr.startsWith('>') ? ' It is big-endian: save array.astype(array.dtype.newbyteorder("<")).' : '';
    throw bad(
      name,
      `its dtype '${rawDescr}' is not supported (use float32, float64, uint8, int8, int32, int64 or bool).${hint}`,
    );
  }
  const shape = (shapeMatch[1] as string)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw bad(name, `its shape '(${shapeMatch[1]})' is not understood.`);
  return { descr, shape, dataStart };
}

/** Writes a C-order .npy (version 1.0); used by tests and by anyone exporting a dataset back to NumPy. */
export function encodeNpy(descr: keyof typeof SUPPORTED, shape: readonly number[], data: NpyData): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // The header, with its trailing newline, pads the data start to a multiple of 64 bytes.
  const total = 10 + header.length + 1;
  header = header + ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}
