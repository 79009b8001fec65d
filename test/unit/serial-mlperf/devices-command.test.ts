import { realpathSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { deviceRows, devicesCommand, devicesTable } from '../../../src/cli/commands/devices';
import type { CommandIo } from '../../../src/cli/io';
import { listSerialDevices } from '../../../src/core/targets/serial/discovery/list-ports';
import { startPtyPair } from '../../../src/core/targets/serial/transport/pty-pair';

function io(): CommandIo & { stdout: string[] } {
  const stdout: string[] = [];
  return { stdout, out: (t) => stdout.push(t), err: () => undefined, stderrIsTty: false, signal: new AbortController().signal };
}

const lab = () =>
  listSerialDevices(async () => [
    { path: '/dev/ttyACM0', vendorId: '303a', productId: '1001', serialNumber: 'F4:12:FA:00:11:22', manufacturer: 'Espressif' },
    { path: '/dev/ttyS0' },
  ]);

describe('edgebench devices list', () => {
  test('--json rows carry every key, null when the OS does not say', async () => {
    expect(deviceRows(await lab())).toEqual([
      { path: '/dev/ttyACM0', vendorId: '303a', productId: '1001', serialNumber: 'F4:12:FA:00:11:22', manufacturer: 'Espressif', recognizedAs: 'Espressif ESP32-S3/C3/C6 (native USB-Serial/JTAG)' },
      { path: '/dev/ttyS0', vendorId: null, productId: null, serialNumber: null, manufacturer: null, recognizedAs: null },
    ]);
  });

  test('the table for people says what was found on each port', async () => {
    const text = devicesTable(await lab());
    expect(text.split('\n')[0]).toMatch(/^PATH\s+USB ID\s+SERIAL\s+MANUFACTURER$/);
    expect(text).toContain('/dev/ttyACM0  303a:1001  F4:12:FA:00:11:22  Espressif');
    expect(text).toContain('Found: Espressif ESP32-S3/C3/C6 (native USB-Serial/JTAG) on /dev/ttyACM0');
    expect(devicesTable([])).toContain('pseudo-terminals are not listed, pass their path directly');
  });

  test("on this machine's real ports, --json prints an array of rows", async () => {
    const out = io();
    expect(await devicesCommand(['list', '--json'], out)).toBe(0);
    const rows = JSON.parse(out.stdout.join('')) as Array<Record<string, unknown>>;
    expect(Array.isArray(rows)).toBe(true);
    for (const row of rows) expect(Object.keys(row)).toEqual(['path', 'vendorId', 'productId', 'serialNumber', 'manufacturer', 'recognizedAs']);
  });

  test('--help says pseudo-terminals are not listed; an unknown subcommand is refused', async () => {
    const out = io();
    await devicesCommand(['--help'], out);
    expect(out.stdout.join('')).toContain('Pseudo-terminals (socat, the simulated board) are not listed: pass their path directly');
    await expect(devicesCommand(['flash'], io())).rejects.toThrow("'edgebench devices flash' is not a devices command; the one there is: edgebench devices list [PORT...] [--json].");
  });

  test('with a path, says what that port is: a socat pseudo-terminal is one, with the same JSON keys', async () => {
    const pty = await startPtyPair();
    try {
      const out = io();
      expect(await devicesCommand(['list', pty.hostPath], out)).toBe(0);
      expect(out.stdout.join('')).toContain(`Found: pseudo-terminal ${pty.hostPath} (${realpathSync(pty.hostPath)})`);
      const json = io();
      expect(await devicesCommand(['list', pty.hostPath, '--json'], json)).toBe(0);
      expect(JSON.parse(json.stdout.join(''))).toEqual([{ path: pty.hostPath, vendorId: null, productId: null, serialNumber: null, manufacturer: null, recognizedAs: null }]);
    } finally {
      await pty.stop();
    }
  });
});
