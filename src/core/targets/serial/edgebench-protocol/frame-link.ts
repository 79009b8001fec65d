/**
 * Frames over a SerialTransport: encodes what is sent, decodes what arrives, keeps the bytes
 * that are not frames (boot log, garbage, LOG frames) as the device log, and hands frames to one
 * waiter at a time. Every wait is bounded, cleans up its timer and listeners, and honours an
 * AbortSignal; a closed port fails the wait at once.
 */
import { StudioError } from '../../../../shared/errors';
import type { SerialTransport } from '../serial-transport';
import { encodeFrame, FrameDecoder, MsgType, msgTypeName, type Frame } from './frame';
import { decodeLog } from './messages';

/** What a wait yields: a frame, or word that a damaged frame arrived (so the request can be resent at once). */
export type Arrival = { kind: 'frame'; frame: Frame } | { kind: 'corrupt'; reason: string };

const MAX_LOG_CHARS = 64 * 1024;

export class FrameLink {
  private readonly decoder = new FrameDecoder();
  private readonly inbox: Arrival[] = [];
  private wake: (() => void) | undefined;
  private closedError: StudioError | undefined;
  private synced = false;
  private log = '';
  private readonly unsubscribe: Array<() => void>;

  constructor(
    readonly transport: SerialTransport,
    private readonly onLog?: (text: string) => void,
    private readonly onTraffic?: (line: string) => void,
  ) {
    this.unsubscribe = [
      transport.onData((bytes) => this.receive(bytes)),
      transport.onClose((error) => {
        const reason = error ? `: ${error.message}` : '';
        this.closedError = new StudioError(
          'TARGET',
          `The serial port ${transport.description} closed${reason}. Check the cable, and whether the board reset or re-enumerated, then connect again.`,
          { device: transport.description },
          { detail: { kind: 'port-closed', port: transport.description } },
        );
        this.wake?.();
      }),
    ];
  }

  /** Everything the device printed that was not a protocol frame, plus its LOG frames. */
  get deviceLog(): string {
    return this.log;
  }

  get closed(): boolean {
    return this.closedError !== undefined;
  }

  /** `version` is the frame header's: the version the two sides agreed in HELLO (the newest while offering it). */
  async send(type: number, seq: number, payload: Uint8Array, version: number): Promise<void> {
    if (this.closedError) throw this.closedError;
    this.onTraffic?.(`tx ${msgTypeName(type)} v${version} seq=${seq} ${payload.length} bytes`);
    await this.transport.write(encodeFrame(type, seq, payload, version));
  }

  /** Drops frames left over from an earlier request (late replies to a retried one). */
  discardPending(): void {
    this.inbox.length = 0;
  }

  /** The next frame or corruption notice, or null after `timeoutMs` of silence. */
  next(timeoutMs: number, what: string, signal?: AbortSignal): Promise<Arrival | null> {
    return new Promise<Arrival | null>((resolve, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.wake = undefined;
      };
      const check = (): void => {
        const arrival = this.inbox.shift();
        if (arrival) {
          cleanup();
          resolve(arrival);
        } else if (this.closedError) {
          cleanup();
          reject(this.closedError);
        }
      };
      const onAbort = (): void => {
        cleanup();
        reject(new StudioError('CANCELLED', `Waiting for ${what} from ${this.transport.description} was cancelled.`, { device: this.transport.description }));
      };
      const timer = setTimeout(() => {
        cleanup();
        resolve(null);
      }, timeoutMs);
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.wake = check;
      check();
    });
  }

  dispose(): void {
    for (const off of this.unsubscribe) off();
    this.wake = undefined;
  }

  private receive(bytes: Uint8Array): void {
    for (const chunk of this.decoder.push(bytes)) {
      if (chunk.kind === 'frame') {
        this.synced = true;
        const { frame } = chunk;
        this.onTraffic?.(`rx ${msgTypeName(frame.type)} seq=${frame.seq} ${frame.payload.length} bytes`);
        if (frame.type === MsgType.LOG) this.appendLog(`${decodeLog(frame.payload)}\n`);
        else this.inbox.push({ kind: 'frame', frame });
        continue;
      }
      // Before the first frame this is the boot log; later, a reset's boot log, text a library
      // printed straight to the port (TFLM's MicroPrintf), or a damaged frame. Only binary
      // pieces count as damage: resending a request because the board printed a line would be wrong.
      this.appendLog(printable(chunk.bytes));
      this.onTraffic?.(`rx ${chunk.bytes.length} bytes that are not a frame (${chunk.reason})`);
      if (this.synced && !isText(chunk.bytes)) this.inbox.push({ kind: 'corrupt', reason: chunk.reason });
    }
    this.wake?.();
  }

  private appendLog(text: string): void {
    if (text === '') return;
    this.log = (this.log + text).slice(-MAX_LOG_CHARS);
    this.onLog?.(text);
  }
}

function isText(bytes: Uint8Array): boolean {
  return bytes.every((byte) => (byte >= 0x20 && byte < 0x7f) || byte === 0x0a || byte === 0x0d || byte === 0x09);
}

/** Bytes as log text: printable ASCII, tabs and newlines kept, everything else dropped. */
function printable(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) if ((byte >= 0x20 && byte < 0x7f) || byte === 0x0a || byte === 0x09) text += String.fromCharCode(byte);
  return text;
}
