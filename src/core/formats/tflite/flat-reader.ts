import { ByteBuffer } from 'flatbuffers';
import { StudioError } from '../../../shared/errors';

/**
 * Bounds-checked table access over flatbuffers' ByteBuffer. ByteBuffer trusts its input
 * (an offset past the end reads `undefined` bits, and a garbage vector length would make a
 * loop run for billions of steps), so every offset and vector length is checked against
 * the file size first, and a bad one becomes a StudioError naming the file.
 *
 * Fields are addressed by their index in the schema's table declaration (a union counts
 * as two fields: its `_type` byte, then the value).
 */
export class FlatReader {
  readonly bb: ByteBuffer;
  private readonly size: number;

  constructor(
    readonly bytes: Uint8Array,
    private readonly fileName: string,
    private readonly formatLabel: string,
  ) {
    this.bb = new ByteBuffer(bytes);
    this.size = bytes.byteLength;
  }

  /** The root table's position (the uoffset at byte 0). */
  root(): number {
    this.check(0, 8, 'the file header');
    return this.indirect(0, 'the root table');
  }

  /** Absolute position of a field's value, or 0 when the table does not store it. */
  field(table: number, index: number, byteSize: number): number {
    const vtable = table - this.bb.readInt32(table);
    this.check(vtable, 4, 'a table header');
    const vtableSize = this.bb.readUint16(vtable);
    const slot = 4 + 2 * index;
    if (slot + 2 > vtableSize) return 0;
    this.check(vtable, vtableSize, 'a table header');
    const offset = this.bb.readUint16(vtable + slot);
    if (offset === 0) return 0;
    this.check(table + offset, byteSize, 'a table field');
    return table + offset;
  }

  uint8(table: number, index: number, fallback: number): number {
    const at = this.field(table, index, 1);
    return at === 0 ? fallback : this.bb.readUint8(at);
  }

  int8(table: number, index: number, fallback: number): number {
    const at = this.field(table, index, 1);
    return at === 0 ? fallback : this.bb.readInt8(at);
  }

  int32(table: number, index: number, fallback: number): number {
    const at = this.field(table, index, 4);
    return at === 0 ? fallback : this.bb.readInt32(at);
  }

  uint32(table: number, index: number, fallback: number): number {
    const at = this.field(table, index, 4);
    return at === 0 ? fallback : this.bb.readUint32(at);
  }

  uint64(table: number, index: number): bigint {
    const at = this.field(table, index, 8);
    return at === 0 ? 0n : this.bb.readUint64(at);
  }

  /** A sub-table, or null when absent. */
  table(table: number, index: number): number | null {
    const at = this.field(table, index, 4);
    return at === 0 ? null : this.indirect(at, 'a sub-table');
  }

  string(table: number, index: number): string | null {
    const vector = this.vector(table, index, 1);
    return vector === null ? null : decoder.decode(this.bytes.subarray(vector.start, vector.start + vector.length));
  }

  /** A vector's element start and length, checked to lie inside the file. */
  vector(table: number, index: number, elementBytes: number): { start: number; length: number } | null {
    const at = this.field(table, index, 4);
    if (at === 0) return null;
    const header = this.indirect(at, 'a vector');
    this.check(header, 4, 'a vector length');
    const length = this.bb.readUint32(header);
    this.check(header + 4, length * elementBytes, 'a vector');
    return { start: header + 4, length };
  }

  /** Positions of the tables in a vector of tables. */
  tables(table: number, index: number): number[] {
    const vector = this.vector(table, index, 4);
    if (vector === null) return [];
    const out: number[] = [];
    for (let i = 0; i < vector.length; i += 1) out.push(this.indirect(vector.start + 4 * i, 'a table in a vector'));
    return out;
  }

  int32s(table: number, index: number): number[] | null {
    const vector = this.vector(table, index, 4);
    if (vector === null) return null;
    return Array.from({ length: vector.length }, (_, i) => this.bb.readInt32(vector.start + 4 * i));
  }

  float32s(table: number, index: number): number[] | null {
    const vector = this.vector(table, index, 4);
    if (vector === null) return null;
    return Array.from({ length: vector.length }, (_, i) => this.bb.readFloat32(vector.start + 4 * i));
  }

  int64s(table: number, index: number): number[] | null {
    const vector = this.vector(table, index, 8);
    if (vector === null) return null;
    return Array.from({ length: vector.length }, (_, i) => Number(this.bb.readInt64(vector.start + 8 * i)));
  }

  error(reason: string, offset: number): StudioError {
    return new StudioError(
      'MODEL_FORMAT',
      `'${this.fileName}' is not a valid ${this.formatLabel}: ${reason} (at byte ${offset} of ${this.size}). ` +
        'Re-export it or check the download.',
      { file: this.fileName, offset: String(offset) },
    );
  }

  private indirect(at: number, what: string): number {
    this.check(at, 4, what);
    const target = at + this.bb.readUint32(at);
    this.check(target, 4, what);
    return target;
  }

  private check(offset: number, byteLength: number, what: string): void {
    if (offset < 0 || byteLength < 0 || offset + byteLength > this.size) {
      const reason =
        offset + byteLength > this.size && offset >= 0
          ? `${what} runs past the end of the file, which looks truncated`
          : `${what} points outside the file`;
      throw this.error(reason, Math.max(0, Math.min(offset, this.size)));
    }
  }
}

const decoder = new TextDecoder('utf-8');
