import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  environmentBetween,
  findBusyProcesses,
  parseProcStat,
  sampleEnvironment,
} from '../../../src/core/targets/local-environment';

const fakeRoots: string[] = [];
afterAll(() => {
  for (const root of fakeRoots) rmSync(root, { recursive: true, force: true });
});

/** A folder laid out like / with the given files (paths relative to it). */
function fakeRoot(files: Record<string, string>): string {
  const root = mkdtempSync(join(os.tmpdir(), 'edgebench-env-'));
  fakeRoots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const isSane = (value: number | undefined, low: number, high: number) =>
  value === undefined || (Number.isFinite(value) && value >= low && value <= high);

describe('environment readings on this machine', () => {
  test('numbers in range or undefined, never NaN', () => {
    const snapshot = sampleEnvironment();
    expect(isSane(snapshot.cpuMHz, 100, 10_000)).toBe(true);
    expect(isSane(snapshot.temperatureC, 1, 150)).toBe(true);
    expect(isSane(snapshot.loadAverage, 0, 10_000)).toBe(true);
    if (process.platform === 'linux') expect(snapshot.loadAverage).toBeTypeOf('number');
    for (const value of Object.values(snapshot)) expect(Number.isNaN(value)).toBe(false);
  });
});

describe.runIf(process.platform === 'linux')('Linux sysfs and procfs readings', () => {
  test('cpufreq in kHz averaged over cores, hottest plausible thermal zone in °C', () => {
    const root = fakeRoot({
      'sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq': '1800000\n',
      'sys/devices/system/cpu/cpu1/cpufreq/scaling_cur_freq': '2200000\n',
      'sys/devices/system/cpu/cpufreq/policy0/scaling_cur_freq': '9999999\n', // not a core
      'sys/class/thermal/thermal_zone0/temp': '45000\n',
      'sys/class/thermal/thermal_zone1/temp': '52500\n',
      'sys/class/thermal/thermal_zone2/temp': '0\n', // a disabled sensor
      'sys/class/thermal/cooling_device0/cur_state': '1\n',
    });
    // (1,800,000 + 2,200,000) / 2 kHz = 2000 MHz; max(45.0, 52.5) °C
    expect(sampleEnvironment(root)).toMatchObject({ cpuMHz: 2000, temperatureC: 52.5 });
  });

  test('without cpufreq, the "cpu MHz" lines of /proc/cpuinfo; without thermal zones, no temperature', () => {
    const root = fakeRoot({
      'proc/cpuinfo': 'processor\t: 0\ncpu MHz\t\t: 2500.000\n\nprocessor\t: 1\ncpu MHz\t\t: 3500.000\n',
    });
    const snapshot = sampleEnvironment(root);
    expect(snapshot.cpuMHz).toBe(3000);
    expect(snapshot).not.toHaveProperty('temperatureC');
  });

  test('/proc/[pid]/stat: name in parentheses (spaces and parentheses allowed), utime + stime', () => {
    // fields after ")": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
    const stat = '4312 (my (odd) name) R 1 4312 4312 0 -1 4194304 100 0 0 0 250 30 0 0 20 0 1 0 500 0 0\n';
    expect(parseProcStat(stat)).toEqual({ name: 'my (odd) name', ticks: 280 });
    expect(parseProcStat('garbage')).toBeUndefined();
  });

  test('a process spinning on a core is named; excluded pids are not', async () => {
    const spinner = spawn(process.execPath, ['-e', 'process.stdout.write("ready"); for (;;) {}'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        spinner.stdout.once('data', () => resolve());
        spinner.once('error', reject);
      });
      const pid = spinner.pid ?? -1;
      const busy = await findBusyProcesses([], 500);
      expect(busy.some((label) => new RegExp(`^node \\(pid ${pid}, \\d+% of a core\\)$`).test(label))).toBe(true);
      const excluded = await findBusyProcesses([pid], 300);
      expect(excluded.some((label) => label.includes(`pid ${pid},`))).toBe(false);
    } finally {
      spinner.kill('SIGKILL');
    }
  });
});

describe('environment block of a run file', () => {
  test('pairs start and end readings, keeps the load before the run and the busy processes', () => {
    expect(
      environmentBetween(
        { cpuMHz: 2600, temperatureC: 45, loadAverage: 0.4 },
        { cpuMHz: 2300, temperatureC: 51, loadAverage: 1.2 },
        ['stress-ng (pid 42, 98% of a core)'],
      ),
    ).toEqual({
      cpuMHz: { start: 2600, end: 2300 },
      temperatureC: { start: 45, end: 51 },
      loadAverage: 0.4,
      busyProcesses: ['stress-ng (pid 42, 98% of a core)'],
    });
  });

  test('a reading missing at either end is left out rather than half-filled', () => {
    expect(environmentBetween({ cpuMHz: 2600 }, {}, [])).toEqual({ busyProcesses: [] });
  });
});
