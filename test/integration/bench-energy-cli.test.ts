/**
 * `edgebench bench MODEL --energy` end to end, against a powercap tree the test builds (see
 * test/helpers/fake-powercap.ts; EDGEBENCH_POWERCAP_ROOT is the engine's test seam). While the CLI
 * runs, a helper here advances the counters as a machine would: 4 W at rest plus 10 W per process
 * of the CLI's that is running or runnable (read from /proc), so the runner's timed runs draw more
 * than its idle baseline; the package counter's range is 10 J, so it wraps several times meanwhile.
 * The figure is the fake's, not a measurement of this computer: the test checks what the run
 * file and the CLI say about it (method, domains, readings, a positive per-inference figure, the
 * wrap undone), and that without counters --energy is one sentence and exit 2.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunFile } from '../../src/shared/run-schema';
import { buildPowercap, type FakePowercap } from '../helpers/fake-powercap';
import { cliNodeArgs, demoModelPath, repoRoot, runCli } from '../helpers/run-cli';

/** 10 J: at the fake's 4 to 24 W the package counter wraps every 0.4 to 2.5 s, so several times over the idle baseline and the timed runs. */
const PACKAGE_RANGE_UJ = 10_000_000;
const SHORT = ['--warmup', '5', '--warmup-time', '0', '--min-time', '800', '--profile-runs', '0', '--energy-idle', '500'];

let out = '';
afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

/**
 * How many of `root`'s processes (itself and every one below it) are running or runnable now, from
 * /proc: the runner is runnable all through its timed runs and asleep while it waits for the next
 * request, however little of a core a loaded machine gives it, so this tracks the work and not the
 * machine's other load.
 */
function runnableInTree(root: number): number {
  const parent = new Map<number, number>();
  const running = new Set<number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(entry), Number(fields[1]));
      if (fields[0] === 'R') running.add(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  let count = 0;
  for (const pid of running) {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = parent.get(p)) {
      if (p === root) {
        count += 1;
        break;
      }
    }
  }
  return count;
}

/** Advances the fake counters, 4 W at rest plus 10 W per runnable process of the CLI, until stopped. */
function advanceWithWork(tree: FakePowercap, pid: number): () => void {
  let pkg = PACKAGE_RANGE_UJ - 3_000_000;
  let dram = 1_000;
  let lastAt = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    const seconds = (now - lastAt) / 1000;
    pkg += (4 + 10 * Math.min(2, runnableInTree(pid))) * seconds * 1e6;
    dram += 1 * seconds * 1e6;
    tree.setEnergy('intel-rapl:0', pkg);
    tree.setEnergy('intel-rapl:0:2', dram);
    lastAt = now;
  }, 25);
  return () => clearInterval(timer);
}

function benchWithEnergy(tree: FakePowercap, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, cliNodeArgs(args), { cwd: repoRoot, env: { ...process.env, EDGEBENCH_POWERCAP_ROOT: tree.root }, stdio: ['ignore', 'pipe', 'pipe'] });
    const stop = advanceWithWork(tree, child.pid ?? -1);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('edgebench bench --energy did not finish within 150 s (a hang).'));
    }, 150_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      stop();
      resolve({ code, stdout, stderr });
    });
  });
}

