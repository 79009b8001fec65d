/**
 * The adb side of a board meter: adbRemoteShell drives `adb -s SERIAL shell COMMAND`. Here `adb`
 * is a LABELLED STAND-IN (a script the test writes) that checks it was called as
 * `adb -s SERIAL shell COMMAND`, logs each call, and runs COMMAND in this machine's /bin/sh, as
 * adbd runs it in the device's shell; the Android meter's real script reads a sysfs tree the test
 * builds. Checked: the battery readings reach the meter, and stopping kills the loop on the
 * "device" through a second adb shell, not only the local adb.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { adbRemoteShell } from '../../../src/core/power/adb-shell';
import { boardCellMeter } from '../../../src/core/power/board-meter';
import { androidReader } from '../../../src/core/power/board-readers';

const dir = mkdtempSync(path.join(tmpdir(), 'edgebench-adb-stand-in-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const adb = path.join(dir, 'adb');
const calls = path.join(dir, 'calls.log');
writeFileSync(
  adb,
  `#!/bin/sh\n# STAND-IN for adb (EdgeBench's tests only): 'adb -s SERIAL shell COMMAND' runs COMMAND in this machine's sh, in a session of its own as adbd's shell is.\n[ "$1" = -s ] && [ "$3" = shell ] || { echo "stand-in adb: unexpected call: $*" >&2; exit 2; }\nprintf '%s\\n' "$2 $4" | head -c 200 >> '${calls}'; echo >> '${calls}'\nexec setsid /bin/sh -c "$4"\n`,
);
chmodSync(adb, 0o755);

describe('adbRemoteShell (stand-in adb)', () => {
  it("streams the Android meter's battery readings and stops the loop on the device", async () => {
    const battery = path.join(dir, 'sys/class/power_supply/battery');
    mkdirSync(battery, { recursive: true });
    writeFileSync(path.join(battery, 'current_now'), '-800000\n');
    writeFileSync(path.join(battery, 'voltage_now'), '4000000\n');
    const meter = boardCellMeter(androidReader({ sysRoot: path.join(dir, 'sys') }), { intervalMs: 50, idleMs: 300 });
    meter.attachShell(adbRemoteShell('emulator-5554', { adb, boardName: 'Pixel 6' }));
    await meter.beforeMeasure();
    await new Promise((resolve) => setTimeout(resolve, 400));
    const energy = await meter.afterMeasure(10);
    expect(energy.source).toBe('android');
    expect(energy.load.averagePowerW).toBeCloseTo(3.2, 6);
    expect(energy.load.samples).toBeGreaterThanOrEqual(3);
    const log = readFileSync(calls, 'utf8');
    // The meter's shell, then the kill of its process group on the device.
    expect(log).toMatch(/^emulator-5554 echo edgebench-meter-pid=/);
    expect(log).toMatch(/\nemulator-5554 kill -TERM -- -\d+ 2>\/dev\/null; kill -TERM \d+/);
    const left = (() => {
      try {
        return execFileSync('pgrep', ['-f', `${dir}/sys`], { encoding: 'utf8' }).trim();
      } catch {
        return '';
      }
    })();
    expect(left).toBe('');
  }, 20_000);

  it('an adb that cannot be started is one sentence', async () => {
    const meter = boardCellMeter(androidReader(), { intervalMs: 50, idleMs: 300 });
    meter.attachShell(adbRemoteShell('emulator-5554', { adb: path.join(dir, 'no-such-adb') }));
    await expect(meter.beforeMeasure()).rejects.toThrow(/^adb could not be started for reading .* on emulator-5554 \(spawn .*ENOENT\); install Debian's adb package or set ADB to its path\.$/);
  });
});
