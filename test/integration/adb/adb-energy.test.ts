/**
 * `edgebench bench --target adb://SERIAL --energy android`: Debian's adb server and client, the
 * tests' device emulator running the (stand-in) benchmark_model, and the Android power meter in an
 * adb shell of its own from the idle baseline before the first window to after the last. The
 * emulator's small userland has no shell loops, so the meter's shell goes through a LABELLED
 * STAND-IN: a wrapper `adb` (EDGEBENCH_ADB) that passes every call to the real adb except the
 * meter's own two (its script, and the kill of its process group), which it runs in this machine's
 * sh against a battery sysfs tree the test builds. So what is checked is the wiring: the meter runs
 * around benchmark_model's windows, the run carries its energy with window 'cell' (each window is a
 * benchmark_model process whose start and warmup the meter cannot tell apart), and nothing stays running.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { RunFile } from '../../../src/shared/run-schema';
import { standInBenchmarkModel } from '../../helpers/adb-device-emulator/device-spec';
import { startAdbLab, type AdbLab } from '../../helpers/adb-server';
import { repoRoot, runCli } from '../../helpers/run-cli';

const DEMO_TFLITE = path.join(repoRoot, 'resources/models/demo-mnist.tflite');
const dir = mkdtempSync(path.join(tmpdir(), 'edgebench-adb-energy-'));
const tool = path.join(dir, 'android_aarch64_benchmark_model');
writeFileSync(tool, standInBenchmarkModel('arm64-v8a'));
const sys = path.join(dir, 'sys');
const battery = path.join(sys, 'class/power_supply/battery');
mkdirSync(battery, { recursive: true });
writeFileSync(path.join(battery, 'current_now'), '-600000\n');
writeFileSync(path.join(battery, 'voltage_now'), '3900000\n');
writeFileSync(path.join(battery, 'status'), 'Discharging\n');
const wrapper = path.join(dir, 'adb');
const meterCalls = path.join(dir, 'meter-calls.log');
const realAdb = execFileSync('sh', ['-c', 'command -v adb'], { encoding: 'utf8' }).trim();
writeFileSync(
  wrapper,
  [
    '#!/bin/sh',
    "# STAND-IN wrapper for EdgeBench's tests: the power meter's own adb shell calls run in this machine's sh (the emulator has no shell loops); every other call goes to the real adb.",
    'if [ "$1" = -s ] && [ "$3" = shell ]; then',
    '  case "$4" in',
    `    "echo edgebench-meter-pid="*) echo meter >> '${meterCalls}'; exec setsid /bin/sh -c "$(printf '%s' "$4" | sed 's#/sys/#${sys}/#g')" ;;`,
    `    "kill -TERM -- -"*) echo kill >> '${meterCalls}'; exec /bin/sh -c "$4" ;;`,
    '  esac',
    'fi',
    `exec '${realAdb}' "$@"`,
    '',
  ].join('\n'),
);
chmodSync(wrapper, 0o755);

let lab: AdbLab;
beforeAll(async () => {
  lab = await startAdbLab();
});
afterAll(async () => {
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('energy on an Android device over adb', () => {
  test("the battery meter runs around benchmark_model's windows; the run carries its energy, window 'cell'", async () => {
    const device = await lab.attach();
    const out = path.join(dir, 'run.json');
    const result = await runCli(
      ['bench', DEMO_TFLITE, '--target', `adb://${device.serial}`, '--benchmark-model', tool, '--runs', '20', '--warmup', '2', '--energy', 'android', '--energy-idle', '500', '--json', '--out', out],
      { env: { ...lab.env, EDGEBENCH_ADB: wrapper }, timeoutMs: 90_000 },
    );
    expect(result.code, result.stderr).toBe(0);
    const run = RunFile.parse(JSON.parse(readFileSync(out, 'utf8')));
    expect(run.target.kind).toBe('adb');
    expect(run.energy).toMatchObject({ source: 'android', method: 'sampled', rails: ['battery (current_now × voltage_now)'], window: 'cell', reliable: false });
    expect(run.energy?.notes).toContain('The meter covered the whole cell, warmup included: the engine could not see where the measured runs began and ended.');
    // 0.6 A × 3.9 V, read through the meter's own shell.
    expect(run.energy?.idle.averagePowerW).toBeCloseTo(2.34, 6);
    // The timed runs of every window (--runs 20 across them), benchmark_model's warmup runs not counted.
    expect(run.energy?.inferences).toBe(20);
    expect(readFileSync(meterCalls, 'utf8').trim().split('\n')).toEqual(['meter', 'kill']);
    const left = (() => {
      try {
        return execFileSync('pgrep', ['-f', `${sys}/`], { encoding: 'utf8' }).trim();
      } catch {
        return '';
      }
    })();
    expect(left).toBe('');
  }, 120_000);
});
