/**
 * The serial ports this computer sees, with the board each one probably is, and the way back to
 * the same board after it re-enumerates (a reset into the ROM bootloader or a replug can give it
 * another path: /dev/ttyACM0 becomes /dev/ttyACM1).
 *
 * Pseudo-terminals (socat, the simulated board) are not listed: SerialPort.list() only sees
 * devices the OS enumerates. Users pass their path directly (describePortPath says what it is).
 *
 * On Linux serialport's lister asks udevadm, which containers and CI runners do not have; there
 * the same facts are read from sysfs (sysfs-ports.ts).
 */
import { accessSync, constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../../../shared/errors';
import { say, worded } from '../../../../shared/remedies';
import { specialFileKind } from '../../../file-kind';
import { delay } from '../transport/bounded';
import { listSysfsSerialPorts, type SysfsOptions } from './sysfs-ports';
import { normalizeUsbId, recognizeUsbBoard, type BoardFamily } from './usb-ids';

/** Where a user sees the ports: the CLI's command, the studio's page. */
const LIST_PORTS = say("run 'edgebench devices list'", 'open the Devices page');

export interface SerialDeviceInfo {
  path: string;
  /** Lower-case hex, e.g. "10c4"; undefined for built-in UARTs. */
  vendorId?: string;
  productId?: string;
  serialNumber?: string;
  manufacturer?: string;
  /** The USB device's product string, e.g. "CP2102N USB to UART Bridge Controller" (sysfs listing only). */
  product?: string;
  /** Where a path given by the user leads when it is a link (socat's links lead to /dev/pts/N). */
  resolvedPath?: string;
  /** A character device given by path that the OS does not list as a serial port (it may be none). */
  unlisted?: boolean;
  /** What the USB ids say the board is, e.g. "Silicon Labs CP210x USB-UART (ESP32 dev boards)". */
  recognizedAs?: string;
  family?: BoardFamily;
}

/** The shape SerialPort.list() returns (plus the product string sysfs gives); tests can give their own lister. */
export interface RawPortInfo {
  path: string;
  vendorId?: string;
  productId?: string;
  serialNumber?: string;
  manufacturer?: string;
  product?: string;
}
export type PortLister = () => Promise<RawPortInfo[]>;

/** The first executable `name` on this PATH, or undefined. */
export function findOnPath(name: string, searchPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * This computer's ports. On Linux: serialport's lister when udevadm is on the PATH, else (or when
 * it fails, or when udev's database is empty, as in a container that has udevadm but no udevd)
 * sysfs. Elsewhere serialport's lister (Windows SetupAPI, macOS IOKit).
 */
export function systemPortLister(options: SysfsOptions = {}): PortLister {
  return async () => {
    // Imported here: serialport's native binding is not needed to start the CLI or the server.
    const { SerialPort } = await import('serialport');
    if (process.platform !== 'linux') return SerialPort.list();
    if (findOnPath('udevadm') === undefined) return listSysfsSerialPorts(options);
    let fromUdev: RawPortInfo[];
    try {
      fromUdev = await SerialPort.list();
    } catch {
      return listSysfsSerialPorts(options);
    }
    return fromUdev.length > 0 ? fromUdev : listSysfsSerialPorts(options);
  };
}

export const listRawPorts: PortLister = systemPortLister();

export function toDeviceInfo(raw: RawPortInfo): SerialDeviceInfo {
  const vendorId = normalizeUsbId(raw.vendorId);
  const productId = normalizeUsbId(raw.productId);
  const board = recognizeUsbBoard(vendorId, productId);
  return {
    path: raw.path,
    ...(vendorId !== undefined && { vendorId }),
    ...(productId !== undefined && { productId }),
    ...(raw.serialNumber && { serialNumber: raw.serialNumber }),
    ...(raw.manufacturer && { manufacturer: raw.manufacturer }),
    ...(raw.product && { product: raw.product }),
    ...(board && { recognizedAs: board.name, family: board.family }),
  };
}

export async function listSerialDevices(lister: PortLister = listRawPorts): Promise<SerialDeviceInfo[]> {
  let raw: RawPortInfo[];
  try {
    raw = await lister();
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new StudioError('RUNNER', `The serial ports of this computer could not be listed (${detail}); give the port's path directly, e.g. serial:///dev/ttyUSB0.`, { detail });
  }
  return raw.map(toDeviceInfo).sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }));
}

