/**
 * Reconnecting a stored serial target after its board re-enumerates under another path. No USB
 * board is attached here, so the port list is scripted (what Linux reports while a board goes
 * and comes back, as in the discovery tests), while the ports themselves are REAL socat
 * pseudo-terminals with an MLPerf Tiny emulator on each: the first pair vanishes, a second
 * pair is "the same board" under a new path.
 */
import { afterEach, expect, it } from 'vitest';
import type { RawPortInfo } from '../../../src/core/targets/serial/discovery/list-ports';
import { MlperfTinyEmulator } from '../../../src/core/targets/serial/mlperf-tiny/emulator';
import { connectMlperfTarget } from '../../../src/core/targets/serial/serial-connect';
import { startPtyPair, type PtyPair } from '../../../src/core/targets/serial/transport/pty-pair';
import { openSerialPortTransport, type SerialPortTransport } from '../../../src/core/targets/serial/transport/serialport-transport';
import type { SerialTargetConfig } from '../../../src/shared/targets';

const BAUD = 115200;
const ST_LINK = { vendorId: '0483', productId: '374B', serialNumber: '066DFF535155878281151932', manufacturer: 'STMicroelectronics' };
const pairs: PtyPair[] = [];
const devices: SerialPortTransport[] = [];

afterEach(async () => {
  await Promise.all(devices.splice(0).map((d) => d.close().catch(() => undefined)));
  await Promise.all(pairs.splice(0).map((p) => p.stop()));
});

/** A pty pair with a booted MLPerf Tiny emulator named `name` on its device end. */
async function board(name: string): Promise<PtyPair> {
  const pair = await startPtyPair();
  pairs.push(pair);
  const device = await openSerialPortTransport({ path: pair.devicePath, baudRate: BAUD });
  devices.push(device);
  await new MlperfTinyEmulator(device, { vendorName: name }).boot();
  return pair;
}

function target(path: string): SerialTargetConfig {
  return { kind: 'serial', name: 'NUCLEO', path, baudRate: BAUD, protocol: 'mlperf-tiny' };
}

it('finds the board by VID/PID/serial number under its new path, and says so in the log', async () => {
  const first = await board('nucleo-before');
  let ports: RawPortInfo[] = [{ path: first.hostPath, ...ST_LINK }];
  const lister = async (): Promise<RawPortInfo[]> => ports;

  const before = await connectMlperfTarget(target(first.hostPath), { knownHostsFile: '' }, { lister });
  expect(before.client.identity?.name).toBe('nucleo-before');
  await before.close();

  // The board resets into its bootloader: its port vanishes, and for two polls nothing is back.
  await first.stop();
  const second = await board('nucleo-after');
  let polls = 0;
  const other: RawPortInfo = { path: '/dev/ttyACM0', ...ST_LINK, serialNumber: 'ANOTHER-NUCLEO' };
  ports = [other];
  const log: string[] = [];
  const after = await connectMlperfTarget(
    target(first.hostPath),
    { knownHostsFile: '', onLog: (direction, text) => direction === 'info' && log.push(text) },
    {
      pollMs: 5,
      timeoutMs: 5000,
      lister: async () => (++polls < 3 ? ports : [other, { path: second.hostPath, ...ST_LINK }]),
    },
  );
  try {
    expect(after.client.identity?.name).toBe('nucleo-after');
    expect(after.client.port).toBe(second.hostPath);
    expect(log).toContain(`${first.hostPath} is gone; waiting up to 5 s for the board (USB 0483:374b, serial number ${ST_LINK.serialNumber}) to come back.`);
    expect(log).toContain(`${first.hostPath} is gone; the board came back as ${second.hostPath}.`);
  } finally {
    await after.close();
  }
});

it('a board that does not come back fails within the bound, with a sentence saying what to do', async () => {
  const gone = await board('nucleo');
  await gone.stop();
  const log: string[] = [];
  const error = await connectMlperfTarget(
    target(gone.hostPath),
    { knownHostsFile: '', onLog: (_direction, text) => log.push(text) },
    // The identity as a target's config would give it.
    { identity: { vendorId: '303a', productId: '1001' }, pollMs: 5, timeoutMs: 100, lister: async () => [] },
  ).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).message).toBe(
    "The board 303a:1001 did not come back within 0.1 s: check the cable, press its reset button, and run 'edgebench devices list'.",
  );
  expect(log).toEqual([`${gone.hostPath} is gone; waiting up to 0.1 s for the board (USB 303a:1001) to come back.`]);
});

it('a vanished port whose board was never seen is not waited for: the open says the port is missing', async () => {
  const log: string[] = [];
  const error = await connectMlperfTarget(target('/dev/ttyACM97'), { knownHostsFile: '', onLog: (_direction, text) => log.push(text) }, { lister: async () => [] }).catch(
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).message).toMatch(/^The serial port '\/dev\/ttyACM97' does not exist: check the cable/);
  expect(log.some((line) => line.includes('is gone'))).toBe(false);
});
