/**
 * A TCP adbd for the tests: what `adb connect 127.0.0.1:PORT` reaches. It speaks ADB's transport
 * protocol (AOSP system/core/adb/protocol.txt): CNXN with the device banner, optionally AUTH that is
 * never accepted (an unauthorized device), OPEN / OKAY / WRTE / CLSE streams with one WRTE in flight
 * per stream until the host's OKAY. Services: `shell:` (raw output), `shell,v2,...:` (the shell
 * protocol's stdout / stderr / exit packets, which adb 29 uses when the banner lists shell_v2), and
 * `sync:` (SYNC.TXT: STAT, LIST, SEND, RECV, DATA, DONE, OKAY, FAIL, QUIT). Each shell command runs
 * in the device's real POSIX shell (device-shell.ts), its stdin fed from the host's stream; closing
 * the stream or the connection hangs it up. Everything it reports names itself an emulator.
 */
import net from 'node:net';
import { EMULATED_DEVICE_DEFAULTS, type EmulatedDeviceSpec } from './device-spec';
import {
  A_AUTH,
  A_CLSE,
  A_CNXN,
  A_OKAY,
  A_OPEN,
  A_VERSION,
  A_WRTE,
  AUTH_TOKEN,
  DEVICE_MAX_PAYLOAD,
  MessageReader,
  SHELL_CLOSE_STDIN,
  SHELL_EXIT,
  SHELL_STDERR,
  SHELL_STDIN,
  SHELL_STDOUT,
  encodeMessage,
  shellPacket,
} from './adb-wire';
import type { ShellProcess } from './device-shell';
import { EmulatedAndroid } from './userland';

/** Largest DATA chunk of the sync protocol (SYNC_DATA_MAX). */
const SYNC_DATA_MAX = 64 * 1024;

interface Stream {
  localId: number;
  remoteId: number;
  queue: Buffer[];
  waitingForOkay: boolean;
  closed: boolean;
  onData(data: Buffer): void;
  /** The host closed the stream, or the connection went. */
  onClose(): void;
  /** Close after the queue drains. */
  closeWhenDrained: boolean;
}

export interface RunningEmulator {
  port: number;
  /** The serial the host lists after `adb connect`. */
  serial: string;
  device: EmulatedAndroid;
  /** Every service the host opened, in order (what the tests assert the studio used). */
  services: string[];
  /** Drops every connection (the device is gone) and keeps listening. */
  dropConnections(): void;
  close(): Promise<void>;
}

export async function startAdbDeviceEmulator(overrides: Partial<EmulatedDeviceSpec> = {}): Promise<RunningEmulator> {
  const spec: EmulatedDeviceSpec = { ...EMULATED_DEVICE_DEFAULTS, ...overrides };
  const device = new EmulatedAndroid(spec);
  await device.start();
  const sockets = new Set<net.Socket>();
  const services: string[] = [];
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveConnection(socket, device, services);
  });
  device.onBenchmarkStart = (run) => {
    const drop = spec.dropDuringBenchmark;
    if (drop !== undefined && drop.run === run) setTimeout(() => sockets.forEach((s) => s.destroy()), drop.afterMs);
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    serial: `127.0.0.1:${port}`,
    device,
    services,
    dropConnections: () => sockets.forEach((socket) => socket.destroy()),
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((socket) => socket.destroy());
        server.close(() => resolve());
      }).then(() => device.close()),
  };
}

