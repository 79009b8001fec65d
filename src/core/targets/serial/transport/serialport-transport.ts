/**
 * SerialTransport over the `serialport` package (N-API, so it also loads under Electron without a
 * rebuild). Protocols sit on top and never touch serialport themselves.
 *
 * Opening a port and the board's reset. On Linux and macOS, opening a tty raises DTR and RTS.
 * ESP32 dev boards with a USB-UART bridge (CP210x, CH340) wire DTR and RTS through two transistors
 * to IO0 and EN: both raised together leave EN and IO0 high, so opening alone usually does not
 * reset the chip, but raising RTS alone pulls EN low (reset) and raising DTR alone pulls IO0 low
 * (download mode at the next reset). The native USB-Serial/JTAG of ESP32-S3/C3 emulates the same
 * lines. So `reset: 'esp32'` holds RTS with DTR released for 100 ms and then releases both: the chip
 * reboots into its application, and the protocol sees its boot log and banner from the start.
 * `dtr: false, rts: false` after opening keeps a running board running. Closing drops DTR unless
 * `hangupOnClose` is false (HUPCL), which on some boards resets them as well.
 */
import { SerialPort } from 'serialport';
import type { ResetOnOpen } from '../../../../shared/plugins/target-kinds/serial-spec';
import type { SerialTransport } from '../serial-transport';
import { delay, fromCallback, withTimeout } from './bounded';
import { openError, portError, vanishedError } from './port-errors';
import { describeLogEntry, type SerialLogDirection, type SerialLogListener } from './serial-log';

export type { ResetOnOpen };

export interface SerialPortTransportOptions {
  /** "/dev/ttyUSB0", "COM3", or a pseudo-terminal such as "/dev/pts/4". */
  path: string;
  baudRate: number;
  /** Set DTR right after opening; leave undefined to keep what the OS did. */
  dtr?: boolean;
  /** Set RTS right after opening; leave undefined to keep what the OS did. */
  rts?: boolean;
  /** Reset the board right after opening (see the file comment). Default 'none'. */
  reset?: ResetOnOpen;
  /** Drop DTR when the port closes (HUPCL). Default true. */
  hangupOnClose?: boolean;
  /** Default 5000. */
  openTimeoutMs?: number;
  /** Added to the time the bytes need on the wire. Default 5000. */
  writeTimeoutMs?: number;
  /** Every byte in and out, and what the transport did. */
  log?: SerialLogListener;
}

export interface SerialPortTransport extends SerialTransport {
  readonly path: string;
  readonly baudRate: number;
  /** Sets the modem lines; a port without them (a pseudo-terminal) logs that and carries on. */
  setSignals(signals: { dtr?: boolean; rts?: boolean }): Promise<void>;
  /** Pulses EN through RTS (ESP32 auto-reset circuit). */
  resetBoard(): Promise<void>;
}

/** Bytes that arrive before anyone listens (a boot log right after opening) are kept up to this many. */
const EARLY_BYTES_MAX = 64 * 1024;
const ESP32_RESET_PULSE_MS = 100;

function isNoModemLines(error: Error): boolean {
  return /inappropriate ioctl|not a typewriter|not supported/i.test(error.message);
}

