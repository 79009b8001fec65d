/**
 * `edgebench bench --target adb://SERIAL --energy android`: Debian's adb server and client, the
 * tests' device emulator running the (stand-in) benchmark_model, and the Android power meter's
 * real loop in an adb shell of its own, in the emulated device's POSIX shell, from the idle
 * baseline before the first window to after the last, reading the emulated battery's
 * current_now and voltage_now (0.6 A × 3.9 V). Checked: the meter runs around benchmark_model's
 * windows, the run carries its energy with window 'cell' (each window is a benchmark_model process
 * whose start and warmup the meter cannot tell apart), and the meter's stop leaves nothing running on the device.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { RunFile } from '../../../src/shared/run-schema';
import { useAdbBenchLab } from '../../helpers/adb-server';
import { repoRoot, runCli } from '../../helpers/run-cli';

const DEMO_TFLITE = path.join(repoRoot, 'resources/models/demo-mnist.tflite');
const adbLab = useAdbBenchLab('edgebench-adb-energy-');
const { dir, tool } = adbLab;

describe('energy on an Android device over adb', () => {
  test("the battery meter runs around benchmark_model's windows; the run carries its energy, window 'cell'", async () => {
    const device = await adbLab.lab.attach();
    const out = path.join(dir, 'run.json');
    const result = await runCli(
      ['bench', DEMO_TFLITE, '--target', `adb://${device.serial}`, '--benchmark-model', tool, '--runs', '20', '--warmup', '2', '--energy', 'android', '--energy-idle', '500', '--json', '--out', out],
      { env: adbLab.lab.env, timeoutMs: 90_000 },
    );
    expect(result.code, result.stderr).toBe(0);
    const run = RunFile.parse(JSON.parse(readFileSync(out, 'utf8')));
    expect(run.target.kind).toBe('adb');
    expect(run.energy).toMatchObject({ source: 'android', method: 'sampled', rails: ['battery (current_now × voltage_now)'], window: 'cell', reliable: false });
    expect(run.energy?.notes).toContain('The meter covered the whole cell, warmup included: the engine could not see where the measured runs began and ended.');
    // 0.6 A × 3.9 V, read through the meter's own shell.
    // Within 5 mW: the baseline's last stretch is interpolated toward the first reading of the timed runs, where the
    // emulated battery's current already follows the stand-in's activity (power-rails.ts); measured up to +0.18 mW at load 7.
    expect(run.energy?.idle.averagePowerW).toBeCloseTo(2.34, 2);
    // The timed runs of every window (--runs 20 across them), benchmark_model's warmup runs not counted.
    expect(run.energy?.inferences).toBe(20);
    // The meter's own shell (its loop, started before the first window) and its stop, a kill of its process group from a second shell.
    const meter = device.services.findIndex((service) => service.includes('echo edgebench-meter-pid=$$'));
    const windows = device.services.map((service, i) => (service.includes('benchmark_model --graph=') && !service.includes('--enable_op_profiling=true') ? i : -1)).filter((i) => i >= 0);
    const kill = device.services.findIndex((service) => /kill -TERM -- -\d+/.test(service));
    expect(meter).toBeGreaterThanOrEqual(0);
    expect(windows).toHaveLength(5);
    expect(meter).toBeLessThan(windows[0] as number);
    expect(kill).toBeGreaterThan(windows.at(-1) as number);
    // Nothing of the meter's (its shell, its sleep) is left on the device; its processes end as the kill lands.
    for (let i = 0; i < 50 && device.device.processes().length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(device.device.processes()).toEqual([]);
  }, 120_000);
});
