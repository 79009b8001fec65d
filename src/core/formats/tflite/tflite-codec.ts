/**
 * Schema-driven decode and encode of any TFLite table, from the field layouts gen-tflite generates
 * (TABLE_LAYOUTS, UNION_MEMBERS in generated/tflite_schema.ts). No table is hand-coded, so every
 * table of the schema (builtin options of every type, sparsity, signature defs, metadata, custom
 * options, options 2) round-trips.
 *
 * Reading goes through the bounds-checked FlatReader (flat-reader.ts) because the studio reads
 * files it did not write: flatbuffers' own accessors trust offsets and vector lengths. Writing uses
 * flatbuffers' Builder.
 *
 * Values: scalars are numbers (64-bit ones too: TFLite's longs are zero points, sizes and offsets,
 * all below 2^53), bools are booleans, strings are strings, [ubyte] is a Uint8Array (a view of the
 * file on decode: no copy), other scalar vectors are number[] (boolean[] for [bool]), a table is a
 * FlatTable, a union is its `...Type` number plus the table. An absent string, vector or table is
 * undefined; an absent scalar reads as its schema default.
 */
import * as flatbuffers from 'flatbuffers';
import { StudioError } from '../../../shared/errors';
import type { FlatReader } from './flat-reader';
import { type FieldLayout, TABLE_LAYOUTS, UNION_MEMBERS } from './generated/tflite_schema';

export type FlatValue = number | boolean | string | Uint8Array | number[] | boolean[] | FlatTable | FlatTable[] | undefined;

/** A decoded table: camelCase field name → value (see the header for how each kind is represented). */
export interface FlatTable {
  [field: string]: FlatValue;
}

/**
 * Vectors TFLite always writes, decoded as [] when a file lacks them so the editable model can type
 * them as present. Encoding writes them (empty when empty).
 */
const ALWAYS_PRESENT: ReadonlySet<string> = new Set([
  'Model.operatorCodes', 'Model.subgraphs', 'Model.buffers',
  'SubGraph.tensors', 'SubGraph.inputs', 'SubGraph.outputs', 'SubGraph.operators',
  'Operator.inputs', 'Operator.outputs', 'Tensor.shape',
]);

const SCALAR_BYTES: Readonly<Record<string, number>> = {
  bool: 1, byte: 1, ubyte: 1, utype: 1, short: 2, ushort: 2, int: 4, uint: 4, float: 4, long: 8, ulong: 8, double: 8,
};

export function tableLayout(tableName: string): readonly FieldLayout[] {
  const layout = TABLE_LAYOUTS[tableName];
  if (!layout) throw new StudioError('INTERNAL', `TFLite's schema has no table named '${tableName}'.`);
  return layout;
}

/** The table a union member's `_type` value stands for, or undefined for NONE and unknown values. */
export function unionMemberTable(unionName: string, typeValue: number): string | undefined {
  return UNION_MEMBERS[unionName]?.[typeValue];
}

// ---------------------------------------------------------------------------------------------- decode

export function decodeTable(fb: FlatReader, at: number, tableName: string): FlatTable {
  const out: FlatTable = {};
  for (const [name, id, kind, ref, fallback] of tableLayout(tableName)) {
    const value = decodeField(fb, at, tableName, id, kind, ref, fallback);
    if (value !== undefined) out[name] = value;
    else if (ALWAYS_PRESENT.has(`${tableName}.${name}`)) out[name] = [];
  }
  return out;
}

function decodeField(fb: FlatReader, table: number, tableName: string, id: number, kind: string, ref: string, fallback: number): FlatValue {
  const scalarBytes = SCALAR_BYTES[kind];
  if (scalarBytes !== undefined) {
    const at = fb.field(table, id, scalarBytes);
    if (at === 0) return kind === 'bool' ? fallback !== 0 : fallback;
    return readScalar(fb.bb, at, kind);
  }
  switch (kind) {
    case 'string':
      return fb.string(table, id) ?? undefined;
    case 'table': {
      const child = fb.table(table, id);
      return child === null ? undefined : decodeTable(fb, child, ref);
    }
    case 'union': {
      const typeValue = fb.uint8(table, id - 1, 0);
      const memberTable = unionMemberTable(ref, typeValue);
      const child = fb.table(table, id);
      if (child === null || memberTable === undefined) return undefined;
      return decodeTable(fb, child, memberTable);
    }
    case '[table]':
      // tables() reads an absent vector as []; absent stays undefined so it is not written back.
      if (fb.vector(table, id, 4) === null) return undefined;
      return fb.tables(table, id).map((child) => decodeTable(fb, child, ref));
    default:
      return decodeScalarVector(fb, table, tableName, id, kind);
  }
}