export async function openSerialPortTransport(options: SerialPortTransportOptions): Promise<SerialPortTransport> {
  const { path, baudRate } = options;
  const openedAt = Date.now();
  const log = (direction: SerialLogDirection, bytes: Uint8Array, text?: string): void => {
    options.log?.({ direction, port: path, atMs: Date.now() - openedAt, bytes, text: text ?? describeLogEntry(direction, bytes) });
  };
  const info = (text: string): void => log('info', new Uint8Array(0), text);

  let port: SerialPort;
  try {
    port = new SerialPort({ path, baudRate, autoOpen: false, hupcl: options.hangupOnClose ?? true, lock: true });
  } catch (error) {
    throw openError(path, baudRate, error instanceof Error ? error : new Error(String(error)));
  }
  const openTimeoutMs = options.openTimeoutMs ?? 5000;
  try {
    await withTimeout(fromCallback((cb) => port.open(cb)), openTimeoutMs, () =>
      portError('TARGET', 'port-timeout', path, `Opening the serial port '${path}' did not finish within ${openTimeoutMs / 1000} s: unplug the board, plug it in again and retry.`),
    );
  } catch (error) {
    if (port.isOpen) port.close();
    if (error instanceof Error && error.name === 'StudioError') throw error;
    throw openError(path, baudRate, error instanceof Error ? error : new Error(String(error)));
  }
  info(`opened ${path} at ${baudRate} baud`);

  const dataListeners = new Set<(bytes: Uint8Array) => void>();
  const closeListeners = new Set<(error?: Error) => void>();
  let early: Uint8Array[] = [];
  let earlyBytes = 0;
  let closed = false;
  let closeReason: Error | undefined;

  const finish = (reason?: Error): void => {
    if (closed) return;
    closed = true;
    closeReason = reason;
    info(reason ? `closed: ${reason.message}` : 'closed');
    for (const listener of [...closeListeners]) listener(reason);
    closeListeners.clear();
    dataListeners.clear();
  };

  port.on('data', (chunk: Buffer) => {
    const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength).slice();
    log('rx', bytes);
    if (dataListeners.size === 0) {
      if (earlyBytes + bytes.length <= EARLY_BYTES_MAX) {
        early.push(bytes);
        earlyBytes += bytes.length;
      }
      return;
    }
    for (const listener of [...dataListeners]) listener(bytes);
  });
  port.on('close', (error: (Error & { disconnected?: boolean }) | null) => {
    finish(error ? vanishedError(path, error.message) : undefined);
  });
  port.on('error', (error: Error) => {
    info(`error: ${error.message}`);
    if (!port.isOpen) {
      finish(vanishedError(path, error.message));
      return;
    }
    const failure = portError('TARGET', 'port-failed', path, `The serial port '${path}' failed (${error.message}): reconnect the board and run again.`, error.message);
    port.close(() => finish(failure));
  });

  const setSignals = async (signals: { dtr?: boolean; rts?: boolean }): Promise<void> => {
    if (closed) throw closeReason ?? vanishedError(path);
    try {
      await withTimeout(fromCallback((cb) => port.set(signals, cb)), 2000, () =>
        portError('TARGET', 'port-timeout', path, `Setting DTR/RTS on '${path}' did not finish within 2 s: unplug the board, plug it in again and retry.`),
      );
      info(`set ${Object.entries(signals).map(([line, on]) => `${line.toUpperCase()}=${on ? 1 : 0}`).join(' ')}`);
    } catch (error) {
      if (error instanceof Error && isNoModemLines(error)) {
        info('this port has no modem control lines (a pseudo-terminal?); DTR/RTS left alone');
        return;
      }
      throw error;
    }
  };

  const transport: SerialPortTransport = {
    path,
    baudRate,
    description: `${path} at ${baudRate} baud`,
    setSignals,
    async resetBoard() {
      info('resetting the board: RTS pulls EN low for 100 ms, DTR released so it boots its application');
      await setSignals({ dtr: false, rts: true });
      await delay(ESP32_RESET_PULSE_MS);
      await setSignals({ dtr: false, rts: false });
    },
    async write(bytes: Uint8Array) {
      if (closed) throw closeReason ?? portError('TARGET', 'port-failed', path, `The serial port '${path}' is closed: open it again before writing.`);
      log('tx', bytes);
      // 10 bits per byte on the wire (start + 8 data + stop).
      const wireMs = (bytes.length * 10 * 1000) / baudRate;
      const timeoutMs = (options.writeTimeoutMs ?? 5000) + wireMs;
      await withTimeout(
        fromCallback((cb) => port.write(Buffer.from(bytes), (error) => (error ? cb(error) : port.drain(cb)))),
        timeoutMs,
        () => portError('TARGET', 'port-timeout', path, `Writing ${bytes.length} bytes to '${path}' did not finish within ${Math.ceil(timeoutMs / 1000)} s: the board is not reading; reset it and retry.`),
      ).catch((error: unknown) => {
        if (closed) throw closeReason ?? vanishedError(path);
        throw error instanceof Error && error.name === 'StudioError' ? error : vanishedError(path, String(error));
      });
    },
    onData(listener) {
      dataListeners.add(listener);
      if (early.length > 0) {
        const pending = early;
        early = [];
        earlyBytes = 0;
        for (const bytes of pending) listener(bytes);
      }
      return () => dataListeners.delete(listener);
    },
    onClose(listener) {
      if (closed) {
        queueMicrotask(() => listener(closeReason));
        return () => undefined;
      }
      closeListeners.add(listener);
      return () => closeListeners.delete(listener);
    },
    async close() {
      if (closed) return;
      await withTimeout(fromCallback((cb) => port.close(cb)), 2000, () =>
        portError('TARGET', 'port-timeout', path, `Closing the serial port '${path}' did not finish within 2 s: unplug the board to release it.`),
      ).catch((error: unknown) => {
        if (!closed) throw error;
      });
      finish();
    },
  };

  if (options.dtr !== undefined || options.rts !== undefined) {
    await setSignals({ ...(options.dtr !== undefined && { dtr: options.dtr }), ...(options.rts !== undefined && { rts: options.rts }) });
  }
  if (options.reset === 'esp32') await transport.resetBoard();
  return transport;
}
