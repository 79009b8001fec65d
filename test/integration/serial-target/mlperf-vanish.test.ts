/**
 * An MLPerf Tiny board whose port vanishes mid-run, over a REAL pseudo-terminal pair: the cell
 * stops at once with a sentence naming the closed port, and the windows that had finished are
 * its partial run. The emulator runs at a fifth of real time so a window is in flight when
 * socat stops.
 */
import { afterEach, expect, it } from 'vitest';
import { BenchSettings } from '../../../src/shared/run-schema';
import { MlperfTinyEmulator } from '../../../src/core/targets/serial/mlperf-tiny/emulator';
import { serialTargetKind } from '../../../src/core/targets/serial/serial-matrix-target';
import { startPtyPair, type PtyPair } from '../../../src/core/targets/serial/transport/pty-pair';
import { openSerialPortTransport, type SerialPortTransport } from '../../../src/core/targets/serial/transport/serialport-transport';

let pty: PtyPair | undefined;
let device: SerialPortTransport | undefined;

afterEach(async () => {
  await device?.close().catch(() => undefined);
  await pty?.stop();
});

it('a vanished port stops the cell with the finished windows kept as a partial run', async () => {
  pty = await startPtyPair();
  device = await openSerialPortTransport({ path: pty.devicePath, baudRate: 115200 });
  const emulator = new MlperfTinyEmulator(device, { vendorName: 'stm32-nucleo', latencyUs: 5000, realTimeScale: 0.2 });
  await emulator.boot();
  const opened = await serialTargetKind.open({ kind: 'serial', name: 'NUCLEO', path: pty.hostPath, baudRate: 115200, protocol: 'mlperf-tiny' }, { knownHostsFile: '' });
  const stopped = pty;
  try {
    const outcome = await opened.target.runCell(
      {
        modelPath: '/nonexistent/kws.tflite',
        model: { name: 'kws', format: 'tflite', sha256: '0'.repeat(64), sizeBytes: 1, variant: 'int8' },
        inputsInfo: [{ name: 'input', dtype: 'int8', shape: [1, 49, 10, 1] }],
        settings: BenchSettings.parse({ warmupRuns: 1, runs: 10, minTimeMs: 0, threads: 0 }),
        targetName: opened.target.name,
        targetKind: 'serial',
      },
      { onProgress: (p) => void (p.phase === 'measuring' && p.completed === 2 && stopped.stop()) },
    );
    if (outcome.state !== 'partial') throw new Error(`expected the cell to stop early, got a ${outcome.state} run`);
    const { error, run } = outcome;
    expect(error.code).toBe('TARGET');
    expect(error.message).toMatch(/The studio kept 2 samples measured before the board stopped answering \(2 of 5 windows\)/);
    expect(run.latencyMs.samples).toHaveLength(2);
    expect(run.latencyMs.samples.every((ms) => Math.abs(ms - 5) < 1e-9)).toBe(true);
    // The finished windows are a partial run: one mean latency per window, as in a complete MLPerf Tiny run.
    expect(run).toMatchObject({ status: 'partial', verdict: 'unstable', target: { kind: 'serial' }, stopped: { code: 'TARGET', before: 'the board stopped answering (2 of 5 windows)' } });
    expect(run.report?.windows).toHaveLength(2);
  } finally {
    await opened.close().catch(() => undefined);
  }
});
