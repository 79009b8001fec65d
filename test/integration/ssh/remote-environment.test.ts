/**
 * The board's environment read over a real sshd (this machine is the "board"), through the same
 * readers as this computer's own readings; a stand-in `vcgencmd` and `nvpmodel` on the session's
 * PATH play the Raspberry Pi's and the Jetson's tools.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { environmentBetween } from '../../../src/core/targets/environment-readers';
import { sampleEnvironment } from '../../../src/core/targets/local-environment';
import { KnownHostsStore } from '../../../src/core/targets/ssh/known-hosts';
import { remoteEnvironment, throttlingDuringRun } from '../../../src/core/targets/ssh/remote-environment';
import { openSshConnection, type SshConnection } from '../../../src/core/targets/ssh/ssh-connection';
import { SshTargetSession } from '../../../src/core/targets/ssh/ssh-target';
import { completedRun, DEMO_ONNX_PATH, jobFor } from '../../unit/runner/bench-helpers';
import { sshdAvailable, startSshd, type Sshd } from './sshd-fixture';

const toolDir = mkdtempSync(join(tmpdir(), 'edgebench-fake-pi-tools-'));
const throttleFile = join(toolDir, 'throttled-value');

/** A stand-in for the Pi firmware's vcgencmd: prints the value the test last wrote, as the real tool words it. */
function writeStandInTools(): void {
  writeFileSync(join(toolDir, 'vcgencmd'), `#!/bin/sh\n[ "$1" = get_throttled ] || exit 1\necho "throttled=$(cat '${throttleFile}')"\n`);
  // A stand-in for Jetson's nvpmodel -q: the mode's name, then its number on the next line.
  writeFileSync(join(toolDir, 'nvpmodel'), '#!/bin/sh\n[ "$1" = -q ] || exit 1\necho "NV Power Mode: MAXN"\necho 0\n');
  chmodSync(join(toolDir, 'vcgencmd'), 0o755);
  chmodSync(join(toolDir, 'nvpmodel'), 0o755);
}

describe.skipIf(!sshdAvailable())("a board's environment over SSH (real sshd)", () => {
  let board: Sshd;
  let piBoard: Sshd;
  const connections: SshConnection[] = [];
  beforeAll(async () => {
    writeStandInTools();
    [board, piBoard] = await Promise.all([startSshd(), startSshd({ pathPrefix: [toolDir] })]);
  });
  afterAll(async () => {
    await Promise.all(connections.map((conn) => conn.close()));
    await Promise.all([board?.stop(), piBoard?.stop()]);
    rmSync(toolDir, { recursive: true, force: true });
  });

  const connect = async (sshd: Sshd): Promise<SshConnection> => {
    const conn = await openSshConnection(sshd.spec(), { knownHosts: await KnownHostsStore.open(join(sshd.dir, 'known_hosts')), identityFile: sshd.clientKey, acceptNewHostKey: true });
    connections.push(conn);
    return conn;
  };

  test('the board reads as this computer reads itself: kernel, CPU time, memory, thermal zones, cpufreq absent where the machine has none', async () => {
    const probe = remoteEnvironment(await connect(board), () => undefined);
    const start = await probe.sample();
    const end = await probe.sample();
    const local = sampleEnvironment();

    expect(start.kernel).toBe(readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim());
    expect(start.memAvailableBytes).toBeGreaterThan(0);
    expect(start.cpuTimes?.totalTicks).toBeGreaterThan(0);
    expect(start.loadAverage).toBeTypeOf('number');
    // The same readers on the same machine: the same facts, whichever side read them.
    expect(start.cores?.map((core) => core.governor)).toEqual(local.cores?.map((core) => core.governor));
    expect(start.thermalZones?.map((zone) => zone.type)).toEqual(local.thermalZones?.map((zone) => zone.type));
    expect(start.powerSource).toBe(local.powerSource);
    expect('memoryPressure' in start).toBe(existsSync('/proc/pressure/memory'));
    if (!existsSync('/sys/devices/system/cpu/cpu0/cpufreq')) {
      // A VM (this one): no governor and no per-core clocks, never a guess.
      expect(start.cores).toBeUndefined();
    }
    // No vcgencmd or nvpmodel on this machine's PATH.
    expect(start.throttled).toBeUndefined();
    expect(start.powerMode).toBeUndefined();
    expect(probe.throttleReadings).toEqual([]);

    const environment = environmentBetween(start, end, []);
    expect(environment.kernel).toBe(start.kernel);
    expect(environment.stealShare).toBeGreaterThanOrEqual(0);
    expect(environment.stealShare).toBeLessThanOrEqual(1);
    expect(environment.iowaitShare).toBeGreaterThanOrEqual(0);
    if (start.cores === undefined) {
      expect(environment).not.toHaveProperty('governor');
      expect(environment).not.toHaveProperty('coresMHz');
    }
    expect(environment).not.toHaveProperty('throttled');
    for (const value of Object.values(environment)) expect(Number.isNaN(value)).toBe(false);
  });

  test("a Pi's vcgencmd (stand-in) throttling and a Jetson's nvpmodel (stand-in) mode reach the run's environment", async () => {
    const probe = remoteEnvironment(await connect(piBoard), () => undefined);
    writeFileSync(throttleFile, '0x0');
    const start = await probe.sample();
    // Under-voltage and throttling now (0x1, 0x4), and both since boot (0x10000, 0x40000).
    writeFileSync(throttleFile, '0x50005');
    const end = await probe.sample();

    expect(start.throttled).toEqual({ raw: '0x0', now: [], sinceBoot: [] });
    expect(end.throttled).toEqual({ raw: '0x50005', now: ['under-voltage', 'throttled'], sinceBoot: ['under-voltage', 'throttled'] });
    expect(throttlingDuringRun(probe.throttleReadings)).toEqual(['under-voltage', 'throttled']);
    const environment = environmentBetween(start, end, []);
    expect(environment.throttled).toEqual({ now: true, sinceBoot: true, raw: 'throttled=0x50005', source: 'vcgencmd get_throttled' });
    expect(environment.power).toMatchObject({ mode: 'MAXN (mode 0)' });
  });

  test("a benchmark on the board records the board's fuller environment in the run file, throttling included", async () => {
    writeFileSync(throttleFile, '0x50005');
    const session = new SshTargetSession(piBoard.spec('pi-board'), {
      connect: { knownHosts: await KnownHostsStore.open(join(piBoard.dir, 'known_hosts')), identityFile: piBoard.clientKey, acceptNewHostKey: true },
      cacheDir: join(piBoard.dir, 'board-cache'),
    });
    try {
      const run = await completedRun(session.runBenchmark(jobFor(DEMO_ONNX_PATH, null), {}));
      expect(run.environment).toMatchObject({
        kernel: readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim(),
        throttled: { now: true, sinceBoot: true, raw: 'throttled=0x50005', source: 'vcgencmd get_throttled' },
        power: { mode: 'MAXN (mode 0)' },
      });
      expect(run.environment?.memAvailableBytes).toBeGreaterThan(0);
      expect(run.environment?.stealShare).toBeGreaterThanOrEqual(0);
      // The throttling the board reported puts the numbers in doubt, as before.
      expect(run.verdict).toBe('unstable');
      expect(run.warnings.map((w) => w.code)).toContain('throttled');
    } finally {
      await session.close();
    }
  });
});
