/**
 * Bytes → lines for MLPerf Tiny's ASCII protocol. The firmware ends every line with CRLF; the
 * host splits on LF and drops CR and NUL, as the reference runner does (serial_device.py). Boot
 * noise (a ROM log at another baud rate, half a line from before the host connected) stays
 * in the partial line until the next LF, or is dropped by `discardPartial()` before a command.
 */

/** A line longer than this is noise (the firmware's longest line, m-results, is far shorter). */
const MAX_LINE_CHARS = 16 * 1024;

export class LineBuffer {
  private partial = '';

  /** The complete lines these bytes finish, without CR, LF or NUL. */
  push(bytes: Uint8Array): string[] {
    const lines: string[] = [];
    for (const byte of bytes) {
      if (byte === 0x0a) {
        lines.push(this.partial);
        this.partial = '';
      } else if (byte !== 0x0d && byte !== 0x00) {
        this.partial += String.fromCharCode(byte);
        if (this.partial.length > MAX_LINE_CHARS) this.partial = this.partial.slice(-MAX_LINE_CHARS);
      }
    }
    return lines;
  }

  /** Drops and returns the unfinished line (bytes that came before a command cannot belong to its reply). */
  discardPartial(): string {
    const dropped = this.partial;
    this.partial = '';
    return dropped;
  }
}

/** Strips non-printable bytes (boot garbage) from the start of a line, so "\xff\xfem-ready" reads as "m-ready". */
export function cleanLine(line: string): string {
  return line.replace(/^[^\x20-\x7e]+/, '').trimEnd();
}

/** Every reply ends with this line (EE_MSG_READY). */
export function isReadyLine(line: string): boolean {
  return cleanLine(line).endsWith('m-ready');
}

/** "e-[Unknown command: foo]" → "Unknown command: foo". */
export function deviceErrorText(line: string): string | undefined {
  const match = /^e-\[(.*)\]$/.exec(cleanLine(line));
  return match ? match[1] : undefined;
}
