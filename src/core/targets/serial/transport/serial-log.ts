/**
 * The verbose Rx/Tx log: every byte that crosses a port, shown as hex and as printable text,
 * so a user debugging a board sees exactly what the firmware said (boot noise included).
 */

export type SerialLogDirection = 'rx' | 'tx' | 'info';

export interface SerialLogEntry {
  /** rx: bytes from the board; tx: bytes to the board; info: what the transport did (open, reset, close). */
  direction: SerialLogDirection;
  /** The port path, e.g. "/dev/ttyUSB0". */
  port: string;
  /** Milliseconds since the port was opened. */
  atMs: number;
  /** The bytes themselves (empty for info entries). */
  bytes: Uint8Array;
  /** One line for people: "rx 6 B  6d 2d 72 65 61 64  |m-read|", or the info sentence. */
  text: string;
}

export type SerialLogListener = (entry: SerialLogEntry) => void;

/** Bytes per hex dump line; long reads are split so a log line stays readable. */
const BYTES_PER_LINE = 32;

function printable(byte: number): string {
  return byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.';
}

/** "6d 2d 72  |m-r|"; CR and LF show as dots in the text column, like hexdump -C. */
export function formatSerialBytes(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let start = 0; start < bytes.length; start += BYTES_PER_LINE) {
    const slice = bytes.subarray(start, start + BYTES_PER_LINE);
    const hex = Array.from(slice, (b) => b.toString(16).padStart(2, '0')).join(' ');
    const text = Array.from(slice, printable).join('');
    lines.push(`${hex}  |${text}|`);
  }
  return lines.join('\n');
}

export function describeLogEntry(direction: SerialLogDirection, bytes: Uint8Array): string {
  return `${direction} ${bytes.length} B  ${formatSerialBytes(bytes)}`;
}
