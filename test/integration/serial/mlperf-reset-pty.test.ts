/**
 * An MLPerf Tiny board that restarts in the middle of a run, over a REAL pseudo-terminal pair:
 * after the second window the emulator boots again (brown-out, watchdog) and prints its banner
 * where the next window's answer should be. The cell stops at once with a sentence saying the
 * board restarted, the two finished windows are its partial run, and nothing hangs.
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

it('a board that reboots mid-run stops the cell as a reset, with the finished windows kept as a partial run', async () => {
  pty = await startPtyPair();
  device = await openSerialPortTransport({ path: pty.devicePath, baudRate: 115200 });
  const emulator = new MlperfTinyEmulator(device, { vendorName: 'stm32-nucleo', latencyUs: 5000, realTimeScale: 0.2, bootNoise: 'ets Jun  8 2016 00:22:57\r\nrst:0xc (SW_CPU_RESET)\r\n' });
  await emulator.boot();
  const log: string[] = [];
  const opened = await serialTargetKind.open(
    { kind: 'serial', name: 'NUCLEO', path: pty.hostPath, baudRate: 115200, protocol: 'mlperf-tiny' },
    { knownHostsFile: '', onLog: (direction, text) => log.push(`${direction} ${text}`) },
  );
  let rebooted = false;
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
      {
        onProgress: (p) => {
          if (p.phase !== 'measuring' || p.completed !== 2 || rebooted) return;
          rebooted = true;
          void emulator.boot();
        },
      },
    );
    if (outcome.state !== 'partial') throw new Error(`expected the cell to stop early, got a ${outcome.state} run`);
    const { error, run } = outcome;
    expect(rebooted).toBe(true);
    expect(error.code).toBe('DEVICE');
    expect(error.detail?.kind).toBe('board-reset');
    expect(error.message).toMatch(new RegExp(`^The board on ${pty.hostPath} restarted \\(reset\\) while answering 'infer \\d+ 1%' \\(it printed its boot banner again\\)`));
    expect(error.message).toMatch(/The studio kept 2 samples measured before the board restarted \(median 5 ms\)\.$/);
    expect(run.latencyMs.samples).toHaveLength(2);
    expect(run.latencyMs.samples.every((ms) => Math.abs(ms - 5) < 1e-9)).toBe(true);
    // The finished windows are a partial run: one mean latency per window, as in a complete MLPerf Tiny run.
    expect(run).toMatchObject({ status: 'partial', verdict: 'unstable', target: { kind: 'serial' }, stopped: { code: 'DEVICE', before: 'the board restarted' } });
    expect(run.stopped?.reason).toMatch(/restarted \(reset\)/);
    expect(run.report?.windows).toHaveLength(2);
    // The second boot is in the live log, after the run's first infer command, noise and all.
    const firstInfer = log.findIndex((line) => line.startsWith('tx infer'));
    expect(firstInfer).toBeGreaterThan(-1);
    expect(log.findLastIndex((line) => line.endsWith('m-init-done'))).toBeGreaterThan(firstInfer);
    expect(log.findLastIndex((line) => line.includes('rst:0xc (SW_CPU_RESET)'))).toBeGreaterThan(firstInfer);
  } finally {
    await opened.close().catch(() => undefined);
  }
});