function decodeScalarVector(fb: FlatReader, table: number, tableName: string, id: number, kind: string): FlatValue {
  const element = kind.slice(1, -1);
  const bytes = SCALAR_BYTES[element];
  if (bytes === undefined) throw new StudioError('INTERNAL', `TFLite table ${tableName} field ${id} has kind ${kind}, which the codec does not decode.`);
  const vector = fb.vector(table, id, bytes);
  if (vector === null) return undefined;
  if (element === 'ubyte') return fb.bytes.subarray(vector.start, vector.start + vector.length);
  const values: Array<number | boolean> = new Array<number | boolean>(vector.length);
  for (let i = 0; i < vector.length; i += 1) values[i] = readScalar(fb.bb, vector.start + bytes * i, element);
  return values as number[] | boolean[];
}

function readScalar(bb: flatbuffers.ByteBuffer, at: number, kind: string): number | boolean {
  switch (kind) {
    case 'bool': return bb.readUint8(at) !== 0;
    case 'byte': return bb.readInt8(at);
    case 'ubyte': case 'utype': return bb.readUint8(at);
    case 'short': return bb.readInt16(at);
    case 'ushort': return bb.readUint16(at);
    case 'int': return bb.readInt32(at);
    case 'uint': return bb.readUint32(at);
    case 'float': return bb.readFloat32(at);
    case 'double': return bb.readFloat64(at);
    case 'long': return Number(bb.readInt64(at));
    default: return Number(bb.readUint64(at));
  }
}

// ---------------------------------------------------------------------------------------------- encode

/** Encodes a table (children first, as the Builder builds back to front) and returns its offset. */
export function encodeTable(b: flatbuffers.Builder, value: FlatTable, tableName: string, where: string): number {
  const layout = tableLayout(tableName);
  const known = new Set(layout.map(([name]) => name));
  for (const name of Object.keys(value)) {
    if (value[name] !== undefined && !known.has(name)) {
      throw new StudioError('INTERNAL', `${where}: TFLite table ${tableName} has no field '${name}' (its fields: ${[...known].join(', ')}).`);
    }
  }
  const offsets = new Map<number, number>();
  for (const [name, id, kind, ref, , align] of layout) {
    const field = value[name];
    if (field === undefined || SCALAR_BYTES[kind] !== undefined) continue;
    offsets.set(id, encodeReference(b, value, name, kind, ref, align, tableName, `${where}.${name}`));
  }
  // An equal table (same scalars, same children: children are shared too) is written once and
  // referenced again, as flatbuffers allows: tensors with one quantization, ops with one options.
  const key = tableKey(tableName, layout, value, offsets);
  let written = writtenTables.get(b);
  if (written === undefined) writtenTables.set(b, (written = new Map()));
  const same = written.get(key);
  if (same !== undefined) return same;
  b.startObject(layout.reduce((max, [, id]) => Math.max(max, id + 1), 0));
  for (const [name, id, kind, , fallback] of layout) {
    const offset = offsets.get(id);
    if (offset !== undefined) {
      if (offset !== 0) b.addFieldOffset(id, offset, 0);
      continue;
    }
    if (SCALAR_BYTES[kind] === undefined) continue;
    const field = value[name];
    addScalarField(b, id, kind, field === undefined ? fallback : field, fallback, `${where}.${name}`);
  }
  const offset = b.endObject();
  written.set(key, offset);
  return offset;
}

/** Tables already in a Builder, by tableKey. */
const writtenTables = new WeakMap<flatbuffers.Builder, Map<string, number>>();

/** What a table is made of: its children's offsets and its scalar values, field by field. */
function tableKey(tableName: string, layout: readonly FieldLayout[], value: FlatTable, offsets: ReadonlyMap<number, number>): string {
  const parts = [tableName];
  for (const [name, id, kind, , fallback] of layout) {
    const offset = offsets.get(id);
    if (offset !== undefined) parts.push(`${id}@${offset}`);
    else if (SCALAR_BYTES[kind] !== undefined) {
      const field = value[name];
      parts.push(`${id}=${field === undefined ? fallback : typeof field === 'boolean' ? Number(field) : String(field)}`);
    }
  }
  return parts.join(',');
}

function encodeReference(b: flatbuffers.Builder, owner: FlatTable, name: string, kind: string, ref: string, align: number, tableName: string, where: string): number {
  const field = owner[name];
  switch (kind) {
    case 'string':
      return b.createString(expect<string>(field, 'string', where));
    case 'table':
      return encodeTable(b, expect<FlatTable>(field, 'table', where), ref, where);
    case 'union': {
      const typeValue = owner[`${name}Type`];
      const memberTable = typeof typeValue === 'number' ? unionMemberTable(ref, typeValue) : undefined;
      if (memberTable === undefined) {
        throw new StudioError('INTERNAL', `${where}: ${name}Type ${String(typeValue)} is not a member of union ${ref} in TFLite's schema.`);
      }
      return encodeTable(b, expect<FlatTable>(field, 'table', where), memberTable, where);
    }
    case '[table]': {
      const children = expect<FlatTable[]>(field, 'array', where).map((child, i) => encodeTable(b, child, ref, `${where}[${i}]`));
      return offsetVector(b, children);
    }
    default:
      return encodeScalarVector(b, field, kind.slice(1, -1), align, `${tableName}.${name}`, where);
  }
}

