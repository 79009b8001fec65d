/**
 * `edgebench repro` as a user or a CI job runs it: the real CLI re-runs a run file's settings with
 * the real runner on the demo model, and its exit code says whether the fresh median landed inside
 * the original's CI. The originals are real run files whose CI the test sets, so each verdict is
 * known in advance whatever this machine measures (0 to 1000 ms: inside; 1000–1001 ms: outside).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarizeLatency } from '../../src/core/bench/stats';
import { RunFile } from '../../src/shared/run-schema';
import { cliNodeArgs, demoModelPath, repoRoot, runCli } from '../helpers/run-cli';
import { FIXTURES, readRun, tempDir, withBetweenRun, writeJson } from '../unit/reports/run-fixtures';

/** The 700-run fixture, made quick (30 runs) and pointed at the demo model by its absolute path. */
function quickRun(): RunFile {
  const run = readRun(FIXTURES.onnx700);
  return { ...run, model: { ...run.model, path: demoModelPath }, settings: { ...run.settings, runs: 30, warmupRuns: 2 } };
}

interface Verdict {
  outcome: string;
  exitCode: number;
  original: { ciKind: string | null; ci95: { low: number; high: number } | null };
  fresh: { medianMs: number; repeats: number };
  notes: Array<{ message: string }>;
  differences: Array<{ fact: string; sentence: string }>;
}

