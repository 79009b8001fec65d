/**
 * Energy on SSH boards (this machine behind a real sshd): the board's power tool runs in a second
 * exec channel while the Node runner measures the demo model over the first, starting before the
 * idle baseline and stopped after the timed runs. The tools are LABELLED STAND-INS
 * (test/helpers/power-stand-ins): `tegrastats` and `vcgencmd pmic_read_adc` printing recorded
 * Jetson Orin Nano and Raspberry Pi 5 output in the real formats at the real intervals, with the
 * input rail's power raised by 3 W per core the runner really kept busy. So the figures follow the
 * work the board did, and the checks are what a user reads: the source, rails and sample rate, the
 * idle baseline at the tool's floor (the runner waiting), more power during the runs, energy per
 * inference above zero and below one busy core's 3 W × the wall time per inference, and nothing
 * left running on the board.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openEnergySource } from '../../../src/core/power/cell-meter';
import { parsePmicReadAdc } from '../../../src/core/power/pi-pmic';
import { KnownHostsStore } from '../../../src/core/targets/ssh/known-hosts';
import { SshTargetSession } from '../../../src/core/targets/ssh/ssh-target';
import { RunFile } from '../../../src/shared/run-schema';
import { runCli } from '../../helpers/run-cli';
import { completedRun, DEMO_ONNX_PATH, jobFor } from '../../unit/runner/bench-helpers';
import { sshdAvailable, startSshd, type Sshd } from './sshd-fixture';

const STAND_INS = join(__dirname, '../../helpers/power-stand-ins');
/** Long enough for about 20 tegrastats readings at 100 ms over the timed runs. */
const SETTINGS = { runs: 200, minTimeMs: 2000, warmupRuns: 5, threads: 1, profileRuns: 0, nativeTools: false };
/** The stand-ins' power per core the runner keeps busy. */
const PER_CORE_W = 3;