function serveConnection(socket: net.Socket, device: EmulatedAndroid, services: string[]): void {
  const reader = new MessageReader();
  const streams = new Map<number, Stream>();
  let nextLocalId = 1;
  let maxPayload = DEVICE_MAX_PAYLOAD;
  let online = false;
  const send = (command: number, arg0: number, arg1: number, data?: Buffer): void => {
    if (!socket.destroyed) socket.write(encodeMessage(command, arg0, arg1, data));
  };
  const pump = (stream: Stream): void => {
    if (stream.closed || stream.waitingForOkay) return;
    const next = stream.queue.shift();
    if (next !== undefined) {
      stream.waitingForOkay = true;
      send(A_WRTE, stream.localId, stream.remoteId, next);
    } else if (stream.closeWhenDrained) {
      stream.closed = true;
      streams.delete(stream.localId);
      send(A_CLSE, stream.localId, stream.remoteId);
    }
  };
  const write = (stream: Stream, data: Buffer): void => {
    for (let at = 0; at < data.length; at += maxPayload) stream.queue.push(data.subarray(at, at + maxPayload));
    pump(stream);
  };
  const close = (stream: Stream): void => {
    stream.closeWhenDrained = true;
    pump(stream);
  };
  const banner = (): Buffer => {
    const p = device.props;
    // adbd's banner (adb.cpp get_connection_string): these three properties and the features.
    return Buffer.from(`device::ro.product.name=${p['ro.product.name']};ro.product.model=${p['ro.product.model']};ro.product.device=${p['ro.product.device']};features=shell_v2,cmd\0`);
  };

  socket.on("data", (chunk: Buffer) => {
    let messages;
    try {
      messages = reader.push(chunk);
    } catch {
      socket.destroy();
      return;
    }
    for (const message of messages) {
      switch (message.command) {
        case A_CNXN:
          maxPayload = Math.min(DEVICE_MAX_PAYLOAD, message.arg1 || DEVICE_MAX_PAYLOAD);
          if (device.spec.unauthorized) send(A_AUTH, AUTH_TOKEN, 0, Buffer.alloc(20, 7));
          else {
            online = true;
            send(A_CNXN, A_VERSION, DEVICE_MAX_PAYLOAD, banner());
          }
          break;
        case A_AUTH:
          // Signatures are never accepted and public keys never confirmed: the user never tapped "Allow".
          if (message.arg0 !== AUTH_TOKEN) send(A_AUTH, AUTH_TOKEN, 0, Buffer.alloc(20, 9));
          break;
        case A_OPEN: {
          if (!online) break;
          const service = message.data.toString('utf8').replace(/\0$/, '');
          services.push(service);
          const stream: Stream = { localId: nextLocalId++, remoteId: message.arg0, queue: [], waitingForOkay: false, closed: false, closeWhenDrained: false, onData: () => undefined, onClose: () => undefined };
          const handler = openService(service, device, (data) => write(stream, data), () => close(stream));
          if (handler === null) {
            send(A_CLSE, 0, message.arg0);
            break;
          }
          streams.set(stream.localId, stream);
          stream.onData = handler.onData;
          stream.onClose = handler.onClose ?? (() => undefined);
          // The OKAY that accepts the stream goes first: the host drops a WRTE for a stream it has not seen accepted.
          send(A_OKAY, stream.localId, stream.remoteId);
          handler.start();
          break;
        }
        case A_WRTE: {
          const stream = streams.get(message.arg1);
          if (stream === undefined) break;
          send(A_OKAY, stream.localId, stream.remoteId);
          stream.onData(message.data);
          break;
        }
        case A_OKAY: {
          const stream = streams.get(message.arg1);
          if (stream === undefined) break;
          stream.waitingForOkay = false;
          pump(stream);
          break;
        }
        case A_CLSE: {
          const stream = streams.get(message.arg1);
          if (stream === undefined) break;
          stream.closed = true;
          streams.delete(stream.localId);
          send(A_CLSE, stream.localId, stream.remoteId);
          stream.onClose();
          break;
        }
        default:
          break;
      }
    }
  });
  socket.on('error', () => undefined);
  // The device is gone for the host: what its shells were running is hung up, as adbd's are when the USB link drops.
  socket.on('close', () => streams.forEach((stream) => stream.onClose()));
}

interface ServiceHandler {
  /** Starts the service once the stream is accepted. */
  start(): void;
  onData(data: Buffer): void;
  onClose?(): void;
}

/** The service's handler, or null for a service this device does not offer. */
function openService(service: string, device: EmulatedAndroid, write: (data: Buffer) => void, close: () => void): ServiceHandler | null {
  const shell = /^shell(,[^:]*)?:(.*)$/s.exec(service);
  if (shell !== null) {
    const v2 = (shell[1] ?? '').split(',').includes('v2');
    const command = shell[2] as string;
    let process: ShellProcess | undefined;
    const start = (): void => {
      if (command === '') {
        // An interactive shell (a pty) is not emulated; say so and end.
        const text = Buffer.from('the EdgeBench adb emulator has no interactive shell\n');
        write(v2 ? shellPacket(SHELL_STDERR, text) : text);
        if (v2) write(shellPacket(SHELL_EXIT, Buffer.from([1])));
        close();
        return;
      }
      process = device.runShell(command);
      process.child.stdout?.on('data', (chunk: Buffer) => write(v2 ? shellPacket(SHELL_STDOUT, chunk) : chunk));
      process.child.stderr?.on('data', (chunk: Buffer) => write(v2 ? shellPacket(SHELL_STDERR, chunk) : chunk));
      void process.done.then((status) => {
        if (v2) write(shellPacket(SHELL_EXIT, Buffer.from([status & 0xff])));
        close();
      });
    };
    // Shell protocol v2's packets from the host: stdin and close-stdin (window-size changes are for a pty); raw shell: bytes are stdin.
    let pending: Buffer = Buffer.alloc(0);
    const onData = (data: Buffer): void => {
      const stdin = process?.child.stdin;
      if (!v2) {
        stdin?.write(data);
        return;
      }
      pending = Buffer.concat([pending, data]);
      while (pending.length >= 5 && pending.length >= 5 + pending.readUInt32LE(1)) {
        const id = pending[0];
        const body = pending.subarray(5, 5 + pending.readUInt32LE(1));
        pending = pending.subarray(5 + body.length);
        if (id === SHELL_STDIN) stdin?.write(body);
        else if (id === SHELL_CLOSE_STDIN) stdin?.end();
      }
    };
    return { start, onData, onClose: () => process?.hangUp() };
  }
  if (service === 'sync:') return { start: () => undefined, onData: syncService(device, write, close) };
  return null;
}