describe('edgebench bench --energy', () => {
  it('records energy per inference with its method, domains and readings, and prints it with its method', async () => {
    out = mkdtempSync(path.join(os.tmpdir(), 'edgebench-energy-'));
    const tree = buildPowercap([
      { zone: 'intel-rapl:0', name: 'package-0', energyUj: PACKAGE_RANGE_UJ - 3_000_000, maxEnergyRangeUj: PACKAGE_RANGE_UJ },
      { zone: 'intel-rapl:0:2', name: 'dram', energyUj: 1_000, maxEnergyRangeUj: 65_712_999_613 },
    ]);
    try {
      const file = path.join(out, 'run.json');
      const result = await benchWithEnergy(tree, ['bench', demoModelPath, '--energy', ...SHORT, '--out', file]);
      expect(result.code, result.stderr).toBe(0);
      const run = RunFile.parse(JSON.parse(readFileSync(file, 'utf8')));
      const energy = run.energy;
      expect(energy).toBeDefined();
      if (energy === undefined) return;
      expect(energy.source).toBe('rapl');
      expect(energy.method).toBe('counter');
      expect(energy.window).toBe('measured');
      expect(energy.rails).toEqual(['package-0', 'dram (package-0)']);
      expect(energy.inferences).toBe(run.latencyMs.count);
      expect(energy.load.samples).toBeGreaterThanOrEqual(2);
      expect(energy.idle.samples).toBeGreaterThanOrEqual(2);
      expect(energy.idle.durationMs).toBeGreaterThanOrEqual(450);
      // The fake draws 5 W (package 4 + DRAM 1) at rest and at most 25 W: a wrap taken for a drop would be far outside.
      // Half of it at least, not 4 W: on a loaded machine the fake's writes (every 25 ms, by its own
      // timer) come late, and a 0.5 s idle window can end just before one (3.8 W seen at load 15).
      expect(energy.idle.averagePowerW).toBeGreaterThan(2.5);
      expect(energy.idle.averagePowerW).toBeLessThan(7.5);
      expect(energy.load.averagePowerW).toBeGreaterThan(energy.idle.averagePowerW);
      expect(energy.load.averagePowerW).toBeLessThan(26);
      expect(energy.perInferenceJ).not.toBeNull();
      expect(energy.perInferenceJ ?? 0).toBeGreaterThan(0);
      expect(result.stdout).toMatch(/energy per inference \d[\d.]* (mJ|µJ|nJ|J)(?: \(UNRELIABLE\))? {3}RAPL energy counter \(package-0, dram \(package-0\)\) read every \d+ ms, \d+ readings over the measured runs/);
      expect(result.stdout).toMatch(/idle baseline [\d.]+ m?W over 0\.\d\d s subtracted/);
    } finally {
      tree.remove();
    }
  }, 180_000);

  it('pools the repeats: every fresh process has its own baseline, and the figure covers all their inferences', async () => {
    out ||= mkdtempSync(path.join(os.tmpdir(), 'edgebench-energy-'));
    const tree = buildPowercap([
      { zone: 'intel-rapl:0', name: 'package-0', energyUj: 0, maxEnergyRangeUj: PACKAGE_RANGE_UJ },
      { zone: 'intel-rapl:0:2', name: 'dram', energyUj: 0, maxEnergyRangeUj: 65_712_999_613 },
    ]);
    try {
      const file = path.join(out, 'repeats.json');
      const result = await benchWithEnergy(tree, ['bench', demoModelPath, '--energy', ...SHORT, '--repeats', '2', '--out', file]);
      expect(result.code, result.stderr).toBe(0);
      const run = RunFile.parse(JSON.parse(readFileSync(file, 'utf8')));
      expect(run.repeats).toHaveLength(2);
      // Both repeats' inferences and both baselines (about 0.5 s each), not the first repeat's alone.
      expect(run.energy?.inferences).toBe(run.latencyMs.count);
      expect(run.energy?.idle.durationMs).toBeGreaterThanOrEqual(900);
      expect(run.energy?.perInferenceJ ?? 0).toBeGreaterThan(0);
    } finally {
      tree.remove();
    }
  }, 240_000);

  it('says in one sentence that no RAPL counters are readable here, and exits 2 without a figure', async () => {
    const result = await runCli(['bench', demoModelPath, '--energy', '--json'], { env: { EDGEBENCH_POWERCAP_ROOT: '/nonexistent/powercap' }, timeoutMs: 60_000 });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n').filter((line) => !line.startsWith('npm warn'))).toEqual([
      "edgebench bench: No RAPL counters are readable here: /nonexistent/powercap does not exist (a virtual machine that does not pass RAPL through, a kernel built without powercap, or the intel_rapl_msr module not loaded: try 'sudo modprobe intel_rapl_msr').",
    ]);
  }, 60_000);

  it("refuses a board's power tool on this computer, in one sentence", async () => {
    const result = await runCli(['bench', demoModelPath, '--energy', 'tegrastats'], { timeoutMs: 60_000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--energy tegrastats measures ssh targets only, not a local target; drop --energy or --target\./);
  }, 60_000);
});