describe.skipIf(!sshdAvailable())('energy on SSH boards (real sshd; stand-in tegrastats and vcgencmd)', () => {
  const toolDir = mkdtempSync(join(tmpdir(), 'edgebench-power-stand-ins-'));
  let jetson: Sshd;
  let plain: Sshd;
  const cacheDirOf = (sshd: Sshd): string => join(sshd.dir, 'board-cache');

  beforeAll(async () => {
    for (const tool of ['tegrastats', 'vcgencmd']) symlinkSync(join(STAND_INS, tool), join(toolDir, tool));
    [jetson, plain] = await Promise.all([startSshd({ pathPrefix: [toolDir] }), startSshd()]);
    // The runner the stand-ins watch: the one started from this board's cache.
    writeFileSync(join(toolDir, 'runner-mark'), `${cacheDirOf(jetson)}/`);
  });
  afterAll(async () => {
    await Promise.all([jetson?.stop(), plain?.stop()]);
    rmSync(toolDir, { recursive: true, force: true });
  });

  const sessionFor = async (sshd: Sshd, name: string): Promise<SshTargetSession> =>
    new SshTargetSession(sshd.spec(name), {
      connect: { knownHosts: await KnownHostsStore.open(join(sshd.dir, 'known_hosts')), identityFile: sshd.clientKey, acceptNewHostKey: true },
      cacheDir: cacheDirOf(sshd),
    });
  const standInsRunning = (): string => {
    try {
      return execFileSync('pgrep', ['-af', `${toolDir}/`], { encoding: 'utf8' }).trim();
    } catch {
      return ''; // pgrep exits 1 when nothing matches
    }
  };

  const measure = async (source: 'tegrastats' | 'pi-pmic', intervalMs: number): Promise<RunFile> => {
    const session = await sessionFor(jetson, `${source}-board`);
    try {
      const meter = openEnergySource({ source, intervalMs, idleMs: 1000 }, 'ssh')();
      return await completedRun(session.runBenchmark(jobFor(DEMO_ONNX_PATH, null, SETTINGS), { energy: meter }));
    } finally {
      await session.close();
    }
  };

  /** What both tools' runs share: the stand-in's floor as the baseline, the runner's extra power during the runs, at most a core's worth per inference. */
  const expectBoardEnergy = (run: RunFile, floorW: number): void => {
    const energy = run.energy;
    if (energy === undefined) throw new Error('the run has no energy');
    expect(energy.method).toBe('sampled');
    expect(energy.window).toBe('measured');
    expect(energy.inferences).toBe(run.latencyMs.count);
    expect(energy.idle.durationMs).toBeGreaterThan(800);
    expect(energy.idle.durationMs).toBeLessThan(1300);
    // The window holds every timed inference: at least their summed latency (the run ends at its
    // 2 s minimum time or at the runner's sample cap, whichever comes first on this CPU).
    expect(energy.load.durationMs).toBeGreaterThanOrEqual(run.latencyMs.mean * run.latencyMs.count * 0.99);
    expect(energy.load.durationMs).toBeLessThan(SETTINGS.minTimeMs + 1500);
    // Waiting, the runner used next to no CPU: the baseline is the stand-in's floor (its recorded idle).
    expect(energy.idle.averagePowerW).toBeGreaterThan(floorW - 0.01);
    expect(energy.idle.averagePowerW).toBeLessThan(floorW + 0.5);
    // Measuring, it used some of a core (how much depends on what else this shared machine runs), never more than one (one thread).
    expect(energy.load.averagePowerW - energy.idle.averagePowerW).toBeGreaterThan(0.03);
    expect(energy.load.averagePowerW - energy.idle.averagePowerW).toBeLessThan(PER_CORE_W * 1.15);
    const wallPerInferenceS = energy.load.durationMs / 1000 / energy.inferences;
    expect(energy.perInferenceJ).not.toBeNull();
    expect(energy.perInferenceJ as number).toBeGreaterThan(0);
    expect(energy.perInferenceJ as number).toBeLessThan(PER_CORE_W * 1.15 * wallPerInferenceS);
    expect(energy.notes).toEqual([]);
    expect(energy.reliable).toBe(true);
  };

  test('tegrastats: VDD_IN read every 100 ms over a second channel, idle baseline first, stopped after the runs', async () => {
    const run = await measure('tegrastats', 100);
    expectBoardEnergy(run, 4);
    const energy = run.energy as NonNullable<RunFile['energy']>;
    expect(energy).toMatchObject({ source: 'tegrastats', rails: ['VDD_IN'] });
    // tegrastats' own cadence, as the board's clock stamped it.
    expect(energy.intervalMs).toBeGreaterThan(95);
    expect(energy.intervalMs).toBeLessThan(130);
    expect(energy.load.samples).toBeGreaterThanOrEqual(Math.floor(energy.load.durationMs / 130));
    expect(standInsRunning()).toBe('');
  }, 120_000);

  test('vcgencmd pmic_read_adc: every PMIC rail with a current and a voltage, summed, polled through the same shell', async () => {
    const run = await measure('pi-pmic', 100);
    // The recorded near-idle Pi 5's rails, summed as the meter sums them.
    expectBoardEnergy(run, parsePmicReadAdc(readFileSync(join(__dirname, '../../fixtures/power/pi5-pmic-idle.txt'), 'utf8')).watts);
    const energy = run.energy as NonNullable<RunFile['energy']>;
    expect(energy.source).toBe('pi-pmic');
    expect(energy.rails).toContain('VDD_CORE');
    expect(energy.rails).not.toContain('EXT5V');
    expect(energy.rails).toHaveLength(12);
    // A call every 100 ms plus the time vcgencmd takes.
    expect(energy.intervalMs).toBeGreaterThan(100);
    expect(energy.intervalMs).toBeLessThan(400);
    expect(standInsRunning()).toBe('');
  }, 120_000);

  test("the CLI: bench --target ssh://… --energy tegrastats prints the run with the board's energy", async () => {
    const knownHosts = join(jetson.dir, 'cli_known_hosts');
    const result = await runCli(
      [
        'bench', DEMO_ONNX_PATH, '--target', `ssh://${jetson.spec().user}@127.0.0.1:${jetson.port}`, '--identity', jetson.clientKey, '--known-hosts', knownHosts, '--accept-new-host-key',
        '--energy', 'tegrastats', '--energy-idle', '500', '--runs', '100', '--min-time', '1500', '--warmup', '2', '--profile-runs', '0', '--threads', '1', '--json',
      ],
      { timeoutMs: 120_000 },
    );
    expect(result.stderr.split('\n').filter((line) => /edgebench bench:/.test(line))).toEqual([]);
    expect(result.code).toBe(0);
    const run = RunFile.parse(JSON.parse(result.stdout));
    expect(run.energy).toMatchObject({ source: 'tegrastats', method: 'sampled', rails: ['VDD_IN'], window: 'measured', inferences: run.latencyMs.count });
    expect(run.energy?.idle.durationMs).toBeGreaterThan(350);
    expect(run.energy?.idle.durationMs).toBeLessThan(800);
    expect(standInsRunning()).toBe('');
  }, 120_000);

  test('a board without the tool: one sentence naming the board and what to install, and the runner does not stay behind', async () => {
    const session = await sessionFor(plain, 'plain-board');
    try {
      const meter = openEnergySource({ source: 'tegrastats', intervalMs: 100, idleMs: 1000 }, 'ssh')();
      const failure = await session.runBenchmark(jobFor(DEMO_ONNX_PATH, null, SETTINGS), { energy: meter }).then(
        () => null,
        (error: unknown) => error as Error,
      );
      expect(failure?.message).toBe('plain-board has no tegrastats on its PATH, so it is not a Jetson (or its L4T tools are not installed): drop --energy tegrastats, or install nvidia-l4t-tools.');
    } finally {
      await session.close();
    }
    const runners = (): string => {
      try {
        return execFileSync('pgrep', ['-f', `${cacheDirOf(plain)}/node-runner/`], { encoding: 'utf8' }).trim();
      } catch {
        return '';
      }
    };
    for (let i = 0; i < 40 && runners() !== ''; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(runners()).toBe('');
  }, 120_000);
});
