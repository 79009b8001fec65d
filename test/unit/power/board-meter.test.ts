/**
 * A board's power meter around a cell, through the RemoteShell interface: the meters' real board
 * scripts run in this machine's /bin/sh (test/helpers/local-shell.ts) against a sysfs tree the test
 * builds and advances (CONSTRUCTED values in the kernel's formats: ODPM's energy_value as a Pixel 6
 * prints it, power_supply's µA and µV), so the figures are known: the idle baseline, the load, the
 * window's edges, energy per inference. Also: a device with neither source, a tegrastats without
 * rails, and the window cut exactly at its edges (traceBetween).
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { boardCellMeter } from '../../../src/core/power/board-meter';
import { androidReader, tegrastatsReader } from '../../../src/core/power/board-readers';
import { spanOf, traceBetween } from '../../../src/core/power/energy-math';
import { parseOdpmSamplingRate } from '../../../src/core/power/android-power';
import { energyMethodText, RunEnergy } from '../../../src/shared/energy';
import { localShell } from '../../helpers/local-shell';

const RAILS = ['S10M_VDD_TPU', 'VSYS_PWR_MODEM', 'VSYS_PWR_RFFE', 'S2M_VDD_CPUCL2', 'S3M_VDD_CPUCL1', 'S4M_VDD_CPUCL0', 'S5M_VDD_INT', 'S1M_VDD_MIF'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const dirs: string[] = [];
const timers: NodeJS.Timeout[] = [];
afterEach(() => {
  for (const timer of timers.splice(0)) clearInterval(timer);
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDir = (): string => {
  const dir = mkdtempSync(path.join(tmpdir(), 'edgebench-board-meter-'));
  dirs.push(dir);
  return dir;
};
/** Written beside and renamed over: a reader never sees half a file (sysfs never shows one). */
const put = (file: string, text: string): void => {
  writeFileSync(`${file}.next`, text);
  renameSync(`${file}.next`, file);
};

/** A sysfs whose power draw the test sets in watts; `advance` is called on a 5 ms ticker with the elapsed ms. */
function ticking(advance: (elapsedMs: number, watts: number) => void): { setWatts(w: number): void } {
  let watts = 0;
  let last = performance.now();
  timers.push(
    setInterval(() => {
      const now = performance.now();
      advance(now - last, watts);
      last = now;
    }, 5),
  );
  return { setWatts: (w) => (watts = w) };
}