function encodeScalarVector(b: flatbuffers.Builder, field: FlatValue, element: string, align: number, what: string, where: string): number {
  const bytes = SCALAR_BYTES[element];
  if (bytes === undefined) throw new StudioError('INTERNAL', `${where}: ${what} has element kind ${element}, which the codec does not encode.`);
  if (element === 'ubyte') {
    const data = field instanceof Uint8Array ? field : Uint8Array.from(expect<number[]>(field, 'array', where));
    // force_align: the Builder pads so the data starts on the schema's boundary in the finished file.
    if (align > 0) b.prep(align, data.byteLength);
    return b.createByteVector(data);
  }
  const values = expect<Array<number | boolean>>(field, 'array', where);
  // Equal vectors are written once and referenced wherever they occur (a per-channel conv's
  // all-zero zero points serve its filter and its bias; shapes repeat): flatbuffers allows any
  // number of references to one vector, and every reader follows offsets.
  let written = writtenVectors.get(b);
  if (written === undefined) writtenVectors.set(b, (written = new Map()));
  const key = `${element}:${align}:${values.join(',')}`;
  const known = written.get(key);
  if (known !== undefined) return known;
  b.startVector(bytes, values.length, Math.max(bytes, align));
  for (let i = values.length - 1; i >= 0; i -= 1) addScalar(b, element, values[i] as number | boolean);
  const offset = b.endVector();
  written.set(key, offset);
  return offset;
}

/** Scalar vectors already in a Builder, by element kind, alignment and values. */
const writtenVectors = new WeakMap<flatbuffers.Builder, Map<string, number>>();

function addScalar(b: flatbuffers.Builder, kind: string, value: number | boolean): void {
  const n = typeof value === 'boolean' ? (value ? 1 : 0) : value;
  switch (kind) {
    case 'bool': case 'byte': b.addInt8(n); break;
    case 'ubyte': case 'utype': b.addInt8(n << 24 >> 24); break;
    case 'short': case 'ushort': b.addInt16(n); break;
    case 'int': case 'uint': b.addInt32(n | 0); break;
    case 'float': b.addFloat32(n); break;
    case 'double': b.addFloat64(n); break;
    default: b.addInt64(BigInt.asIntN(64, BigInt(n))); break;
  }
}

/**
 * A scalar equal to its schema default is left out, as TFLite's converter (and every FlatBuffers
 * writer without force_defaults) does: readers take an absent field as its default. The
 * project's hand-written readers pass the schema's default for every field they read
 * (tflite-reader.ts, graph/tflite-graph.ts, serial/fit-estimate.ts, serial/tflm-allocations.ts;
 * the firmware's tflite_check.cpp reads only Model.version, never the default), tested by
 * test/unit/formats/tflite-defaults-omitted.test.ts.
 */
function addScalarField(b: flatbuffers.Builder, id: number, kind: string, value: FlatValue, fallback: number, where: string): void {
  if (typeof value !== 'number' && typeof value !== 'boolean') {
    throw new StudioError('INTERNAL', `${where} must be a ${kind === 'bool' ? 'boolean' : 'number'}, not ${describe(value)}.`);
  }
  const n = typeof value === 'boolean' ? (value ? 1 : 0) : value;
  if (n === fallback) return;
  switch (kind) {
    case 'bool': case 'byte': b.addFieldInt8(id, n, null); break;
    case 'ubyte': case 'utype': b.addFieldInt8(id, n << 24 >> 24, null); break;
    case 'short': case 'ushort': b.addFieldInt16(id, n, null); break;
    case 'int': case 'uint': b.addFieldInt32(id, n | 0, null); break;
    case 'float': b.addFieldFloat32(id, n, null); break;
    case 'double': b.addFieldFloat64(id, n, null); break;
    default: b.addFieldInt64(id, BigInt.asIntN(64, BigInt(n)), null); break;
  }
}

function offsetVector(b: flatbuffers.Builder, offsets: number[]): number {
  b.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i -= 1) b.addOffset(offsets[i] as number);
  return b.endVector();
}

function expect<T>(value: FlatValue, kind: 'string' | 'table' | 'array', where: string): T {
  const ok =
    kind === 'string' ? typeof value === 'string' :
    kind === 'array' ? Array.isArray(value) || value instanceof Uint8Array :
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
  if (!ok) throw new StudioError('INTERNAL', `${where} must be a ${kind}, not ${describe(value)}.`);
  return value as T;
}

const describe = (value: FlatValue): string => (Array.isArray(value) ? 'an array' : value instanceof Uint8Array ? 'bytes' : typeof value);
