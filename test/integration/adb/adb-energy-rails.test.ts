/**
 * `edgebench bench --target adb://SERIAL --energy android` over Debian's real adb server and
 * client, on the emulator's three power profiles (test/helpers/adb-device-emulator/power-rails.ts;
 * every figure SIMULATED, each stand-in run adding its modelled energy):
 *
 *   'rails': a Tensor Pixel-like phone whose ODPM (iio:device0 and iio:device1 energy_value) adb's
 *   shell may read: the run's energy is the rails' counters, all 16 named, minus the idle baseline,
 *   and equals what the emulator says the stand-in's runs drew; ODPM's own 1 kHz is recorded;
 *   'battery': no power monitor: the battery's current × voltage, and the rails say so;
 *   'rails-denied': the same Pixel on a user build, where energy_value is root's only (the device's
 *   cat says Permission denied): the run keeps its samples, its energy is the battery's, and one
 *   sentence says to run 'adb root' on a userdebug or eng build for the rails.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseOdpmEnergy } from '../../../src/core/power/android-power';
import { energyLines, energyMethodText } from '../../../src/shared/energy';
import { RunFile } from '../../../src/shared/run-schema';
import { adbEmulatorProfile, TENSOR_ODPM } from '../../helpers/adb-device-emulator/device-spec';
import { useAdbBenchLab } from '../../helpers/adb-server';
import { repoRoot, runCli } from '../../helpers/run-cli';

const DEMO_TFLITE = path.join(repoRoot, 'resources/models/demo-mnist.tflite');
const RAILS = TENSOR_ODPM.chips.flatMap((chip) => chip.rails.map((rail) => rail.schematic));
const IDLE_W = TENSOR_ODPM.chips.flatMap((chip) => chip.rails).reduce((sum, rail) => sum + rail.idleMw, 0) / 1000;
const asRoot = process.getuid?.() === 0;
const adbLab = useAdbBenchLab('edgebench-adb-rails-');
const { dir, tool } = adbLab;

async function bench(serial: string, name: string, extra: string[] = []): Promise<{ code: number | null; stderr: string; run: RunFile }> {
  const out = path.join(dir, name);
  const result = await runCli(
    ['bench', DEMO_TFLITE, '--target', `adb://${serial}`, '--benchmark-model', tool, '--runs', '200', '--warmup', '2', '--energy', 'android', '--energy-idle', '500', ...extra, '--json', '--out', out],
    { env: adbLab.lab.env, timeoutMs: 90_000 },
  );
  expect(result.code, result.stderr).toBe(0);
  return { code: result.code, stderr: result.stderr, run: RunFile.parse(JSON.parse(readFileSync(out, 'utf8'))) };
}

describe('energy from an Android phone: ODPM rails where it has them, else its battery', () => {
  test("a phone with rails: ODPM's counters, every rail named, idle baseline subtracted, equal to what the stand-in's runs drew", async () => {
    const device = await adbLab.lab.attach(adbEmulatorProfile('rails'));
    // The files as the kernel's driver prints them, read by the device's shell user through adb.
    const energyValue = await adbLab.lab.adb(['-s', device.serial, 'shell', 'cat /sys/bus/iio/devices/iio:device0/energy_value']);
    expect([...parseOdpmEnergy(energyValue.stdout).rails.keys()]).toEqual(RAILS.slice(0, 8));
    expect((await adbLab.lab.adb(['-s', device.serial, 'shell', 'cat /sys/bus/iio/devices/iio:device1/enabled_rails'])).stdout).toContain('CH6[S2S_VDD_G3D]:GPU\n');

    // Read every 20 ms (the driver's own refresh at 1 kHz): the last burst's edge is cut between two readings, which the trapezoid rule cannot place closer.
    const { run } = await bench(device.serial, 'rails.json', ['--energy-interval', '20']);
    const energy = run.energy;
    expect(energy).toMatchObject({ source: 'android', method: 'counter', rails: RAILS, window: 'cell', inferences: 200 });
    expect(energy?.idle.averagePowerW).toBeCloseTo(IDLE_W, 2);
    // What the emulator charged for the timed windows' stand-in runs (their warmup included: the window is the whole cell), in joules.
    const drawnJ = device.device.power.activities.filter((a) => !a.opProfiling).reduce((sum, a) => sum + a.totalUj, 0) / 1e6;
    expect(drawnJ).toBeGreaterThan(0);
    const netJ = (energy?.perInferenceJ as number) * (energy?.inferences as number);
    // Within 8 %: the last run's edge falls between two readings (measured -2.2 % to +1.3 % at load 17).
    expect(Math.abs(netJ - drawnJ) / drawnJ).toBeLessThan(0.08);
    // The counter's readings over the timed runs and their mean interval (by ODPM's own snapshot times), recorded and worded.
    expect(energy?.load.samples).toBeGreaterThanOrEqual(2);
    expect(energy?.intervalMs).toBeGreaterThan(0);
    // ODPM's own sampling rate (each PMIC's sampling_rate, "1000.000000"), apart from how often the studio read the counters.
    expect((await adbLab.lab.adb(['-s', device.serial, 'shell', 'cat /sys/bus/iio/devices/iio:device0/sampling_rate'])).stdout).toBe('1000.000000\n');
    expect(energy?.deviceSampleRateHz).toBe(1000);
    expect(energyMethodText(energy as NonNullable<typeof energy>)).toBe(
      `Android power rails / battery energy counter (${RAILS.join(', ')}) read every ${energy?.intervalMs.toFixed(0)} ms, ${energy?.load.samples} readings over the whole cell, warmup included (ODPM sampling at 1.00 kHz)`,
    );
  }, 120_000);

  test("a phone without rails: the battery's current × voltage, and the record says so", async () => {
    const device = await adbLab.lab.attach(adbEmulatorProfile('battery'));
    const { run } = await bench(device.serial, 'battery.json', ['--energy-interval', '20']);
    const energy = run.energy;
    expect(energy).toMatchObject({ source: 'android', method: 'sampled', rails: ['battery (current_now × voltage_now)'], window: 'cell', inferences: 200 });
    // 0.6 A × 3.9 V at idle; the stand-in's runs raise the current.
    // Within 5 mW: the baseline's last stretch is interpolated toward the first reading of the timed runs, where the
    // emulated battery's current already follows the stand-in's activity (power-rails.ts); measured up to +0.18 mW at load 7.
    expect(energy?.idle.averagePowerW).toBeCloseTo(2.34, 2);
    expect(energy?.load.averagePowerW).toBeGreaterThan(2.34);
    expect(energyLines(energy as NonNullable<typeof energy>)[0]).toContain('Android power rails / battery power samples (battery (current_now × voltage_now)) sampled every');
    // No power monitor, no monitor's rate.
    expect(energy?.deviceSampleRateHz).toBeUndefined();
  }, 120_000);

  test.skipIf(!asRoot && process.env.CI !== 'true')(
    "a phone whose energy_value adb's shell may not read: the samples are kept, the battery measures, and one sentence says what to do",
    async () => {
      const device = await adbLab.lab.attach(adbEmulatorProfile('rails-denied'));
      const denied = await adbLab.lab.adb(['-s', device.serial, 'shell', 'cat /sys/bus/iio/devices/iio:device0/energy_value']);
      expect(`${denied.stdout}${denied.stderr}`).toContain('Permission denied');

      const { run } = await bench(device.serial, 'denied.json', ['--energy-interval', '20']);
      expect(run.latencyMs.samples.length).toBeGreaterThan(0);
      const energy = run.energy;
      expect(energy).toMatchObject({ source: 'android', method: 'sampled', rails: ['battery (current_now × voltage_now)'], reliable: false });
      expect(energy?.notes).toContain(
        "The on-device power monitor's energy_value (iio:device0, iio:device1) is not readable by adb's shell user (on a user build only the power stats HAL may read it), so this figure is the battery's current × voltage, the whole phone: for its rails, run 'adb root' on a userdebug or eng build and measure again.",
      );
    },
    120_000,
  );
});
