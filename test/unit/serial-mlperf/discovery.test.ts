/**
 * Board recognition by USB ids, the device list, and finding a board again after it
 * re-enumerates. No USB board is attached here, so re-enumeration is played by a lister that
 * returns what Linux reports while a board disappears and comes back under another path, and
 * the sysfs reader (for machines without udevadm) is run on a sysfs tree the test builds.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
  describeDevice,
  describePortPath,
  findOnPath,
  listSerialDevices,
  systemPortLister,
  waitForDevice,
  type RawPortInfo,
} from '../../../src/core/targets/serial/discovery/list-ports';
import { listSysfsSerialPorts } from '../../../src/core/targets/serial/discovery/sysfs-ports';
import { recognizeUsbBoard } from '../../../src/core/targets/serial/discovery/usb-ids';
import { startPtyPair } from '../../../src/core/targets/serial/transport/pty-pair';
import { StudioError } from '../../../src/shared/errors';

describe('board recognition by USB VID/PID', () => {
  test.each([
    ['303a', '1001', 'Espressif ESP32-S3/C3/C6 (native USB-Serial/JTAG)', 'esp32'],
    ['303A', '0002', 'Espressif ESP32-S2/S3 (native USB-OTG)', 'esp32'],
    ['10c4', 'ea60', 'Silicon Labs CP210x USB-UART (ESP32 dev boards)', 'usb-uart'],
    ['1a86', '7523', 'WCH CH340 USB-UART (ESP32 and Arduino-compatible boards)', 'usb-uart'],
    ['1a86', '55d4', 'WCH CH9102 USB-UART (ESP32 dev boards)', 'usb-uart'],
    ['0403', '6001', 'FTDI FT232R USB-UART', 'usb-uart'],
    ['0403', '6010', 'FTDI FT2232 dual USB-UART (ESP-WROVER-KIT, JTAG adapters)', 'usb-uart'],
    ['0403', '6014', 'FTDI FT232H USB-UART', 'usb-uart'],
    ['0403', '6015', 'FTDI FT-X USB-UART', 'usb-uart'],
    ['0483', '374b', 'STM32 board (ST-LINK/V2-1 virtual COM port)', 'stm32'],
    ['0483', '374e', 'STM32 board (STLINK-V3 virtual COM port)', 'stm32'],
    ['0483', '374f', 'STM32 board (STLINK-V3 virtual COM port)', 'stm32'],
    ['0483', '3752', 'STM32 board (ST-LINK/V2-1 virtual COM port)', 'stm32'],
    ['0483', '3753', 'STM32 board (STLINK-V3 virtual COM port)', 'stm32'],
    ['2341', '0043', 'Arduino board', 'arduino'],
  ])('%s:%s is %s', (vid, pid, name, family) => {
    expect(recognizeUsbBoard(vid, pid)).toMatchObject({ name, family });
  });

  test('unknown ids and missing ids are not guessed', () => {
    expect(recognizeUsbBoard('1234', '5678')).toBeUndefined();
    expect(recognizeUsbBoard('0483', '3748')).toBeUndefined(); // ST-LINK/V2 has no virtual COM port
    expect(recognizeUsbBoard(undefined, undefined)).toBeUndefined();
  });
});

const cp2102: RawPortInfo = { path: '/dev/ttyUSB0', vendorId: '10C4', productId: 'EA60', serialNumber: '0001', manufacturer: 'Silicon Labs' };
const s3: RawPortInfo = { path: '/dev/ttyACM0', vendorId: '303a', productId: '1001', serialNumber: 'F4:12:FA:00:11:22', manufacturer: 'Espressif' };

describe('the device list', () => {
  test('says what it found on each port, sorted by path', async () => {
    const devices = await listSerialDevices(async () => [cp2102, s3, { path: '/dev/ttyS0' }]);
    expect(devices.map(describeDevice)).toEqual([
      'Espressif ESP32-S3/C3/C6 (native USB-Serial/JTAG) on /dev/ttyACM0',
      'serial port /dev/ttyS0 (no USB ids: a built-in UART)',
      'Silicon Labs CP210x USB-UART (ESP32 dev boards) on /dev/ttyUSB0',
    ]);
    expect(devices[2]).toEqual({
      path: '/dev/ttyUSB0',
      vendorId: '10c4',
      productId: 'ea60',
      serialNumber: '0001',
      manufacturer: 'Silicon Labs',
      recognizedAs: 'Silicon Labs CP210x USB-UART (ESP32 dev boards)',
      family: 'usb-uart',
    });
  });

  test("this machine's real port list comes back without throwing", async () => {
    const devices = await listSerialDevices();
    expect(Array.isArray(devices)).toBe(true);
    for (const device of devices) expect(device.path).toMatch(/^\/dev\//);
  });

  test('a lister that fails becomes one sentence saying to give the path', async () => {
    await expect(listSerialDevices(async () => Promise.reject(new Error('udev is gone')))).rejects.toThrow(
      "The serial ports of this computer could not be listed (udev is gone); give the port's path directly, e.g. serial:///dev/ttyUSB0.",
    );
  });
});

describe('reconnection after re-enumeration', () => {
  test('finds the same board by VID/PID/serial number under its new path', async () => {
    const other = { ...s3, path: '/dev/ttyACM0', serialNumber: 'OTHER' };
    const timeline: RawPortInfo[][] = [[other], [other], [other, { ...s3, path: '/dev/ttyACM1' }]];
    let polls = 0;
    const found = await waitForDevice(
      { vendorId: '303a', productId: '1001', serialNumber: s3.serialNumber },
      { pollMs: 5, timeoutMs: 2000, lister: async () => timeline[Math.min(polls++, timeline.length - 1)] ?? [] },
    );
    expect(found.path).toBe('/dev/ttyACM1');
    expect(polls).toBe(3);
  });

  test('gives up after its timeout with a sentence that says what to check', async () => {
    const error = await waitForDevice({ vendorId: '10c4', productId: 'ea60', serialNumber: 'X' }, { pollMs: 5, timeoutMs: 40, lister: async () => [cp2102] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StudioError);
    expect((error as StudioError).message).toBe(
      "The board 10c4:ea60 serial X did not come back within 0.04 s: check the cable, press its reset button, and run 'edgebench devices list'.",
    );
  });
});

/**
 * A sysfs tree as Linux lays it out, built in a temp folder because this VM has no USB serial
 * device: a CP2102 on ttyUSB0 (usb-serial: tty → port device → interface → USB device), an
 * ESP32-S3's native USB on ttyACM0 (cdc-acm: tty → interface → USB device), a real 16550A on ttyS0,
 * a placeholder ttyS1 with no UART (type 0), and a virtual console with no device behind it.
 */
