/** Little-endian payload writing and reading; a Reader that runs short says so instead of reading garbage. */
import { StudioError } from '../../../../shared/errors';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

export class ByteWriter {
  private readonly parts: number[] = [];

  u8(value: number): this {
    this.parts.push(value & 0xff);
    return this;
  }
  u16(value: number): this {
    return this.u8(value).u8(value >>> 8);
  }
  u32(value: number): this {
    for (let i = 0; i < 4; i += 1) this.u8(Math.floor(value / 2 ** (8 * i)));
    return this;
  }
  i32(value: number): this {
    return this.u32(value >>> 0);
  }
  /** Integers up to 2^53 (a sum of profiler ticks), as low then high u32. */
  u64(value: number): this {
    return this.u32(value % 2 ** 32).u32(Math.floor(value / 2 ** 32));
  }
  bytes(data: Uint8Array): this {
    for (const byte of data) this.parts.push(byte);
    return this;
  }
  /** u8 length + UTF-8, cut at 255 bytes. */
  str8(text: string): this {
    const data = encoder.encode(text).subarray(0, 255);
    return this.u8(data.length).bytes(data);
  }
  /** UTF-8 filling the rest of the payload. */
  text(text: string): this {
    return this.bytes(encoder.encode(text));
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

export class ByteReader {
  private at = 0;
  private readonly view: DataView;

  constructor(private readonly data: Uint8Array, private readonly what: string) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  private need(size: number): number {
    if (this.at + size > this.data.length) throw payloadError(`The ${this.what} payload is ${this.data.length} bytes, too short for its fields`);
    const at = this.at;
    this.at += size;
    return at;
  }
  u8(): number {
    return this.view.getUint8(this.need(1));
  }
  u16(): number {
    return this.view.getUint16(this.need(2), true);
  }
  u32(): number {
    return this.view.getUint32(this.need(4), true);
  }
  i32(): number {
    return this.view.getInt32(this.need(4), true);
  }
  u64(): number {
    const low = this.u32();
    return low + this.u32() * 2 ** 32;
  }
  bytes(size: number): Uint8Array {
    const at = this.need(size);
    return this.data.slice(at, at + size);
  }
  rest(): Uint8Array {
    return this.bytes(this.data.length - this.at);
  }
  str8(): string {
    return decoder.decode(this.bytes(this.u8()));
  }
  text(): string {
    return decoder.decode(this.rest());
  }
  /** Throws when bytes are left over: a payload longer than its fields is as wrong as a short one. */
  end(): void {
    if (this.at !== this.data.length) throw payloadError(`The ${this.what} payload has ${this.data.length - this.at} bytes after its fields`);
  }
}

/** A payload that does not match its message's layout: the peer speaks another version or is broken. */
function payloadError(reason: string): StudioError {
  return new StudioError('DEVICE', `${reason}; the two sides speak different versions of the EdgeBench serial protocol. Update the studio and reflash the firmware.`, {
    protocol: 'edgebench',
  });
}