describe('edgebench repro', () => {
  it('exits 0 when the fresh median of 3 fresh processes lands inside the between-run CI, and prints the verdict as JSON', async () => {
    const dir = await tempDir();
    const original = await writeJson(dir, 'original.json', withBetweenRun({ ...quickRun(), settings: { ...quickRun().settings, repeats: 3 } }, [1, 2, 3], { low: 0, high: 1000 }));
    const result = await runCli(['repro', original, '--json', '--out', path.join(dir, 'fresh.json')], { timeoutMs: 120_000 });
    expect(result.code, result.stderr).toBe(0);
    const verdict = JSON.parse(result.stdout) as Verdict;
    expect(verdict).toMatchObject({ outcome: 'reproduced', exitCode: 0, original: { ciKind: 'between-run' }, fresh: { repeats: 3 } });
    expect(result.stderr).toContain(`edgebench bench ${demoModelPath} --runs 30 --warmup 2 `);
    expect(result.stderr).toContain('--repeats 3');
    // The fresh run, as bench wrote it: the same settings, in three fresh processes.
    const fresh = RunFile.parse(JSON.parse(readFileSync(path.join(dir, 'fresh.json'), 'utf8')));
    expect(fresh.settings.repeats).toBe(3);
    expect(fresh.betweenRun?.medianMs).toBe(verdict.fresh.medianMs);
  }, 120_000);

  it('exits 1 when the fresh median lands outside, naming the CI and the environment facts that differ', async () => {
    const dir = await tempDir();
    // The original ran on another kernel: a fact that differs on every machine, whatever its load or clock.
    const measured = quickRun();
    const onOtherKernel = { ...measured, environment: { ...measured.environment, kernel: '5.10.0-0-fixture' } };
    const original = await writeJson(dir, 'original.json', withBetweenRun(onOtherKernel, [1000, 1000.5, 1001], { low: 1000, high: 1001 }));
    const result = await runCli(['repro', original], { timeoutMs: 120_000 });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/NOT REPRODUCED: the fresh median \S+ \S+ is below run \S+'s between-run 95 % CI \(1000\.0 ms–1001\.0 ms\); \d+ environment facts? differs?/);
    // The differing facts are listed, each with its sentence: the kernel at least.
    expect(result.stdout).toMatch(/\n {2}\S.* {2}→ {2}.*The .* differs?: .* in the original run, .* in the fresh run/);
    expect(result.stdout).toContain('5.10.0-0-fixture');
  }, 120_000);

  it('an original without repeats: checked against its within-run CI with a loud note; exit 3 when it has no CI at all', async () => {
    const dir = await tempDir();
    const run = quickRun();
    const wide = await writeJson(dir, 'wide.json', { ...run, latencyMs: { ...run.latencyMs, medianCi95: { low: 0, high: 1000 } } });
    const within = await runCli(['repro', wide], { timeoutMs: 120_000 });
    expect(within.code, within.stderr).toBe(0);
    expect(within.stdout).toContain("REPRODUCED: the fresh median");
    expect(within.stdout).toMatch(/NOTE: run \S+ has no between-run CI \(1 process\), so this checks against its within-run CI, which ignores what changes between processes/);
    expect(within.stdout).toContain('make the original with --repeats 5');

    const few = await writeJson(dir, 'few.json', { ...run, settings: { ...run.settings, runs: 5 }, latencyMs: summarizeLatency(run.latencyMs.samples.slice(0, 5)) });
    const undecided = await runCli(['repro', few, '--json'], { timeoutMs: 120_000 });
    expect(undecided.code, undecided.stderr).toBe(3);
    const verdict = JSON.parse(undecided.stdout) as Verdict & { message: string };
    expect(verdict.outcome).toBe('undecided');
    expect(verdict.message).toContain('the check needs an original made with --repeats 5');
  }, 120_000);

  it('exits 2 on bad input, one sentence each, before anything runs', async () => {
    const dir = await tempDir();
    const otherModel = path.join(dir, 'other.onnx');
    copyFileSync(path.join(repoRoot, 'resources/models/demo-mnist.onnx'), otherModel);
    const gone = await writeJson(dir, 'gone.json', { ...quickRun(), model: { ...quickRun().model, path: path.join(dir, 'deleted.onnx') } });
    const otherBytes = await writeJson(dir, 'other-bytes.json', { ...quickRun(), model: { ...quickRun().model, sha256: 'f'.repeat(64), path: otherModel } });
    const two = await writeJson(dir, 'two.json', [quickRun(), { ...quickRun(), id: 'second' }]);
    // Made before run files kept the model's path, run from a folder without demo-mnist.onnx (the project's root).
    const old = FIXTURES.onnx700;
    const cases: Array<[string[], string]> = [
      [['repro'], 'edgebench repro takes one run file, RUN.json; got 0.'],
      [['repro', old, old], 'edgebench repro takes one run file, RUN.json; got 2.'],
      [['repro', path.join(dir, 'missing.json')], "missing.json' does not exist"],
      [['repro', two], `The original file '${two}' must hold one run; it holds 2. Give the file of the one run to reproduce.`],
      [['repro', gone], `The model file '${path.join(dir, 'deleted.onnx')}' that ${gone} was measured on is not there any more; put it back`],
      [['repro', otherBytes], `The model file '${otherModel}' is not the one ${otherBytes} measured (its sha256 is 198f86e6773c…, the run's ffffffffffff…)`],
      [['repro', old], `names its model only as 'demo-mnist.onnx' (it was made before run files recorded the model's path), and there is no 'demo-mnist.onnx' in ${repoRoot}; run edgebench repro from the folder that holds it.`],
      [['repro', gone, '--target', 'ssh://a@b', '--target', 'ssh://c@d'], "--target was given 2 times"],
      [['repro', old, '--runs', '5'], "Unknown flag '--runs' for 'edgebench repro'"],
    ];
    for (const [args, sentence] of cases) {
      const result = await runCli(args);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr).toContain(sentence);
      expect(result.stderr.trim().split('\n'), result.stderr).toHaveLength(1);
    }
  });

  it('--help gives the exit codes of repro and of the compare gate; edgebench --help lists repro', async () => {
    const repro = await runCli(['repro', '--help']);
    expect(repro.code).toBe(0);
    expect(repro.stdout).toContain('Usage: edgebench repro RUN.json');
    expect(repro.stdout).toContain('Exit codes: 0 reproduced, 1 not reproduced (or the re-run failed), 2 bad input, 3 cannot decide');
    expect(repro.stdout).toMatch(/--identity/);
    const compare = await runCli(['compare', '--help']);
    expect(compare.stdout).toMatch(/ {2}1 {2}regression: the median is more than PCT % slower and the CIs are apart \(cur\.low > base\.high\)/);
    expect(compare.stdout).toMatch(/ {2}3 {2}cannot decide/);
    expect(compare.stdout).toContain('--allow-single-run');
    expect((await runCli(['--help'])).stdout).toMatch(/\n {2}repro {6}Re-run a run file's settings/);
  });

  it('Ctrl+C stops the re-run like bench: exit 130, runner gone', async () => {
    const dir = await tempDir();
    const long = await writeJson(dir, 'long.json', { ...quickRun(), settings: { ...quickRun().settings, runs: 10_000_000, minTimeMs: 600_000 } });
    const child = spawn(process.execPath, cliNodeArgs(['repro', long]), { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const runnerPid = await waitFor(() => runnerChildOf(child.pid as number));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain('cancelled; 0 of 1 cells had finished');
    expect(stderr).not.toMatch(/^\s+at /m);
    await waitFor(() => (alive(runnerPid) ? undefined : true));
  }, 60_000);
});

/** The runner process the CLI started (its child running out/cli/runner.js), if any yet. */
function runnerChildOf(pid: number): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('out/cli/runner')) return Number(entry);
    } catch {
      // A process that ended while we looked.
    }
  }
  return undefined;
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] !== 'Z';
  } catch {
    return false;
  }
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Gave up waiting after ${timeoutMs} ms.`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
