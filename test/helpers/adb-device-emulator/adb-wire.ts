/**
 * ADB's transport messages, as AOSP's system/core/adb/protocol.txt describes them: a 24-byte
 * header of six little-endian uint32 (command, arg0, arg1, data length, data checksum, magic =
 * command XOR 0xffffffff) followed by the payload. The checksum is the byte sum of the payload;
 * peers speaking version 0x01000001 or later may skip checking it, but the emulator still sends it.
 *
 * Hand-written because no npm package implements the device (adbd) side; every length is checked
 * against the bytes received before it is used, since the peer is a separate program.
 */
export const A_SYNC = 0x434e5953;
export const A_CNXN = 0x4e584e43;
export const A_AUTH = 0x48545541;
export const A_OPEN = 0x4e45504f;
export const A_OKAY = 0x59414b4f;
export const A_CLSE = 0x45534c43;
export const A_WRTE = 0x45545257;

/** The version adbd sends since Android 9 (checksums optional). */
export const A_VERSION = 0x01000001;
/** What this emulated adbd accepts in one WRTE (adbd's MAX_PAYLOAD is 1 MiB; a smaller value exercises chunking). */
export const DEVICE_MAX_PAYLOAD = 256 * 1024;
/** AUTH arg0 values (protocol.txt): TOKEN, SIGNATURE, RSAPUBLICKEY. */
export const AUTH_TOKEN = 1;
export const AUTH_SIGNATURE = 2;
export const AUTH_RSAPUBLICKEY = 3;

const HEADER_BYTES = 24;
/** A peer announcing more than this per message is refused (adb's own limit is 1 MiB). */
const MAX_ACCEPTED_PAYLOAD = 1024 * 1024;

export interface AdbMessage {
  command: number;
  arg0: number;
  arg1: number;
  data: Buffer;
}

export function commandName(command: number): string {
  return Buffer.from(Uint32Array.of(command).buffer).toString('latin1');
}

function checksum(data: Buffer): number {
  let sum = 0;
  for (const byte of data) sum = (sum + byte) >>> 0;
  return sum;
}

export function encodeMessage(command: number, arg0: number, arg1: number, data: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32LE(command >>> 0, 0);
  header.writeUInt32LE(arg0 >>> 0, 4);
  header.writeUInt32LE(arg1 >>> 0, 8);
  header.writeUInt32LE(data.length, 12);
  header.writeUInt32LE(checksum(data), 16);
  header.writeUInt32LE((command ^ 0xffffffff) >>> 0, 20);
  return Buffer.concat([header, data]);
}

/** Splits a byte stream into messages; throws on a bad magic or an oversized payload. */
export class MessageReader {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): AdbMessage[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const messages: AdbMessage[] = [];
    while (this.pending.length >= HEADER_BYTES) {
      const command = this.pending.readUInt32LE(0);
      const length = this.pending.readUInt32LE(12);
      const magic = this.pending.readUInt32LE(20);
      if (magic !== (command ^ 0xffffffff) >>> 0) throw new Error(`bad adb message magic for command 0x${command.toString(16)}`);
      if (length > MAX_ACCEPTED_PAYLOAD) throw new Error(`adb message of ${length} bytes is over the ${MAX_ACCEPTED_PAYLOAD}-byte limit`);
      if (this.pending.length < HEADER_BYTES + length) break;
      messages.push({
        command,
        arg0: this.pending.readUInt32LE(4),
        arg1: this.pending.readUInt32LE(8),
        data: Buffer.from(this.pending.subarray(HEADER_BYTES, HEADER_BYTES + length)),
      });
      this.pending = this.pending.subarray(HEADER_BYTES + length);
    }
    return messages;
  }
}

/**
 * shell protocol v2 packets (AOSP adb/shell_protocol.h): one id byte, a uint32 LE length, the
 * data. stdin 0, stdout 1, stderr 2, exit 3 (one byte, the exit code), close-stdin 4, window size 5.
 */
export const SHELL_STDIN = 0;
export const SHELL_STDOUT = 1;
export const SHELL_STDERR = 2;
export const SHELL_EXIT = 3;
export const SHELL_CLOSE_STDIN = 4;

export function shellPacket(id: number, data: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt8(id, 0);
  header.writeUInt32LE(data.length, 1);
  return Buffer.concat([header, data]);
}
