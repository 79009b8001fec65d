/**
 * Connecting a stored serial target (targets.json) for a job or a connection test: find the port
 * (again, if the board re-enumerated under another path), open it at its rate (or find the rate),
 * speak the protocol's first words, and feed the live log with short lines (one per frame or
 * reply line, never a hex dump of a whole model upload).
 */
import { existsSync, realpathSync } from 'node:fs';
import type { SerialTargetConfig } from '../../../shared/targets';
import type { TargetContext } from '../target-registry';
import { EdgebenchDeviceClient } from './edgebench-protocol/client';
import { identityOf, listSerialDevices, waitForDevice, type DeviceIdentity, type PortLister, type SerialDeviceInfo } from './discovery/list-ports';
import type { DeviceFacts } from './edgebench-protocol/messages';
import { connectMlperfTiny, type MlperfTinyConnection } from './mlperf-tiny/connect';
import type { SerialTransport } from './serial-transport';
import { AUTO_BAUD_CANDIDATES } from './target-spec';
import { detectBaudRate } from './transport/baud-detect';
import type { SerialLogListener } from './transport/serial-log';
import { openSerialPortTransport, type SerialPortTransport } from './transport/serialport-transport';

export type LogSink = NonNullable<TargetContext['onLog']>;

/** Longest log line sent to the UI; a device that prints without newlines is cut here. */
const MAX_LOG_LINE_CHARS = 300;

export interface EdgebenchSession {
  client: EdgebenchDeviceClient;
  transport: SerialPortTransport;
  baudRate: number;
  facts: DeviceFacts;
}

/**
 * The transport's own log, trimmed for the live view: what it did (opened, closed, reset) always;
 * bytes sent only when `tx` (MLPerf Tiny's commands are short ASCII); received bytes never (the
 * protocol clients log them as frames or lines).
 */
export function transportLog(onLog: LogSink | undefined, options: { tx: boolean }): SerialLogListener | undefined {
  if (!onLog) return undefined;
  return (entry) => {
    if (entry.direction === 'info') onLog('info', entry.text);
    else if (entry.direction === 'tx' && options.tx) onLog('tx', shortText(entry.bytes));
  };
}

/** Printable ASCII as text; anything else as hex, cut to a readable length. */
export function shortText(bytes: Uint8Array): string {
  const printable = bytes.every((b) => (b >= 0x20 && b < 0x7f) || b === 0x0a || b === 0x0d || b === 0x09);
  const text = printable
    ? new TextDecoder().decode(bytes).replace(/\r?\n$/, '')
    : Array.from(bytes.subarray(0, 48), (b) => b.toString(16).padStart(2, '0')).join(' ') + (bytes.length > 48 ? ` … (${bytes.length} bytes)` : '');
  return text.length > MAX_LOG_LINE_CHARS ? `${text.slice(0, MAX_LOG_LINE_CHARS)}…` : text;
}

function edgebenchClient(transport: SerialTransport, onLog: LogSink | undefined, options: { replyTimeoutMs?: number; attempts?: number } = {}): EdgebenchDeviceClient {
  return new EdgebenchDeviceClient(transport, {
    ...options,
    onTraffic: onLog ? (line) => onLog(line.startsWith('tx ') ? 'tx' : 'rx', line.slice(3)) : undefined,
    onLog: onLog
      ? (text) => {
          for (const line of text.split(/\r?\n/)) if (line.trim() !== '') onLog('rx', line.slice(0, MAX_LOG_LINE_CHARS));
        }
      : undefined,
  });
}

/** A transport whose close() does nothing: lets a probe's client be disposed while the port stays open. */
function unclosable(transport: SerialTransport): SerialTransport {
  return {
    description: transport.description,
    write: (bytes) => transport.write(bytes),
    onData: (listener) => transport.onData(listener),
    onClose: (listener) => transport.onClose(listener),
    close: async () => undefined,
  };
}

export interface ReconnectOptions {
  /** The board's USB identity when the target's config knows it; else the one seen at the last connection to this path. */
  identity?: DeviceIdentity;
  /** SerialPort.list() by default; tests give a scripted lister. */
  lister?: PortLister;
  /** Bound on waiting for a board to come back under another path. Default 10000 (a USB re-enumeration takes one to a few seconds). */
  timeoutMs?: number;
  /** Default 250. */
  pollMs?: number;
}

/** The USB identity of the board last connected on each path, in this process: the way back after it re-enumerates. */
const lastSeenIdentity = new Map<string, DeviceIdentity>();

