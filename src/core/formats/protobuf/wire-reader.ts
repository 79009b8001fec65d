import { StudioError } from '../../../shared/errors';

/**
 * A minimal protobuf wire-format decoder for reading model files in place.
 *
 * Length-delimited fields come back as `subarray` views of the one file buffer, so a
 * 500 MB ONNX file is never copied. Every read is bounds-checked: a truncated or
 * garbage file ends in a StudioError('MODEL_FORMAT') naming the file and the byte,
 * never a RangeError or an endless loop.
 */

export const WireType = {
  VARINT: 0,
  FIXED64: 1,
  LENGTH_DELIMITED: 2,
  START_GROUP: 3,
  END_GROUP: 4,
  FIXED32: 5,
} as const;

/** Names the file and the format in every error this reader throws. */
export interface WireSource {
  fileName: string;
  /** What the file should be, for messages: "ONNX model". */
  formatLabel: string;
  /** Offset of `bytes[0]` within the whole file, so errors report file positions. */
  baseOffset?: number;
}

const TWO_POW_32 = 2 ** 32;

export class WireReader {
  private pos: number;
  readonly end: number;
  private readonly view: DataView;
  private fieldStart = 0;

  constructor(
    readonly bytes: Uint8Array,
    private readonly source: WireSource,
    start = 0,
    end = bytes.length,
  ) {
    if (start < 0 || end > bytes.length || start > end) {
      throw this.error(start, `a length field points outside the file`);
    }
    this.pos = start;
    this.end = end;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get position(): number {
    return this.pos;
  }

  /** True while there are bytes left in this message. */
  more(): boolean {
    return this.pos < this.end;
  }

  /** Reads the next tag: field number and wire type. */
  tag(): { field: number; wireType: number } {
    this.fieldStart = this.pos;
    const key = this.uint32();
    const field = key >>> 3;
    const wireType = key & 7;
    if (field === 0 || wireType > WireType.FIXED32) {
      throw this.error(this.fieldStart, `field tag ${key} is not valid protobuf`);
    }
    return { field, wireType };
  }

  /** Unsigned varint that must fit in 32 bits (tags, lengths, enums). */
  uint32(): number {
    const value = this.varintNumber();
    return value >= TWO_POW_32 ? value % TWO_POW_32 : value;
  }

  /** int32/int64 varint as a JS number; negative values (10-byte two's complement) come back negative. */
  int64(): number {
    const start = this.pos;
    const value = this.varintNumber();
    if (value < Number.MAX_SAFE_INTEGER) return value;
    // Large or negative: redo exactly with BigInt so -1 stays -1 instead of rounding to 2^64.
    return Number(BigInt.asIntN(64, this.varintBigAt(start)));
  }

  /** uint64 varint exactly, for values that may exceed 2^53. */
  uint64Big(): bigint {
    const start = this.pos;
    this.varintNumber();
    return BigInt.asUintN(64, this.varintBigAt(start));
  }

  bool(): boolean {
    return this.varintNumber() !== 0;
  }

  fixed32(): number {
    this.need(4);
    const value = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return value;
  }

  float(): number {
    this.need(4);
    const value = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return value;
  }

  fixed64Big(): bigint {
    this.need(8);
    const value = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return value;
  }

  double(): number {
    this.need(8);
    const value = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return value;
  }

  /** A length-delimited field as a zero-copy view of the file buffer. */
  bytesView(): Uint8Array {
    const [start, end] = this.lengthDelimited();
    return this.bytes.subarray(start, end);
  }

  string(): string {
    const [start, end] = this.lengthDelimited();
    return decoder.decode(this.bytes.subarray(start, end));
  }

  /** A nested message: a reader over the same buffer limited to the field's bytes. */
  message(): WireReader {
    const [start, end] = this.lengthDelimited();
    return new WireReader(this.bytes, this.source, start, end);
  }

  /** Appends a repeated int64 field, packed (wire type 2) or not (wire type 0). */
  repeatedInt64(wireType: number, out: number[]): void {
    if (wireType === WireType.VARINT) {
      out.push(this.int64());
      return;
    }
    this.expectWireType(wireType, WireType.LENGTH_DELIMITED);
    const sub = this.message();
    while (sub.more()) out.push(sub.int64());
  }

  /** Appends a repeated float field, packed or not. */
  repeatedFloat(wireType: number, out: number[]): void {
    if (wireType === WireType.FIXED32) {
      out.push(this.float());
      return;
    }
    this.expectWireType(wireType, WireType.LENGTH_DELIMITED);
    const sub = this.message();
    while (sub.more()) out.push(sub.float());
  }

  /** Counts the elements of a packed or unpacked repeated varint field without keeping them. */
  countVarints(wireType: number): number {
    if (wireType === WireType.VARINT) {
      this.varintNumber();
      return 1;
    }
    this.expectWireType(wireType, WireType.LENGTH_DELIMITED);
    const sub = this.message();
    let count = 0;
    while (sub.more()) {
      sub.varintNumber();
      count += 1;
    }
    return count;
  }

  /** Skips a field's value; groups (deprecated) are skipped to their END_GROUP tag. */
  skip(wireType: number): void {
    switch (wireType) {
      case WireType.VARINT:
        this.varintNumber();
        return;
      case WireType.FIXED64:
        this.need(8);
        this.pos += 8;
        return;
      case WireType.LENGTH_DELIMITED:
        this.lengthDelimited();
        return;
      case WireType.FIXED32:
        this.need(4);
        this.pos += 4;
        return;
      case WireType.START_GROUP:
        for (;;) {
          if (!this.more()) throw this.truncated(this.end + 1);
          const inner = this.tag();
          if (inner.wireType === WireType.END_GROUP) return;
          this.skip(inner.wireType);
        }
      default:
        throw this.error(this.fieldStart, `wire type ${wireType} is not valid here`);
    }
  }

  /** Throws unless a field has the wire type its schema declares. */
  expectWireType(actual: number, expected: number): void {
    if (actual !== expected) {
      throw this.error(this.fieldStart, `a field has wire type ${actual} where ${expected} was expected`);
    }
  }

  /** A MODEL_FORMAT error naming the file, for callers that find a semantic problem. */
  error(offset: number, reason: string): StudioError {
    const fileOffset = (this.source.baseOffset ?? 0) + offset;
    return new StudioError(
      'MODEL_FORMAT',
      `'${this.source.fileName}' is not a valid ${this.source.formatLabel}: ${reason} (at byte ${fileOffset}). ` +
        'Re-export it or check the download.',
      { file: this.source.fileName, offset: String(fileOffset) },
    );
  }

  /** "truncated at byte <where the data ends> of <where the field says it should end>". */
  private truncated(neededEnd: number): StudioError {
    const base = this.source.baseOffset ?? 0;
    return new StudioError(
      'MODEL_FORMAT',
      `'${this.source.fileName}' is not a valid ${this.source.formatLabel} ` +
        `(truncated at byte ${base + this.end} of ${base + neededEnd}). Re-export it or check the download.`,
      { file: this.source.fileName, offset: String(base + this.end) },
    );
  }

  private need(count: number): void {
    if (this.pos + count > this.end) throw this.truncated(this.pos + count);
  }

  private lengthDelimited(): [number, number] {
    const length = this.varintNumber();
    const start = this.pos;
    if (length > this.end - start) throw this.truncated(start + length);
    this.pos = start + length;
    return [start, this.pos];
  }

  /** Unsigned varint as a float64 (exact below 2^53). At most 10 bytes, as the format allows. */
  private varintNumber(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i += 1) {
      if (this.pos >= this.end) throw this.truncated(this.pos + 1);
      const byte = this.bytes[this.pos] as number;
      this.pos += 1;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
    throw this.error(this.pos - 10, 'a varint is longer than 10 bytes');
  }

  private varintBigAt(start: number): bigint {
    let value = 0n;
    let shift = 0n;
    for (let p = start; p < this.pos; p += 1) {
      value |= BigInt((this.bytes[p] as number) & 0x7f) << shift;
      shift += 7n;
    }
    return value;
  }
}

const decoder = new TextDecoder('utf-8');