/** The sync service's request loop (SYNC.TXT): 8-byte headers, an id and a length, then that many bytes. */
function syncService(device: EmulatedAndroid, write: (data: Buffer) => void, close: () => void): (data: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  let receiving: { path: string; mode: number; chunks: Buffer[] } | null = null;
  const header = (id: string, value: number): Buffer => {
    const buffer = Buffer.alloc(8);
    buffer.write(id, 0, 'latin1');
    buffer.writeUInt32LE(value >>> 0, 4);
    return buffer;
  };
  const fail = (message: string): void => write(Buffer.concat([header('FAIL', Buffer.byteLength(message)), Buffer.from(message)]));
  return (data: Buffer) => {
    pending = Buffer.concat([pending, data]);
    while (pending.length >= 8) {
      const id = pending.subarray(0, 4).toString('latin1');
      const length = pending.readUInt32LE(4);
      // DONE's value is an mtime, not a length; every other request is followed by `length` bytes.
      const bodyLength = id === 'DONE' || id === 'QUIT' ? 0 : length;
      if (bodyLength > SYNC_DATA_MAX + 1024) {
        fail(`sync request ${id} of ${length} bytes is too long`);
        close();
        return;
      }
      if (pending.length < 8 + bodyLength) return;
      const body = pending.subarray(8, 8 + bodyLength);
      pending = pending.subarray(8 + bodyLength);
      switch (id) {
        case 'STAT': {
          const stat = device.root.stat(body.toString('utf8'));
          const reply = header('STAT', stat?.mode ?? 0);
          write(Buffer.concat([reply, u32(stat?.size ?? 0), u32(stat?.mtimeS ?? 0)]));
          break;
        }
        case 'LIST': {
          const path = body.toString('utf8');
          for (const name of device.root.list(path) ?? []) {
            const stat = device.root.stat(`${path}/${name}`);
            write(Buffer.concat([header('DENT', stat?.mode ?? 0), u32(stat?.size ?? 0), u32(stat?.mtimeS ?? 0), u32(Buffer.byteLength(name)), Buffer.from(name)]));
          }
          write(Buffer.concat([header('DONE', 0), u32(0), u32(0), u32(0)]));
          break;
        }
        case 'SEND': {
          const spec = body.toString('utf8');
          const comma = spec.lastIndexOf(',');
          receiving = { path: comma < 0 ? spec : spec.slice(0, comma), mode: comma < 0 ? 0o644 : Number(spec.slice(comma + 1)) & 0o7777, chunks: [] };
          break;
        }
        case 'DATA':
          receiving?.chunks.push(Buffer.from(body));
          break;
        case 'DONE':
          if (receiving === null) fail('DONE without SEND');
          else if (!receiving.path.startsWith('/data/local/tmp/') && !receiving.path.startsWith('/sdcard/')) fail(`couldn't create file: Permission denied`);
          else if (!device.root.writePushed(receiving.path, Buffer.concat(receiving.chunks), receiving.mode)) fail(`couldn't create file: Permission denied`);
          else write(header('OKAY', 0));
          receiving = null;
          break;
        case 'RECV': {
          const file = device.root.read(body.toString('utf8'));
          if (file === undefined) fail('No such file or directory');
          else {
            for (let at = 0; at < file.length; at += SYNC_DATA_MAX) {
              const chunk = file.subarray(at, at + SYNC_DATA_MAX);
              write(Buffer.concat([header('DATA', chunk.length), chunk]));
            }
            write(header('DONE', 0));
          }
          break;
        }
        case 'QUIT':
          close();
          return;
        default:
          fail(`unknown sync request ${JSON.stringify(id)}`);
          close();
          return;
      }
    }
  };
}

function u32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32LE(value >>> 0, 0);
  return buffer;
}
