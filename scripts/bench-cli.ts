/**
 * `npm run bench:cli [--runs N] [--serve-rounds N]`
 *
 * How long the CLI takes to start, as a user meets it: wall time from spawning
 * `node bin/edgebench.mjs ARGS` (what the `edgebench` bin and `npm run -s edgebench` run, freshness
 * check of the build included) until it exits, median of N runs (default 15), beside `node -e 0`,
 * the floor no Node program can beat. Then browser mode: `edgebench serve` → URL printed, and → page
 * loaded in Chromium (scripts/bench-startup.ts; needs `electron-vite build`).
 * Goals: `--help` < 300 ms; serve's URL < 300 ms and the page loaded < 1.5 s.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { asSamples, median, sortSamples } from '../src/core/bench/stats';
import { buildCli } from './build-cli.mjs';
import { measureStartup } from './bench-startup';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin', 'edgebench.mjs');
const DEMO = path.join(ROOT, 'resources', 'models', 'demo-mnist.onnx');
const HELP_GOAL_MS = 300;
const URL_GOAL_MS = 300;
const LOADED_GOAL_MS = 1500;

interface Case {
  label: string;
  args: string[];
  goalMs?: number;
}

const CASES: Case[] = [
  { label: 'node -e 0', args: ['-e', '0'] },
  { label: 'edgebench --help', args: [BIN, '--help'], goalMs: HELP_GOAL_MS },
  { label: 'edgebench --version', args: [BIN, '--version'] },
  { label: 'edgebench inspect demo', args: [BIN, 'inspect', DEMO] },
];

/** Wall time of one start-to-exit of `node ARGS`; fails loudly if the command fails. */
function timeOnce(args: string[]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr.trim()}`);
  return ms;
}

function medianMs(values: number[]): number {
  return median(sortSamples(asSamples(values)));
}

function verdict(ms: number, goalMs: number | undefined): string {
  if (goalMs === undefined) return '';
  return `(goal < ${goalMs} ms) ${ms < goalMs ? 'OK' : 'ABOVE GOAL'}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' }, 'serve-rounds': { type: 'string', default: '5' } } });
  const runs = Number(values.runs);
  const serveRounds = Number(values['serve-rounds']);
  const build = await buildCli();
  console.log(`out/cli built in ${build.ms.toFixed(0)} ms (esbuild; bin/edgebench.mjs rebuilds like this when a source is newer than the build)`);

  // One untimed start each, so the page cache holds every file the timed runs read.
  for (const c of CASES) timeOnce(c.args);
  const samples = new Map<string, number[]>(CASES.map((c) => [c.label, []]));
  // Interleaved, so a busy moment of the machine hits every case alike.
  for (let round = 0; round < runs; round++) for (const c of CASES) samples.get(c.label)?.push(timeOnce(c.args));

  const floor = medianMs(samples.get('node -e 0') ?? []);
  console.log(`\nstart → exit, median of ${runs} runs:`);
  for (const c of CASES) {
    const values = samples.get(c.label) ?? [];
    const ms = medianMs(values);
    const extra = c.label === 'node -e 0' ? '(Node itself)' : `+${(ms - floor).toFixed(0)} ms over node -e 0`;
    console.log(`  ${c.label.padEnd(24)} ${ms.toFixed(0).padStart(5)} ms  min ${Math.min(...values).toFixed(0).padStart(4)}  ${extra} ${verdict(ms, c.goalMs)}`);
  }

  if (serveRounds <= 0) return;
  const startups = await measureStartup(serveRounds);
  const urlMs = medianMs(startups.map((t) => t.serveMs));
  const loadedMs = medianMs(startups.map((t) => t.loadedMs));
  console.log(`\nbrowser mode, fresh workspace (seeding included), median of ${startups.length}:`);
  console.log(`  edgebench serve → URL printed  ${urlMs.toFixed(0).padStart(5)} ms  ${verdict(urlMs, URL_GOAL_MS)}`);
  console.log(`  edgebench serve → page loaded  ${loadedMs.toFixed(0).padStart(5)} ms  ${verdict(loadedMs, LOADED_GOAL_MS)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
