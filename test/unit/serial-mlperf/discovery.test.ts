/**
 * Board recognition by USB ids, the device list, and finding a board again after it
 * re-enumerates. No USB board is attached here, so re-enumeration is played by a lister that
 * returns what Linux reports while a board disappears and comes back under another path.
 */
import { describe, expect, test } from 'vitest';
import { describeDevice, listSerialDevices, waitForDevice, type RawPortInfo } from '../../../src/core/targets/serial/discovery/list-ports';
import { recognizeUsbBoard } from '../../../src/core/targets/serial/discovery/usb-ids';
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