function fakeSysfs(): string {
  const sys = mkdtempSync(path.join(tmpdir(), 'edgebench-sysfs-'));
  const put = (file: string, text: string): void => {
    mkdirSync(path.dirname(path.join(sys, file)), { recursive: true });
    writeFileSync(path.join(sys, file), `${text}\n`);
  };
  const tty = (name: string, deviceDir: string | null, attributes: Record<string, string> = {}): void => {
    const classEntry = path.join(sys, 'class/tty', name);
    const real = path.join(sys, deviceDir ?? 'devices/virtual/tty', ...(deviceDir ? ['tty'] : []), name);
    mkdirSync(real, { recursive: true });
    mkdirSync(path.dirname(classEntry), { recursive: true });
    symlinkSync(path.relative(path.dirname(classEntry), real), classEntry);
    writeFileSync(path.join(real, 'uevent'), `MAJOR=188\nMINOR=0\nDEVNAME=${name}\n`);
    for (const [key, value] of Object.entries(attributes)) writeFileSync(path.join(real, key), `${value}\n`);
    if (deviceDir) symlinkSync(path.relative(real, path.join(sys, deviceDir)), path.join(real, 'device'));
  };
  const usb = (dir: string, ids: Record<string, string>): void => {
    for (const [key, value] of Object.entries(ids)) put(`${dir}/${key}`, value);
  };
  usb('devices/pci0000:00/0000:00:14.0/usb1/1-2', { idVendor: '10c4', idProduct: 'ea60', serial: '0001', manufacturer: 'Silicon Labs', product: 'CP2102 USB to UART Bridge Controller' });
  put('devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/bInterfaceNumber', '00');
  tty('ttyUSB0', 'devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/ttyUSB0');
  usb('devices/pci0000:00/0000:00:14.0/usb1/1-3', { idVendor: '303a', idProduct: '1001', serial: 'F4:12:FA:00:11:22', manufacturer: 'Espressif', product: 'USB JTAG/serial debug unit' });
  tty('ttyACM0', 'devices/pci0000:00/0000:00:14.0/usb1/1-3/1-3:1.0');
  tty('ttyS0', 'devices/pnp0/00:04', { type: '4' });
  tty('ttyS1', 'devices/platform/serial8250', { type: '0' });
  tty('tty0', null);
  tty('console', null);
  return sys;
}

