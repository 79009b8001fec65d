/**
 * Serial ports read straight from Linux's sysfs, for machines without udevadm (containers, CI
 * runners), where serialport 13's Linux lister fails with "spawn udevadm ENOENT". It reports what
 * that lister takes from udev's database, from the files udev itself reads:
 *
 * - which ports: the ttys whose name serialport's lister accepts (ttyS, ttyWCH, ttyACM, ttyUSB,
 *   ttyAMA, ttyMFD, ttyO, ttyXRUSB, rfcomm) and that have a device behind them (/sys/class/tty/NAME/device);
 * - DEVNAME from the tty's uevent (the /dev path), else /dev/NAME;
 * - ID_VENDOR_ID, ID_MODEL_ID, ID_SERIAL_SHORT, ID_VENDOR_ENC: idVendor, idProduct, serial and
 *   manufacturer of the USB device the tty hangs off (the nearest ancestor holding idVendor: the
 *   interface's parent for ttyACM, one level more for a usb-serial ttyUSB), plus its product string.
 *
 * One deliberate difference: a serial-core port whose `type` is 0 (PORT_UNKNOWN: the kernel found
 * no UART there, the ttyS1-ttyS31 placeholders of many PCs) is left out; udev lists those and
 * serialport passes them on, though nothing can be opened on them.
 * Pseudo-terminals (/dev/pts/N) have no entry in /sys/class/tty, so neither lister shows them.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { RawPortInfo } from './list-ports';

export interface SysfsOptions {
  /** The sysfs mount point; tests pass a tree they built. Default /sys. */
  sysRoot?: string;
}

/** serialport 13's own test of a udev device name (bindings-cpp linux-list.js, checkPathOfDevice). */
const SERIAL_NAME = /(tty(S|WCH|ACM|USB|AMA|MFD|O|XRUSB)|rfcomm)/;
/** uart_port type 0: no UART was detected at this port (include/uapi/linux/serial_core.h). */
const PORT_UNKNOWN = '0';
/** From a tty's device up to its USB device: interface → device is 1, usb-serial port → interface → device is 2. */
const MAX_USB_HOPS = 4;

export async function listSysfsSerialPorts(options: SysfsOptions = {}): Promise<RawPortInfo[]> {
  const classDir = path.join(options.sysRoot ?? '/sys', 'class', 'tty');
  let names: string[];
  try {
    names = await fs.readdir(classDir);
  } catch (error) {
    // No /sys/class/tty (not Linux, or sysfs not mounted): there is nothing to list.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const ports = await Promise.all(names.filter((name) => SERIAL_NAME.test(name)).map((name) => readPort(path.join(classDir, name), name)));
  return ports.filter((port): port is RawPortInfo => port !== null);
}

async function readPort(ttyDir: string, name: string): Promise<RawPortInfo | null> {
  let deviceDir: string;
  try {
    deviceDir = await fs.realpath(path.join(ttyDir, 'device'));
  } catch {
    return null; // a virtual tty: nothing behind it
  }
  if ((await readAttribute(ttyDir, 'type')) === PORT_UNKNOWN) return null;
  const devName = uevent(await readAttribute(ttyDir, 'uevent'), 'DEVNAME') ?? name;
  const port: RawPortInfo = { path: path.posix.join('/dev', devName) };
  const usb = await findUsbDevice(deviceDir);
  if (usb === null) return port;
  const [vendorId, productId, serialNumber, manufacturer, product] = await Promise.all(
    ['idVendor', 'idProduct', 'serial', 'manufacturer', 'product'].map((attribute) => readAttribute(usb, attribute)),
  );
  return {
    ...port,
    ...(vendorId && { vendorId }),
    ...(productId && { productId }),
    ...(serialNumber && { serialNumber }),
    ...(manufacturer && { manufacturer }),
    ...(product && { product }),
  };
}

/** The nearest ancestor of a tty's device that is a USB device (has idVendor and idProduct), or null. */
async function findUsbDevice(deviceDir: string): Promise<string | null> {
  let dir = deviceDir;
  for (let hop = 0; hop <= MAX_USB_HOPS; hop++) {
    if ((await readAttribute(dir, 'idVendor')) !== undefined && (await readAttribute(dir, 'idProduct')) !== undefined) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

/** A sysfs attribute's text without its trailing newline; undefined when absent or unreadable. */
async function readAttribute(dir: string, name: string): Promise<string | undefined> {
  try {
    const text = (await fs.readFile(path.join(dir, name), 'utf8')).trim();
    return text === '' ? undefined : text;
  } catch {
    return undefined;
  }
}

function uevent(text: string | undefined, key: string): string | undefined {
  const line = text?.split('\n').find((l) => l.startsWith(`${key}=`));
  return line?.slice(key.length + 1) || undefined;
}
