/**
 * Test helper: hand-built protobuf bytes, independent of the generated ONNX codec, so tests can
 * write what the codec would never write (unknown fields, packed dims, damaged files).
 *
 * A minimal protobuf wire-format encoder (no schema, no reflection).
 *
 * Large byte fields (tensor raw_data) are kept as references until `finish()`, and nested
 * messages are spliced in as their chunk lists, so a model's weights are copied exactly once.
 */
import { StudioError } from '../../../src/shared/errors';

export const WireType = { VARINT: 0, I64: 1, LEN: 2, I32: 5 } as const;

/** Byte fields at least this long are referenced instead of copied into the scratch buffer. */
const BYTES_BY_REFERENCE_MIN = 256;
const SCRATCH_INITIAL_BYTES = 256;
const SCRATCH_MAX_REUSED_BYTES = 65_536;

export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private scratch = new Uint8Array(SCRATCH_INITIAL_BYTES);
  private scratchView = new DataView(this.scratch.buffer);
  private scratchUsed = 0;
  private flushedBytes = 0;

  /** Total encoded length so far, in bytes. */
  get lengthBytes(): number {
    return this.flushedBytes + this.scratchUsed;
  }

  /** Field key: field number and wire type. */
  tag(field: number, wireType: number): this {
    if (!Number.isInteger(field) || field < 1 || field > 0x1fffffff) {
      throw new StudioError('INTERNAL', `Protobuf field number ${field} is out of range 1..536870911.`);
    }
    return this.rawVarint(field * 8 + wireType);
  }

  /** Writes a bare varint. Negative numbers are sign-extended to 64 bits (10 bytes), as int32/int64 require. */
  rawVarint(value: number | bigint): this {
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) {
        throw new StudioError('INTERNAL', `Protobuf varint ${value} is not a safe integer; pass a bigint for 64-bit values.`);
      }
      if (value >= 0 && value <= 0x7fffffff) {
        this.reserve(5);
        let v = value;
        while (v > 0x7f) {
          this.scratch[this.scratchUsed++] = (v & 0x7f) | 0x80;
          v >>>= 7;
        }
        this.scratch[this.scratchUsed++] = v;
        return this;
      }
    }
    const big = BigInt(value);
    if (big > 0xffffffffffffffffn || big < -0x8000000000000000n) {
      throw new StudioError('INTERNAL', `Protobuf varint ${value} does not fit in 64 bits.`);
    }
    let v = BigInt.asUintN(64, big);
    this.reserve(10);
    while (v > 0x7fn) {
      this.scratch[this.scratchUsed++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.scratch[this.scratchUsed++] = Number(v);
    return this;
  }

  /** int32, int64, uint32, uint64, enum: all varints on the wire. */
  varint(field: number, value: number | bigint): this {
    return this.tag(field, WireType.VARINT).rawVarint(value);
  }

  bool(field: number, value: boolean): this {
    return this.varint(field, value ? 1 : 0);
  }

  /** sint32/sint64 (zigzag). */
  sint(field: number, value: number | bigint): this {
    const v = BigInt(value);
    return this.varint(field, BigInt.asUintN(64, (v << 1n) ^ (v >> 63n)));
  }

  float(field: number, value: number): this {
    this.tag(field, WireType.I32).reserve(4);
    this.scratchView.setFloat32(this.scratchUsed, value, true);
    this.scratchUsed += 4;
    return this;
  }

  double(field: number, value: number): this {
    this.tag(field, WireType.I64).reserve(8);
    this.scratchView.setFloat64(this.scratchUsed, value, true);
    this.scratchUsed += 8;
    return this;
  }

  fixed32(field: number, value: number): this {
    this.tag(field, WireType.I32).reserve(4);
    this.scratchView.setUint32(this.scratchUsed, value >>> 0, true);
    this.scratchUsed += 4;
    return this;
  }

  /** Length-delimited bytes. The array is referenced, not copied, when large: do not mutate it before finish(). */
  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WireType.LEN).rawVarint(value.byteLength);
    return this.appendBytes(value);
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** Embeds another writer's content as a length-delimited sub-message; `sub` is consumed. */
  message(field: number, sub: ProtoWriter): this {
    this.tag(field, WireType.LEN).rawVarint(sub.lengthBytes);
    for (const chunk of sub.takeChunks()) this.appendBytes(chunk);
    return this;
  }

  /** Packed repeated varints (proto3 default for repeated scalars). */
  packedVarint(field: number, values: ArrayLike<number | bigint>): this {
    const body = new ProtoWriter();
    for (let i = 0; i < values.length; i++) body.rawVarint(values[i] as number | bigint);
    return this.message(field, body);
  }

  /** Packed repeated floats (fixed32). */
  packedFloat(field: number, values: ArrayLike<number>): this {
    const body = new Uint8Array(values.length * 4);
    const view = new DataView(body.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i] as number, true);
    return this.bytes(field, body);
  }

  /** The encoded message as one array. The writer must not be used afterwards. */
  finish(): Uint8Array {
    const chunks = this.takeChunks();
    if (chunks.length === 1 && chunks[0]) return chunks[0];
    const out = new Uint8Array(chunks.reduce((sum, c) => sum + c.byteLength, 0));
    let offset = 0;
    for (const chunk of chunks) {
      out.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return out;
  }

  private takeChunks(): Uint8Array[] {
    this.flushScratch();
    return this.chunks;
  }

  private appendBytes(value: Uint8Array): this {
    if (value.byteLength >= BYTES_BY_REFERENCE_MIN) {
      this.flushScratch();
      this.chunks.push(value);
      this.flushedBytes += value.byteLength;
      return this;
    }
    this.reserve(value.byteLength);
    this.scratch.set(value, this.scratchUsed);
    this.scratchUsed += value.byteLength;
    return this;
  }

  private flushScratch(): void {
    if (this.scratchUsed === 0) return;
    this.chunks.push(this.scratch.subarray(0, this.scratchUsed));
    this.flushedBytes += this.scratchUsed;
    // The flushed bytes now belong to `chunks`; start a fresh scratch rather than overwrite them.
    this.scratch = new Uint8Array(Math.min(this.scratch.byteLength, SCRATCH_MAX_REUSED_BYTES));
    this.scratchView = new DataView(this.scratch.buffer);
    this.scratchUsed = 0;
  }

  private reserve(bytes: number): this {
    if (this.scratchUsed + bytes <= this.scratch.byteLength) return this;
    const grown = new Uint8Array(Math.max(this.scratch.byteLength * 2, this.scratchUsed + bytes));
    grown.set(this.scratch.subarray(0, this.scratchUsed));
    this.scratch = grown;
    this.scratchView = new DataView(grown.buffer);
    return this;
  }
}