function canonicalPath(path: string): string {
  try {
    // /dev/serial/by-id/… links name the device the port list calls /dev/ttyACM0.
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * The path to open for a stored target: its own while it exists (remembering the board's USB
 * identity), or, when it is gone and the board's identity is known, the path the board came back
 * under (a reset into the bootloader or a replug can turn /dev/ttyACM0 into /dev/ttyACM1).
 */
export async function resolveSerialPath(path: string, context: Pick<TargetContext, 'onLog' | 'signal'>, options: ReconnectOptions = {}): Promise<string> {
  const onLog = context.onLog;
  let devices: SerialDeviceInfo[];
  try {
    devices = await listSerialDevices(options.lister);
  } catch (error) {
    // Listing is only needed to find a moved board; the port itself may still open.
    onLog?.('info', `${error instanceof Error ? error.message : String(error)} Reconnection by USB id is off for this connection.`);
    return path;
  }
  const exists = existsSync(path);
  const real = exists ? canonicalPath(path) : path;
  const here = devices.find((device) => device.path === path || device.path === real);
  if (here || exists) {
    const identity = here && identityOf(here);
    if (identity) lastSeenIdentity.set(path, identity);
    return path;
  }
  const identity = options.identity ?? lastSeenIdentity.get(path);
  // Nothing to look for: the open says the port does not exist.
  if (!identity) return path;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const ids = `${identity.vendorId}:${identity.productId}${identity.serialNumber ? `, serial number ${identity.serialNumber}` : ''}`;
  onLog?.('info', `${path} is gone; waiting up to ${timeoutMs / 1000} s for the board (USB ${ids}) to come back.`);
  const found = await waitForDevice(identity, {
    timeoutMs,
    ...(options.pollMs !== undefined && { pollMs: options.pollMs }),
    ...(options.lister && { lister: options.lister }),
    ...(context.signal && { signal: context.signal }),
  });
  onLog?.('info', `${path} is gone; the board came back as ${found.path}.`);
  lastSeenIdentity.set(found.path, identity);
  return found.path;
}

/** Opens the port (finding the rate when the target says 'auto') and says HELLO. */
export async function connectEdgebench(config: SerialTargetConfig, context: TargetContext, reconnect: ReconnectOptions = {}): Promise<EdgebenchSession> {
  const path = await resolveSerialPath(config.path, context, reconnect);
  // DTR and RTS released: a running ESP32 dev board keeps running (see serialport-transport.ts).
  const base = { path, dtr: false, rts: false, log: transportLog(context.onLog, { tx: false }) };
  let transport: SerialPortTransport;
  let baudRate: number;
  if (config.baudRate === 'auto') {
    const found = await detectBaudRate(
      base,
      AUTO_BAUD_CANDIDATES,
      async (candidate) => {
        // Short waits per rate: at the right rate the board answers HELLO in milliseconds.
        const probe = edgebenchClient(unclosable(candidate), undefined, { replyTimeoutMs: 700, attempts: 2 });
        try {
          return await probe.hello(context.signal);
        } finally {
          await probe.close();
        }
      },
      'EdgeBench',
    );
    transport = found.transport;
    baudRate = found.baudRate;
  } else {
    transport = await openSerialPortTransport({ ...base, baudRate: config.baudRate });
    baudRate = config.baudRate;
  }
  const client = edgebenchClient(transport, context.onLog);
  try {
    const facts = await client.hello(context.signal);
    return { client, transport, baudRate, facts };
  } catch (error) {
    await client.close().catch(() => undefined);
    throw error;
  }
}

/** Opens the port (finding the rate when the target says 'auto'), waits out the boot log and identifies the board. */
export async function connectMlperfTarget(config: SerialTargetConfig, context: TargetContext, reconnect: ReconnectOptions = {}): Promise<MlperfTinyConnection> {
  const onLog = context.onLog;
  const path = await resolveSerialPath(config.path, context, reconnect);
  return connectMlperfTiny(
    { path, baudRate: config.baudRate, protocol: 'mlperf-tiny', reset: 'none', dtr: false, rts: false, name: config.name },
    {
      log: transportLog(onLog, { tx: true }),
      client: {
        port: path,
        ...(onLog && { onLine: (line: string) => line.trim() !== '' && onLog('rx', line.slice(0, MAX_LOG_LINE_CHARS)) }),
      },
    },
  );
}
