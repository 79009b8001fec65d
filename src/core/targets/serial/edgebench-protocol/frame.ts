/**
 * Frames: 0x00, COBS(header + payload + CRC-32), 0x00. Header { version u8, type u8, seq u16 LE,
 * length u32 LE }; the CRC (little-endian) covers header and payload. The leading 0x00 ends
 * whatever came before (a boot log, noise), so the frame after it always decodes on its own.
 * Layout, versions and rationale: docs/serial-protocol.md.
 */
import { cobsDecode, cobsEncode } from './cobs';
import { crc32 } from './crc32';

/** The newest version this side speaks; HELLO offers it, and a board that knows only 1 makes the host fall back. */
export const PROTOCOL_VERSION = 2;
/** Every version this side reads and writes: v1 boards (arena, latencies) still work beside v2 (per-op profile). */
export const SUPPORTED_VERSIONS: readonly number[] = [1, 2];
export const isSupportedVersion = (version: number): boolean => SUPPORTED_VERSIONS.includes(version);
export const HEADER_BYTES = 8;
export const CRC_BYTES = 4;
/** Replies to a frame that could not be decoded carry this seq. */
export const UNKNOWN_SEQ = 0xffff;

export const MsgType = {
  HELLO: 0x01,
  MODEL_BEGIN: 0x02,
  MODEL_CHUNK: 0x03,
  MODEL_END: 0x04,
  INPUT: 0x05,
  RUN: 0x06,
  READ_OUTPUT: 0x07,
  /** v2: profiled invokes; answered by OP_PROFILE pages. */
  PROFILE: 0x08,
  HELLO_ACK: 0x81,
  ACK: 0x82,
  NAK: 0x83,
  LOADED: 0x84,
  PROGRESS: 0x85,
  RESULT: 0x86,
  OUTPUT: 0x87,
  LOG: 0x88,
  /** v2: per-op ticks of the profiled invokes. */
  OP_PROFILE: 0x89,
  ERROR: 0x8f,
} as const;
export type MsgTypeName = keyof typeof MsgType;

export function msgTypeName(type: number): string {
  const entry = Object.entries(MsgType).find(([, code]) => code === type);
  return entry ? entry[0] : `0x${type.toString(16).padStart(2, '0')}`;
}

export interface Frame {
  version: number;
  type: number;
  seq: number;
  payload: Uint8Array;
}

/** The bytes to put on the wire for one frame, delimiters included. */
export function encodeFrame(type: number, seq: number, payload: Uint8Array, version = PROTOCOL_VERSION): Uint8Array {
  const raw = new Uint8Array(HEADER_BYTES + payload.length + CRC_BYTES);
  const view = new DataView(raw.buffer);
  view.setUint8(0, version);
  view.setUint8(1, type);
  view.setUint16(2, seq, true);
  view.setUint32(4, payload.length, true);
  raw.set(payload, HEADER_BYTES);
  view.setUint32(HEADER_BYTES + payload.length, crc32(raw.subarray(0, HEADER_BYTES + payload.length)), true);
  const encoded = cobsEncode(raw);
  const wire = new Uint8Array(encoded.length + 2);
  wire.set(encoded, 1);
  return wire;
}

/** Checks one delimited chunk (without its 0x00s); a reason when it is not a frame. */
export function decodeFrame(encoded: Uint8Array): Frame | { reason: string } {
  const raw = cobsDecode(encoded);
  if (raw === null) return { reason: 'not valid COBS' };
  if (raw.length < HEADER_BYTES + CRC_BYTES) return { reason: 'shorter than a frame header and CRC' };
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const length = view.getUint32(4, true);
  if (length !== raw.length - HEADER_BYTES - CRC_BYTES) return { reason: 'length field does not match the frame size' };
  if (crc32(raw.subarray(0, HEADER_BYTES + length)) !== view.getUint32(HEADER_BYTES + length, true)) return { reason: 'CRC-32 mismatch' };
  return { version: raw[0] as number, type: raw[1] as number, seq: view.getUint16(2, true), payload: raw.slice(HEADER_BYTES, HEADER_BYTES + length) };
}

export type DecodedChunk = { kind: 'frame'; frame: Frame } | { kind: 'invalid'; bytes: Uint8Array; reason: string };

/**
 * Splits a byte stream at 0x00 and checks each piece. Pieces that are not frames come back as
 * 'invalid' with their bytes, so a caller can keep a boot log as text; empty pieces are skipped.
 */
export class FrameDecoder {
  private pending: number[] = [];
  private overflowed = false;

  /** `maxEncodedBytes` bounds the memory a stream without delimiters can take. */
  constructor(private readonly maxEncodedBytes = 1 << 20) {}

  push(bytes: Uint8Array): DecodedChunk[] {
    const out: DecodedChunk[] = [];
    for (const byte of bytes) {
      if (byte !== 0) {
        if (this.pending.length < this.maxEncodedBytes) this.pending.push(byte);
        else this.overflowed = true;
        continue;
      }
      const piece = Uint8Array.from(this.pending);
      const overflowed = this.overflowed;
      this.pending = [];
      this.overflowed = false;
      if (piece.length === 0 && !overflowed) continue;
      if (overflowed) {
        out.push({ kind: 'invalid', bytes: piece, reason: `more than ${this.maxEncodedBytes} bytes arrived without a delimiter` });
        continue;
      }
      const decoded = decodeFrame(piece);
      out.push('reason' in decoded ? { kind: 'invalid', bytes: piece, reason: decoded.reason } : { kind: 'frame', frame: decoded });
    }
    return out;
  }

  /** Bytes received since the last delimiter (e.g. a boot log still being printed). */
  pendingBytes(): Uint8Array {
    return Uint8Array.from(this.pending);
  }
}
