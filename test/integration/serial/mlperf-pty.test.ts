/**
 * MLPerf Tiny over REAL pseudo-terminals: socat joins two ptys; the MLPerf Tiny EMULATOR sits on
 * one end (opened with serialport, like a board's UART), the client on the other through the
 * serialport transport. socat must be installed (CI installs it); without it these tests fail
 * with a sentence that says so.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { runAccuracy } from '../../../src/core/targets/serial/mlperf-tiny/accuracy';
import { connectMlperfTiny } from '../../../src/core/targets/serial/mlperf-tiny/connect';
import { MlperfTinyClient } from '../../../src/core/targets/serial/mlperf-tiny/dut-client';
import { MlperfTinyEmulator, type MlperfTinyEmulatorOptions } from '../../../src/core/targets/serial/mlperf-tiny/emulator';
import { runPerformance } from '../../../src/core/targets/serial/mlperf-tiny/performance';
import { parseSerialTargetSpec } from '../../../src/core/targets/serial/target-spec';
import { startPtyPair, type PtyPair } from '../../../src/core/targets/serial/transport/pty-pair';
import type { SerialLogEntry } from '../../../src/core/targets/serial/transport/serial-log';
import { openSerialPortTransport, type SerialPortTransport } from '../../../src/core/targets/serial/transport/serialport-transport';

const BAUD = 115200;
const open: SerialPortTransport[] = [];
let pty: PtyPair | undefined;

afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close().catch(() => undefined)));
  await pty?.stop();
  pty = undefined;
});

async function board(options: MlperfTinyEmulatorOptions = {}) {
  pty = await startPtyPair();
  const device = await openSerialPortTransport({ path: pty.devicePath, baudRate: BAUD });
  open.push(device);
  const emulator = new MlperfTinyEmulator(device, options);
  const log: SerialLogEntry[] = [];
  const host = await openSerialPortTransport({ path: pty.hostPath, baudRate: BAUD, dtr: false, rts: false, log: (entry) => log.push(entry) });
  open.push(host);
  return { emulator, host, log, pty };
}

describe('MLPerf Tiny DUT over a pseudo-terminal pair', () => {
  test('identifies the board after boot noise, with every byte in the Rx/Tx log', async () => {
    const { emulator, host, log } = await board({ vendorName: 'stm32-nucleo', model: 'vww01', bootNoise: new Uint8Array([0xff, 0x00, 0x8a, 0x13, 0x0d, 0x0a, 0x45, 0x53, 0x50, 0x2d, 0x52, 0x4f, 0x4d, 0x0d, 0x0a]) });
    const connecting = MlperfTinyClient.connect(host, { port: 'pty', quietMs: 100 });
    await emulator.boot();
    const client = await connecting;
    expect(client.identity).toEqual({ name: 'stm32-nucleo', role: 'dut', profile: 'ULPMark for tinyML Firmware V0.0.1', model: 'vww01' });
    const tx = log.filter((e) => e.direction === 'tx').map((e) => e.text);
    expect(tx).toContain('tx 5 B  6e 61 6d 65 25  |name%|');
    const rx = log.filter((e) => e.direction === 'rx').map((e) => e.text).join('\n');
    expect(rx).toContain('ff 00 8a 13 0d 0a');
    expect(log.some((e) => e.direction === 'info' && e.text.includes('no modem control lines'))).toBe(true);
  });

  test('performance mode with short windows and accuracy on a few samples', async () => {
    const { emulator, host } = await board({ latencyUs: 4000, scores: (input) => [input[0] === 1 ? 0.2 : 0.8, input[0] === 1 ? 0.8 : 0.2] });
    await emulator.boot();
    const client = await MlperfTinyClient.connect(host, { port: 'pty', quietMs: 100 });

    const performance = await runPerformance(client, new Uint8Array(200).map((_, i) => i % 256), { minWindowMs: 1000, warmups: 2 });
    if (performance.state !== 'completed') throw new Error(performance.error.message);
    expect(performance.result.windows).toHaveLength(5);
    expect(performance.result.windows.every((w) => w.deviceTimeMs >= 1000)).toBe(true);
    expect(performance.result.medianLatencyMs).toBeCloseTo(4, 9);
    expect(emulator.commands.filter((c) => c.startsWith('db ') && c !== 'db load 200')).toHaveLength(Math.ceil(200 / 31));

    const accuracy = await runAccuracy(client, [
      { input: new Uint8Array([1, 0, 0]), label: 1 },
      { input: new Uint8Array([0, 0, 0]), label: 0 },
      { input: new Uint8Array([0, 1, 1]), label: 1 },
    ]);
    if (accuracy.state !== 'completed') throw new Error(accuracy.error.message);
    expect(accuracy.result).toMatchObject({ samples: 3, correct: 2 });
    expect(accuracy.result.top1).toBeCloseTo(2 / 3, 9);
  });

  test("an e-[...] from the board is answered with one clear sentence", async () => {
    const { emulator, host } = await board({ errors: { db: 'Tensor arena exhausted' } });
    await emulator.boot();
    const client = await MlperfTinyClient.connect(host, { port: pty?.hostPath ?? 'pty', quietMs: 100 });
    const outcome = await runAccuracy(client, [{ input: new Uint8Array([1]), label: 0 }]);
    expect(outcome.state).toBe('interrupted');
    if (outcome.state !== 'interrupted') return;
    expect(outcome.error.message).toBe(
      `The board on ${pty?.hostPath} refused 'db load 1%' ("Tensor arena exhausted"): check that its firmware matches the model and its input size, then run again.`,
    );
  });

  test('the port vanishing mid-run (socat killed): a clear error, finished windows kept, no hang', async () => {
    // 1 wall ms per device ms, so socat is gone long before the third window could finish.
    const { emulator, host, pty: pair } = await board({ latencyUs: 1000, realTimeScale: 1 });
    await emulator.boot();
    const client = await MlperfTinyClient.connect(host, { port: pair.hostPath, quietMs: 100 });
    const closed = new Promise<Error | undefined>((resolve) => host.onClose(resolve));
    const outcome = await runPerformance(client, new Uint8Array(4), {
      minWindowMs: 150,
      warmups: 0,
      onWindow: (_w, index) => {
        if (index === 1) void pair.stop();
      },
    });
    expect(outcome.state).toBe('interrupted');
    if (outcome.state !== 'interrupted') return;
    expect(outcome.windows).toHaveLength(2);
    expect(outcome.windows.every((w) => w.deviceTimeMs >= 150)).toBe(true);
    expect(outcome.error.message).toBe(
      `The serial port '${pair.hostPath}' vanished (the board was unplugged or reset into another USB mode, or the pseudo-terminal closed): reconnect the board and run again.`,
    );
    expect(outcome.error.context).toMatchObject({ port: pair.hostPath });
    expect(outcome.error.detail).toMatchObject({ kind: 'port-vanished', port: pair.hostPath });
    expect((await closed)?.message).toBe(outcome.error.message);
  });
});

describe('connecting from a target spec over a pseudo-terminal', () => {
  test('baud=auto keeps the first rate the board answers at, already identified', async () => {
    pty = await startPtyPair();
    const device = await openSerialPortTransport({ path: pty.devicePath, baudRate: BAUD });
    open.push(device);
    await new MlperfTinyEmulator(device, { vendorName: 'auto-board' }).boot();
    const connection = await connectMlperfTiny(parseSerialTargetSpec(`serial://${pty.hostPath}?baud=auto&protocol=mlperf-tiny`), { client: { quietMs: 100 } });
    expect(connection.baudRate).toBe(921600);
    expect(connection.client.identity?.name).toBe('auto-board');
    await connection.close();
  });

  test('baud=auto with a silent device lists the rates it tried', async () => {
    pty = await startPtyPair();
    const error = await connectMlperfTiny(parseSerialTargetSpec(`serial://${pty.hostPath}?baud=auto&protocol=mlperf-tiny`), {
      client: { quietMs: 20, bootWaitMs: 20, commandTimeoutMs: 40 },
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      `No MLPerf Tiny board answered on '${pty.hostPath}' at 921600, 460800, 230400, 115200, 57600, 9600 baud: check that it runs MLPerf Tiny firmware, or give its rate with ?baud=N.`,
    );
  });
});