/** "Silicon Labs CP210x USB-UART (ESP32 dev boards) on /dev/ttyUSB0", or what little is known. */
export function describeDevice(device: SerialDeviceInfo): string {
  if (device.recognizedAs) return `${device.recognizedAs} on ${device.path}`;
  if (device.vendorId) {
    const maker = [device.manufacturer, device.product].filter(Boolean).join(' ');
    return `USB serial device ${device.vendorId}:${device.productId ?? '????'}${maker ? ` (${maker})` : ''} on ${device.path}`;
  }
  const real = device.resolvedPath ?? device.path;
  if (real.startsWith('/dev/pts/')) {
    return `pseudo-terminal ${device.path}${real !== device.path ? ` (${real})` : ''}: socat, a simulated board or another program holds its other end`;
  }
  if (device.unlisted) return `character device ${device.path}${device.resolvedPath ? ` (${device.resolvedPath})` : ''}, which this computer does not list as a serial port`;
  return `serial port ${device.path} (no USB ids: a built-in UART)`;
}

/**
 * What a port given by its path is (a USB board, a built-in UART, a pseudo-terminal), from the
 * port list when the OS lists it. A path that is missing or not a character device is refused in
 * one sentence, before anything opens it.
 */
export async function describePortPath(portPath: string, lister: PortLister = listRawPorts): Promise<SerialDeviceInfo> {
  let stats;
  let real: string;
  try {
    stats = await fs.stat(portPath);
    real = await fs.realpath(portPath);
  } catch {
    throw new StudioError('FILE_NOT_FOUND', worded`There is no serial port at '${portPath}': check the path, or ${LIST_PORTS} to see the ports.`, { port: portPath });
  }
  if (!stats.isCharacterDevice()) {
    const kind = specialFileKind(stats) ?? (stats.isDirectory() ? 'a directory' : 'a regular file');
    throw new StudioError('BAD_INPUT', `'${portPath}' is ${kind}, not a serial port: a serial port is a character device such as /dev/ttyUSB0 or /dev/ttyACM0.`, { port: portPath });
  }
  const resolved = real !== portPath ? { resolvedPath: real } : {};
  if (real.startsWith('/dev/pts/')) return { path: portPath, ...resolved };
  const listed = (await listSerialDevices(lister)).find((device) => device.path === real || device.path === portPath);
  return listed ? { ...listed, path: portPath, ...resolved } : { path: portPath, ...resolved, unlisted: true };
}

/** What identifies one board across re-enumeration. */
export interface DeviceIdentity {
  vendorId: string;
  productId: string;
  /** Tells two identical boards apart; without it the first board with the ids is taken. */
  serialNumber?: string;
}

export function identityOf(device: SerialDeviceInfo): DeviceIdentity | undefined {
  if (!device.vendorId || !device.productId) return undefined;
  return { vendorId: device.vendorId, productId: device.productId, ...(device.serialNumber && { serialNumber: device.serialNumber }) };
}

export function matchesIdentity(device: SerialDeviceInfo, identity: DeviceIdentity): boolean {
  return (
    device.vendorId === normalizeUsbId(identity.vendorId) &&
    device.productId === normalizeUsbId(identity.productId) &&
    (identity.serialNumber === undefined || device.serialNumber === identity.serialNumber)
  );
}

export interface WaitForDeviceOptions {
  /** Default 10000: a USB re-enumeration takes one to a few seconds. */
  timeoutMs?: number;
  /** Default 250. */
  pollMs?: number;
  signal?: AbortSignal;
  lister?: PortLister;
}

function describeIdentity(identity: DeviceIdentity): string {
  return `${identity.vendorId}:${identity.productId}${identity.serialNumber ? ` serial ${identity.serialNumber}` : ''}`;
}

/** Polls the port list until the board with this identity is back; its path may have changed. */
export async function waitForDevice(identity: DeviceIdentity, options: WaitForDeviceOptions = {}): Promise<SerialDeviceInfo> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const pollMs = options.pollMs ?? 250;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (options.signal?.aborted) {
      throw new StudioError('CANCELLED', `Waiting for the board ${describeIdentity(identity)} to come back was cancelled.`, { device: describeIdentity(identity) });
    }
    const found = (await listSerialDevices(options.lister)).find((device) => matchesIdentity(device, identity));
    if (found) return found;
    if (Date.now() + pollMs > deadline) break;
    await delay(pollMs, options.signal);
  }
  throw new StudioError(
    'DEVICE',
    worded`The board ${describeIdentity(identity)} did not come back within ${timeoutMs / 1000} s: check the cable, press its reset button, and ${LIST_PORTS}.`,
    { device: describeIdentity(identity) },
    { detail: { kind: 'device-gone', device: describeIdentity(identity) } },
  );
}