describe('ports read from sysfs (no udevadm)', () => {
  let sys: string;
  beforeAll(() => {
    sys = fakeSysfs();
  });
  afterAll(() => rmSync(sys, { recursive: true, force: true }));

  test('finds USB boards with their ids and strings, and real UARTs, as serialport would from udev', async () => {
    const ports = await listSysfsSerialPorts({ sysRoot: sys });
    expect(ports.sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: '/dev/ttyACM0', vendorId: '303a', productId: '1001', serialNumber: 'F4:12:FA:00:11:22', manufacturer: 'Espressif', product: 'USB JTAG/serial debug unit' },
      { path: '/dev/ttyS0' },
      { path: '/dev/ttyUSB0', vendorId: '10c4', productId: 'ea60', serialNumber: '0001', manufacturer: 'Silicon Labs', product: 'CP2102 USB to UART Bridge Controller' },
    ]);
  });

  test('the device list recognizes the boards read from sysfs', async () => {
    const devices = await listSerialDevices(() => listSysfsSerialPorts({ sysRoot: sys }));
    expect(devices.map(describeDevice)).toEqual([
      'Espressif ESP32-S3/C3/C6 (native USB-Serial/JTAG) on /dev/ttyACM0',
      'serial port /dev/ttyS0 (no USB ids: a built-in UART)',
      'Silicon Labs CP210x USB-UART (ESP32 dev boards) on /dev/ttyUSB0',
    ]);
  });

  test('an unknown USB adapter is described by its manufacturer and product strings', () => {
    expect(describeDevice({ path: '/dev/ttyUSB3', vendorId: '1234', productId: '5678', manufacturer: 'Acme', product: 'Widget UART' })).toBe(
      'USB serial device 1234:5678 (Acme Widget UART) on /dev/ttyUSB3',
    );
  });

  test('with no sysfs at all there is nothing to list, and no error', async () => {
    expect(await listSysfsSerialPorts({ sysRoot: path.join(sys, 'missing') })).toEqual([]);
  });
});