describe('a board meter through its shell', () => {
  it("Android's power monitor: every ODPM rail summed as counters, idle 1 W and load 3 W give (3 − 1) W × the window per inference", async () => {
    const sys = tempDir();
    const device = path.join(sys, 'bus/iio/devices/iio:device0');
    mkdirSync(device, { recursive: true });
    const uj = RAILS.map(() => 1_000_000);
    // The PMIC's own rate beside it, as the Pixel driver prints it ("%d.%06d" Hz).
    put(path.join(device, 'sampling_rate'), '1000.000000\n');
    const write = (): void => put(path.join(device, 'energy_value'), `t=${Math.round(performance.now())}\n${RAILS.map((rail, i) => `CH${i}(T=${Math.round(performance.now())})[${rail}], ${Math.round(uj[i] as number)}`).join('\n')}\n`);
    write();
    // All of the draw on the big cluster's rail (CPUCL2), as a busy big core would.
    const power = ticking((ms, watts) => {
      uj[3] = (uj[3] as number) + watts * ms * 1000;
      write();
    });
    power.setWatts(1);
    const meter = boardCellMeter(androidReader({ sysRoot: sys }), { intervalMs: 50, idleMs: 600 });
    meter.attachShell(localShell('pixel-6'));
    await meter.beforeMeasure();
    power.setWatts(3);
    await sleep(1200);
    const energy = await meter.afterMeasure(100);
    expect(energy).toMatchObject({ source: 'android', method: 'counter', rails: RAILS, window: 'measured', inferences: 100, reliable: true, notes: [] });
    expect(energy.idle.averagePowerW).toBeGreaterThan(0.85);
    expect(energy.idle.averagePowerW).toBeLessThan(1.2);
    expect(energy.load.averagePowerW).toBeGreaterThan(2.7);
    expect(energy.load.averagePowerW).toBeLessThan(3.2);
    expect(energy.load.durationMs).toBeGreaterThan(1150);
    // (3 − 1) W × 1.2 s / 100 inferences = 24 mJ, give or take the ticker's jitter.
    expect(energy.perInferenceJ as number).toBeGreaterThan(0.019);
    expect(energy.perInferenceJ as number).toBeLessThan(0.028);
    expect(energy.intervalMs).toBeGreaterThan(45);
    expect(energy.intervalMs).toBeLessThan(120);
    // The monitor's own sampling, apart from how often the studio read it, recorded and worded.
    expect(energy.deviceSampleRateHz).toBe(1000);
    expect(energyMethodText(energy)).toMatch(/^Android power rails \/ battery energy counter \(S10M_VDD_TPU, .*, S1M_VDD_MIF\) read every \d+ ms, \d+ readings over the measured runs \(ODPM sampling at 1\.00 kHz\)$/);
  }, 20_000);

  it("ODPM's readings are timed by the driver's own snapshot time (t=), and a snapshot served again is not a new reading", async () => {
    const sys = tempDir();
    const device = path.join(sys, 'bus/iio/devices/iio:device0');
    mkdirSync(device, { recursive: true });
    // The driver's clock (ms since boot) advances exactly 200 ms per snapshot, however late this ticker runs; read every 50 ms, so most reads see the last snapshot again.
    let snapshot = 0;
    const write = (): void => {
      const t = 5000 + 200 * snapshot;
      put(path.join(device, 'energy_value'), `t=${t}\n${RAILS.map((rail, i) => `CH${i}(T=${t})[${rail}], ${i === 3 ? 1000 * t : 0}`).join('\n')}\n`);
      snapshot++;
    };
    write();
    timers.push(setInterval(write, 200));
    const meter = boardCellMeter(androidReader({ sysRoot: sys }), { intervalMs: 50, idleMs: 900 });
    meter.attachShell(localShell('pixel-6'));
    await meter.beforeMeasure();
    await sleep(1500);
    const energy = await meter.afterMeasure(10);
    // 1000 µJ per ms of the driver's clock on one rail: 1 W, by the snapshots' own times.
    expect(energy.idle.averagePowerW).toBeCloseTo(1, 6);
    expect(energy.load.averagePowerW).toBeCloseTo(1, 6);
    // Snapshots 200 ms apart on the driver's clock (more, if a loaded machine's reader missed one); the repeats left out.
    expect(energy.intervalMs).toBeGreaterThanOrEqual(200);
    // No sampling_rate file beside energy_value: no rate claimed, and the method says nothing of one.
    expect(energy.deviceSampleRateHz).toBeUndefined();
    expect(energyMethodText(energy)).not.toContain('ODPM sampling');
  }, 20_000);

  it("falls back to the battery's current × voltage, and a phone charging over USB puts the figure in doubt", async () => {
    const sys = tempDir();
    const battery = path.join(sys, 'class/power_supply/battery');
    mkdirSync(battery, { recursive: true });
    put(path.join(battery, 'voltage_now'), '3800000\n');
    put(path.join(battery, 'status'), 'Discharging\n');
    // Negative while discharging, as many drivers report it: its magnitude counts.
    put(path.join(battery, 'current_now'), '-500000\n');
    const meter = boardCellMeter(androidReader({ sysRoot: sys }), { intervalMs: 50, idleMs: 600 });
    meter.attachShell(localShell('mi-6'));
    await meter.beforeMeasure();
    put(path.join(battery, 'current_now'), '-1000000\n');
    await sleep(1000);
    const energy = await meter.afterMeasure(50);
    expect(energy).toMatchObject({ source: 'android', method: 'sampled', rails: ['battery (current_now × voltage_now)'], reliable: true });
    // 1.9 W, plus at most one interval's share of the step to 3.8 W (the trapezoid rule cannot know when between two readings it came).
    expect(energy.idle.averagePowerW).toBeGreaterThan(1.88);
    expect(energy.idle.averagePowerW).toBeLessThan(2.1);
    expect(energy.load.averagePowerW).toBeGreaterThan(3.5);
    expect(energy.load.averagePowerW).toBeLessThan(3.81);

    put(path.join(battery, 'status'), 'Charging\n');
    const charging = boardCellMeter(androidReader({ sysRoot: sys }), { intervalMs: 50, idleMs: 300 });
    charging.attachShell(localShell('mi-6'));
    await charging.beforeMeasure();
    await sleep(400);
    const doubted = await charging.afterMeasure(50);
    expect(doubted.reliable).toBe(false);
    expect(doubted.notes).toContain(
      "The phone was charging during the run, so its battery current is the charge less what the phone draws; unplug it (adb over Wi-Fi: 'adb tcpip 5555', then 'adb connect') and run again.",
    );
  }, 20_000);

  it("an energy_value the shell cannot read: the battery's figure says how to get the rails, and without a battery one sentence says what to do", async () => {
    // Unreadable here because it is a directory (this test's shell may run as root, which file modes do not stop); the adb integration test denies it by permission.
    const sys = tempDir();
    mkdirSync(path.join(sys, 'bus/iio/devices/iio:device0/energy_value'), { recursive: true });
    const noBattery = boardCellMeter(androidReader({ sysRoot: sys }), { intervalMs: 50, idleMs: 300 });
    noBattery.attachShell(localShell('pixel-user-build'));
    await expect(noBattery.beforeMeasure()).rejects.toThrow(
      "pixel-user-build has an on-device power monitor, but adb's shell user may not read its energy_value (iio:device0; on a user build only the power stats HAL may) and it shows no battery current_now and voltage_now: run 'adb root' on a userdebug or eng build and measure again, or drop --energy android.",
    );

    const battery = path.join(sys, 'class/power_supply/battery');
    mkdirSync(battery, { recursive: true });
    put(path.join(battery, 'voltage_now'), '3900000\n');
    put(path.join(battery, 'current_now'), '-600000\n');
    const meter = boardCellMeter(androidReader({ sysRoot: sys }), { intervalMs: 50, idleMs: 300 });
    meter.attachShell(localShell('pixel-user-build'));
    await meter.beforeMeasure();
    put(path.join(battery, 'current_now'), '-900000\n');
    // Long enough for the 5 samples a sampled figure needs even when a loaded machine's shell loop takes 150 ms a round.
    await sleep(1000);
    const energy = await meter.afterMeasure(10);
    expect(energy).toMatchObject({ source: 'android', method: 'sampled', rails: ['battery (current_now × voltage_now)'], reliable: false });
    expect(energy.notes).toEqual([
      "The on-device power monitor's energy_value (iio:device0) is not readable by adb's shell user (on a user build only the power stats HAL may read it), so this figure is the battery's current × voltage, the whole phone: for its rails, run 'adb root' on a userdebug or eng build and measure again.",
    ]);
    expect(energy.perInferenceJ).not.toBeNull();
  }, 20_000);

  it('a device with neither source, and a tegrastats that prints no rails, are one sentence each before the idle baseline', async () => {
    const empty = boardCellMeter(androidReader({ sysRoot: tempDir() }), { intervalMs: 50, idleMs: 300 });
    empty.attachShell(localShell('old-phone'));
    await expect(empty.beforeMeasure()).rejects.toThrow(
      'old-phone shows no readable power monitor (iio energy_value) and no battery current_now and voltage_now, so its power cannot be read: try another device, or drop --energy android.',
    );

    // A Jetson image that keeps the INA3221 to root: tegrastats prints its lines without rails.
    const bin = tempDir();
    writeFileSync(path.join(bin, 'tegrastats'), '#!/bin/sh\nwhile :; do echo "RAM 2461/7620MB (lfb 3x2MB) CPU [19%@729,14%@729] EMC_FREQ 4%@2133"; sleep 0.1; done\n');
    chmodSync(path.join(bin, 'tegrastats'), 0o755);
    const rootOnly = boardCellMeter(tegrastatsReader(), { intervalMs: 100, idleMs: 300 });
    rootOnly.attachShell(localShell('jetson', { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` }));
    await expect(rootOnly.beforeMeasure()).rejects.toThrow("tegrastats printed no power rails in 1 lines: run it as root ('sudo tegrastats'), as some Jetson images show the rails to root only.");
  }, 20_000);
});

describe("ODPM's own sampling rate", () => {
  it('reads the driver\'s "%d.%06d" Hz and nothing else; a phone whose two PMICs differ records the slower', async () => {
    expect(parseOdpmSamplingRate('1000.000000\n')).toBe(1000);
    expect(parseOdpmSamplingRate('62.500000')).toBe(62.5);
    for (const text of ['', '1000', 'abc', '0.000000', '1000.0']) expect(parseOdpmSamplingRate(text)).toBeUndefined();

    const sys = tempDir();
    const chips = [
      ['iio:device0', '500.000000'],
      ['iio:device1', '1000.000000'],
    ] as const;
    let t = 1000;
    const write = (): void => {
      t += 10;
      for (const [chip] of chips) put(path.join(sys, 'bus/iio/devices', chip, 'energy_value'), `t=${t}\nCH0(T=${t})[${chip}_RAIL], ${t * 1000}\n`);
    };
    for (const [chip, rate] of chips) {
      mkdirSync(path.join(sys, 'bus/iio/devices', chip), { recursive: true });
      put(path.join(sys, 'bus/iio/devices', chip, 'sampling_rate'), `${rate}\n`);
    }
    write();
    timers.push(setInterval(write, 10));
    const meter = boardCellMeter(androidReader({ sysRoot: sys }), { intervalMs: 50, idleMs: 300 });
    meter.attachShell(localShell('pixel-8'));
    await meter.beforeMeasure();
    await sleep(400);
    const energy = await meter.afterMeasure(10);
    expect(energy.rails).toEqual(['iio:device0_RAIL', 'iio:device1_RAIL']);
    expect(energy.deviceSampleRateHz).toBe(500);
    expect(energyMethodText(energy)).toMatch(/ \(ODPM sampling at 500 Hz\)$/);
  }, 20_000);

  it('a run file from before the rate was recorded still loads and words its method as before; a rate must be positive', () => {
    const before = {
      source: 'android',
      method: 'counter',
      rails: ['S4M_VDD_CPUCL0'],
      window: 'cell',
      intervalMs: 20,
      idle: { durationMs: 500, energyJ: 0.4, averagePowerW: 0.8, samples: 26 },
      load: { durationMs: 1000, energyJ: 1.2, averagePowerW: 1.2, samples: 51 },
      inferences: 200,
      perInferenceJ: 0.002,
      reliable: false,
      notes: [],
    };
    const old = RunEnergy.parse(before);
    expect(old.deviceSampleRateHz).toBeUndefined();
    expect(energyMethodText(old)).toBe('Android power rails / battery energy counter (S4M_VDD_CPUCL0) read every 20 ms, 51 readings over the whole cell, warmup included');
    expect(RunEnergy.safeParse({ ...before, deviceSampleRateHz: 0 }).success).toBe(false);
  });
});

describe('traceBetween', () => {
  const samples = [0, 100, 200, 300].map((tMs) => ({ tMs, watts: tMs === 200 ? 4 : 2 }));

  it('integrates exactly the window, its edges interpolated on the lines between readings, and counts only real readings', () => {
    const cut = traceBetween({ method: 'sampled', samples }, 50, 250);
    const span = spanOf(cut);
    // 50→100: 2 W; 100→200: 2→4 W (3 W mean); 200→250: 4→3 W (3.5 W mean).
    expect(span.energyJ).toBeCloseTo(0.05 * 2 + 0.1 * 3 + 0.05 * 3.5, 12);
    expect(span.durationMs).toBe(200);
    expect(span.samples).toBe(2);
  });

  it('does not extrapolate past the last reading, and a window between two readings gets both edges', () => {
    expect(spanOf(traceBetween({ method: 'sampled', samples }, 250, 400))).toMatchObject({ durationMs: 50, samples: 1 });
    const inside = spanOf(traceBetween({ method: 'sampled', samples }, 120, 140));
    expect(inside).toMatchObject({ durationMs: 20, samples: 0 });
    expect(inside.energyJ).toBeCloseTo(0.02 * 2.6, 12);
  });
});
