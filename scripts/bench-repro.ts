/**
 * `npm run bench:repro [--runs-count N] [--repeats N] [--runs N]`
 *
 * Do the studio's numbers reproduce on this machine? Runs the demo model (resources/models/
 * demo-mnist.onnx, batch 1, 1 thread) N times (default 10) through the built CLI (out/cli), each
 * run with --repeats 5 (five fresh runner processes), and prints each run's between-run median,
 * its between-run 95 % CI, the within-run CI of its pooled samples and its verdict; then how many
 * of the later runs' between-run medians fall inside the FIRST run's between-run CI, beside how
 * many fall inside its within-run CI (what a run without repeats would have promised). When the
 * first run's verdict was unstable it says so: the run itself warned that this machine's speed
 * shifts. Figures only, no pass/fail: the goal (issue 12) is at least 9 of 10 when the verdict is
 * stable.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { RunFile } from '../src/shared/run-schema';
import { buildCli } from './build-cli.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const CLI = path.join(ROOT, 'out', 'cli', 'edgebench.js');
const DEMO = path.join(ROOT, 'resources', 'models', 'demo-mnist.onnx');

/** One `edgebench bench --json` of the demo model; its run file. Fails loudly when the CLI does. */
function benchOnce(args: { repeats: number; runs: number; workspace: string }): RunFile {
  const argv = [CLI, 'bench', DEMO, '--dim', 'batch=1', '--threads', '1', '--runs', String(args.runs), '--repeats', String(args.repeats), '--profile-runs', '0', '--json', '--workspace', args.workspace];
  const result = spawnSync(process.execPath, argv, { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  if (result.status !== 0 && result.status !== 1) throw new Error(`edgebench bench exited ${result.status}: ${result.stderr.trim()}`);
  return RunFile.parse(JSON.parse(result.stdout));
}

function ms(value: number): string {
  return `${value.toFixed(4)} ms`;
}

function ci(interval: { low: number; high: number } | null | undefined): string {
  return interval == null ? '(none)' : `${ms(interval.low)}–${ms(interval.high)}`;
}

const inside = (value: number, interval: { low: number; high: number } | null | undefined): boolean => interval != null && value >= interval.low && value <= interval.high;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'runs-count': { type: 'string', default: '10' }, repeats: { type: 'string', default: '5' }, runs: { type: 'string', default: '300' } } });
  const count = Number(values['runs-count']);
  const repeats = Number(values.repeats);
  const runs = Number(values.runs);
  await buildCli();
  const workspace = mkdtempSync(path.join(tmpdir(), 'edgebench-repro-'));
  console.log(`bench:repro: ${count} runs of demo-mnist.onnx (batch 1, 1 thread, ${runs} runs per repeat, --repeats ${repeats}) on ${cpus()[0]?.model ?? 'this CPU'} (${cpus().length} logical CPUs)`);
  console.log('  run  between-run median  between-run 95% CI       within-run CI (pooled)   repeat medians (ms)                       verdict');
  const measured: RunFile[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const run = benchOnce({ repeats, runs, workspace });
      measured.push(run);
      const between = run.betweenRun;
      const medians = (run.repeats ?? []).map((r) => r.medianMs.toFixed(4)).join(' ');
      const codes = run.warnings.filter((w) => run.verdict === 'unstable' && w.code !== 'slow-first-run').map((w) => w.code);
      console.log(
        `  ${String(i + 1).padStart(3)}  ${(between ? ms(between.medianMs) : '(none)').padEnd(18)}  ${ci(between?.ci95).padEnd(23)}  ${ci(run.latencyMs.medianCi95).padEnd(23)}  ${medians.padEnd(40)}  ${run.verdict}${codes.length > 0 ? ` (${codes.join(', ')})` : ''}`,
      );
    }
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
  const [first, ...later] = measured;
  if (first === undefined) return;
  const headline = (run: RunFile): number => run.betweenRun?.medianMs ?? run.latencyMs.median;
  const inBetween = later.filter((run) => inside(headline(run), first.betweenRun?.ci95)).length;
  const inWithin = later.filter((run) => inside(headline(run), first.latencyMs.medianCi95)).length;
  const firstRepeatCi = first.repeats?.[0]?.medianCi95;
  const inFirstRepeat = later.filter((run) => inside(run.repeats?.[0]?.medianMs ?? run.latencyMs.median, firstRepeatCi)).length;
  console.log(`\nOf the ${later.length} later runs' between-run medians, ${inBetween} fall inside the first run's between-run CI ${ci(first.betweenRun?.ci95)}.`);
  console.log(`For comparison, ${inWithin} fall inside its within-run CI of the pooled samples ${ci(first.latencyMs.medianCi95)},`);
  console.log(`and of the later runs' first repeats (one process each, as a run without repeats), ${inFirstRepeat} fall inside the first run's first-repeat CI ${ci(firstRepeatCi)}.`);
  if (first.verdict === 'unstable') {
    const said = first.warnings.find((w) => w.code === 'between-run-variation')?.message;
    console.log(`The first run's verdict was UNSTABLE${said !== undefined ? `; it said: ${said}` : ` (${first.warnings.map((w) => w.code).join(', ')})`}`);
  } else {
    console.log("The first run's verdict was stable.");
  }
}

await main();