describe("this computer's port lister, with and without udevadm", () => {
  const savedPath = process.env.PATH;
  let bin: string;
  beforeAll(() => {
    bin = mkdtempSync(path.join(tmpdir(), 'edgebench-bin-'));
  });
  afterEach(() => {
    process.env.PATH = savedPath;
  });
  afterAll(() => rmSync(bin, { recursive: true, force: true }));

  test('with udevadm off the PATH it reads sysfs: the same ports as /sys shows, never "spawn udevadm ENOENT"', async () => {
    // Only folders without udevadm stay on the PATH (this VM has none anyway; a developer's machine may).
    process.env.PATH = (savedPath ?? '').split(path.delimiter).filter((dir) => !existsSync(path.join(dir, 'udevadm'))).join(path.delimiter);
    expect(findOnPath('udevadm')).toBeUndefined();
    const expected = await listSysfsSerialPorts({ sysRoot: '/sys' });
    expect(await systemPortLister({ sysRoot: '/sys' })()).toEqual(expected);
    // And what the default lister gives (the Devices page and `edgebench devices list` use it).
    expect((await listSerialDevices()).map((d) => d.path)).toEqual(expected.map((p) => p.path).sort((a, b) => a.localeCompare(b, 'en', { numeric: true })));
  });

  test('with a udevadm that fails (no udev database in a container) it falls back to sysfs', async () => {
    writeFileSync(path.join(bin, 'udevadm'), '#!/bin/sh\necho "Failed to open udev database" >&2\nexit 1\n', { mode: 0o755 });
    process.env.PATH = `${bin}${path.delimiter}${savedPath ?? ''}`;
    const sys = fakeSysfs();
    try {
      expect((await systemPortLister({ sysRoot: sys })()).map((p) => p.path).sort()).toEqual(['/dev/ttyACM0', '/dev/ttyS0', '/dev/ttyUSB0']);
    } finally {
      rmSync(sys, { recursive: true, force: true });
    }
  });

  test("with a working udevadm it is serialport's own lister that answers", async () => {
    // `udevadm info -e` output for one CP2102, in udev's export format.
    const udevDb = [
      'P: /devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/ttyUSB7/tty/ttyUSB7',
      'N: ttyUSB7',
      'E: DEVNAME=/dev/ttyUSB7',
      'E: ID_VENDOR_ID=10c4',
      'E: ID_MODEL_ID=ea60',
      'E: ID_SERIAL_SHORT=udev-serial',
      'E: ID_VENDOR_ENC=Silicon\\x20Labs',
      '',
    ].join('\n');
    writeFileSync(path.join(bin, 'udevadm'), `#!/bin/sh\ncat <<'EOF'\n${udevDb}EOF\n`, { mode: 0o755 });
    process.env.PATH = `${bin}${path.delimiter}${savedPath ?? ''}`;
    const ports = await systemPortLister({ sysRoot: path.join(bin, 'no-sysfs') })();
    expect(ports).toMatchObject([{ path: '/dev/ttyUSB7', vendorId: '10c4', productId: 'ea60', serialNumber: 'udev-serial', manufacturer: 'Silicon Labs' }]);
  });
});

describe('a port given by its path', () => {
  test('a real pseudo-terminal from socat is not listed, and given by path it is described as one', async () => {
    const pty = await startPtyPair();
    try {
      const real = realpathSync(pty.hostPath);
      expect(real).toMatch(/^\/dev\/pts\/\d+$/);
      expect((await listSerialDevices()).map((d) => d.path)).not.toContain(real);
      const device = await describePortPath(pty.hostPath);
      expect(device).toEqual({ path: pty.hostPath, resolvedPath: real });
      expect(describeDevice(device)).toBe(`pseudo-terminal ${pty.hostPath} (${real}): socat, a simulated board or another program holds its other end`);
    } finally {
      await pty.stop();
    }
  });

  test('a path that is a FIFO, a regular file or missing is refused in one sentence before anything opens it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'edgebench-port-'));
    try {
      const fifo = path.join(dir, 'port.fifo');
      execFileSync('mkfifo', [fifo]);
      await expect(describePortPath(fifo)).rejects.toThrow(`'${fifo}' is a FIFO (named pipe), not a serial port: a serial port is a character device such as /dev/ttyUSB0 or /dev/ttyACM0.`);
      const file = path.join(dir, 'notes.txt');
      writeFileSync(file, 'x');
      await expect(describePortPath(file)).rejects.toThrow(`'${file}' is a regular file, not a serial port`);
      await expect(describePortPath(path.join(dir, 'ttyUSB9'))).rejects.toThrow(`There is no serial port at '${path.join(dir, 'ttyUSB9')}': check the path, or run 'edgebench devices list' to see the ports.`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a character device the OS does not list as a serial port says so', async () => {
    const device = await describePortPath('/dev/null', async () => []);
    expect(describeDevice(device)).toBe('character device /dev/null, which this computer does not list as a serial port');
  });
});
