/**
 * The serial ports this computer sees, with the board each one probably is, and the way back to
 * the same board after it re-enumerates (a reset into the ROM bootloader or a replug can give it
 * another path: /dev/ttyACM0 becomes /dev/ttyACM1).
 *
 * Pseudo-terminals (socat, the simulated board) are not listed: SerialPort.list() only sees
 * devices the OS enumerates. Users pass their path directly.
 */
import { SerialPort } from 'serialport';
import { StudioError } from '../../../../shared/errors';
import { delay } from '../transport/bounded';
import { normalizeUsbId, recognizeUsbBoard, type BoardFamily } from './usb-ids';

export interface SerialDeviceInfo {
  path: string;
  /** Lower-case hex, e.g. "10c4"; undefined for built-in UARTs. */
  vendorId?: string;
  productId?: string;
  serialNumber?: string;
  manufacturer?: string;
  /** What the USB ids say the board is, e.g. "Silicon Labs CP210x USB-UART (ESP32 dev boards)". */
  recognizedAs?: string;
  family?: BoardFamily;
}

/** The shape SerialPort.list() returns; tests and other platforms can give their own lister. */
export interface RawPortInfo {
  path: string;
  vendorId?: string;
  productId?: string;
  serialNumber?: string;
  manufacturer?: string;
}
export type PortLister = () => Promise<RawPortInfo[]>;

export const listRawPorts: PortLister = () => SerialPort.list();

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
  if (device.vendorId) return `USB serial device ${device.vendorId}:${device.productId ?? '????'}${device.manufacturer ? ` (${device.manufacturer})` : ''} on ${device.path}`;
  return `serial port ${device.path} (no USB ids: a built-in UART)`;
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
    'RUNNER',
    `The board ${describeIdentity(identity)} did not come back within ${timeoutMs / 1000} s: check the cable, press its reset button, and run 'edgebench devices list'.`,
    { device: describeIdentity(identity), kind: 'device-gone' },
  );
}
