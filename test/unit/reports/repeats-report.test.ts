/**
 * Reports of runs with repeats (issue 12, item 6): the latency section puts the between-run CI
 * beside the within-run one and lists every repeat (median, within-run CI, init); the verdict says
 * whether the fresh runs agree; the overview marks repeats that disagree; the comparison shows
 * each run's between-run CI and the regression gate's answer on them. A report without repeats
 * keeps its old tables (the exporter snapshots prove it). The runs with repeats are made from a
 * real run's samples (test/fixtures/runs), dealt into five repeats and, for one of them,
 * scaled per repeat as processes with different clocks would measure; their statistics are the
 * engine's (summarizeLatency, betweenRunEstimate, betweenRunWarning).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { betweenRunEstimate } from '../../../src/core/bench/between-run';
import { summarizeLatency } from '../../../src/core/bench/stats';
import { betweenRunWarning } from '../../../src/core/bench/warnings';
import { cellText, type Block } from '../../../src/core/reports/blocks';
import { formatMs } from '../../../src/shared/units';
import { buildReportContext } from '../../../src/core/reports/report-context';
import { comparisonSection } from '../../../src/core/reports/sections/comparison';
import { latencySection } from '../../../src/core/reports/sections/latency';
import { overviewSection } from '../../../src/core/reports/sections/overview';
import { verdictSection } from '../../../src/core/reports/sections/verdict';
import { exportReport } from '../../../src/core/reports/write-report';
import type { RunFile, RunRepeat } from '../../../src/shared/run-schema';
import { FIXTURES, readRun } from './run-fixtures';

const REPEATS = 5;

/**
 * `base`'s samples dealt out into REPEATS repeats (sample j to repeat j mod REPEATS, so slow drift
 * within the real run touches each alike), repeat i scaled by factors[i].
 */
function withRepeats(base: RunFile, id: string, factors: readonly number[]): RunFile {
  const per = Math.floor(base.latencyMs.samples.length / REPEATS);
  const samples: number[] = [];
  const repeats = factors.map((factor, index): RunRepeat => {
    const own = base.latencyMs.samples.filter((_, j) => j % REPEATS === index && j < per * REPEATS).map((ms) => ms * factor);
    const stats = summarizeLatency(own);
    const repeat = { index, startedAt: base.createdAt, sampleOffset: samples.length, count: own.length, medianMs: stats.median, medianCi95: stats.medianCi95, initMs: 20 + index };
    samples.push(...own);
    return repeat;
  });
  const betweenRun = betweenRunEstimate(repeats);
  if (!betweenRun) throw new Error('five repeats give an estimate');
  const warning = betweenRunWarning(betweenRun, []);
  return {
    ...base,
    id,
    settings: { ...base.settings, repeats: REPEATS },
    latencyMs: summarizeLatency(samples),
    repeats,
    betweenRun,
    warnings: [...base.warnings, ...(warning ? [warning] : [])],
    verdict: warning ? 'unstable' : base.verdict,
  };
}

const base = readRun(FIXTURES.onnx700);
const drifting = withRepeats(base, 'drifting', [1, 1.3, 0.8, 1.1, 0.95]);
const steady = withRepeats(base, 'steady', [1, 1, 1, 1, 1]);
const single = readRun(FIXTURES.tflite);

const report = buildReportContext({
  runs: [drifting, steady, single].map((run) => ({ run, path: `runs/${run.id}.json` })),
  skipped: [],
  generatedAt: new Date('2026-12-01T08:00:00.000Z'),
});

type Table = Extract<Block, { kind: 'table' }>;
const tables = (blocks: Block[]): Table[] => blocks.filter((b): b is Table => b.kind === 'table');
const texts = (blocks: Block[]): string[] => blocks.flatMap((b) => (b.kind === 'note' || b.kind === 'text' || b.kind === 'subheading' ? [b.text] : []));
const column = (table: Table, label: string): string[] => {
  const i = table.columns.findIndex((c) => c.label === label);
  expect(i).toBeGreaterThanOrEqual(0);
  return table.rows.map((row) => cellText(row[i] ?? ''));
};

describe('the report of runs with repeats', () => {
  it('the runs built for it: one drifting (its repeats disagree), one steady', () => {
    expect(drifting.betweenRun?.disagree).toBe(true);
    expect(steady.betweenRun?.disagree).toBe(false);
    // Within-run CI of the pooled samples is narrower than the between-run CI of the drifting run: the point of repeats.
    const within = drifting.latencyMs.medianCi95;
    const across = drifting.betweenRun?.ci95;
    expect(across && across.high - across.low).toBeGreaterThan(within.high - within.low);
  });

  it('latency: the between-run CI beside the within-run one, "—, no repeats" for a run of one process, and a row per repeat', () => {
    const blocks = latencySection.build(report);
    const [main, ...perRun] = tables(blocks);
    if (!main) throw new Error('no latency table');
    const ci = (run: RunFile): string => `${formatMs(run.betweenRun?.ci95?.low ?? 0)} to ${formatMs(run.betweenRun?.ci95?.high ?? 0)}`;
    expect(column(main, 'between-run 95% CI')).toEqual([ci(drifting), ci(steady), '—, no repeats']);
    // The within-run column keeps its place and its numbers.
    // The median column is the run's headline (median of the repeats' medians); the pooled CI is labelled as such.
    expect(column(main, 'median')[0]).toBe(formatMs(drifting.betweenRun?.medianMs ?? Number.NaN));
    expect(column(main, 'pooled 95% CI')[0]).toBe(`${formatMs(drifting.latencyMs.medianCi95.low)} to ${formatMs(drifting.latencyMs.medianCi95.high)}`);
    // One table per run with repeats: repeat, runs, median, within-run CI, init.
    expect(perRun).toHaveLength(2);
    const repeatsTable = perRun[0];
    if (!repeatsTable) throw new Error('no repeats table');
    expect(repeatsTable.columns.map((c) => c.label)).toEqual(['repeat', 'runs', 'median', 'within-run 95% CI', 'init']);
    expect(column(repeatsTable, 'repeat')).toEqual(['#1', '#2', '#3', '#4', '#5']);
    expect(column(repeatsTable, 'median')).toEqual(drifting.repeats?.map((r) => formatMs(r.medianMs)));
    expect(column(repeatsTable, 'init')).toEqual(['20.00 ms', '21.00 ms', '22.00 ms', '23.00 ms', '24.00 ms']);
    // Both CIs named in words, with the method.
    const sentence = texts(blocks).find((t) => t.startsWith("Median of the repeats' medians"));
    expect(sentence).toContain('Median 95% CI within this run (all samples pooled)');
    expect(sentence).toContain('across 5 fresh runs');
    expect(sentence).toContain('Student t interval');
  });

  it('verdict and overview: the drifting run is unstable because its fresh runs disagree; the steady one agrees', () => {
    const verdict = texts(verdictSection.build(report));
    expect(verdict.find((t) => t.startsWith('#1: its fresh runs disagree'))).toMatch(/the medians of 5 fresh runs range .* beyond their own CIs/);
    expect(verdict.find((t) => t.startsWith('#2:'))).toMatch(/^#2: 5 fresh runs agree \(within their own CIs, or within ±2 % of their median of medians .+\): the medians of 5 fresh runs range /);
    expect(verdict.some((t) => t.startsWith('#3:'))).toBe(false);
    const [overview] = tables(overviewSection.build(report));
    if (!overview) throw new Error('no overview table');
    expect(column(overview, 'verdict')).toEqual(['unstable: repeats disagree', steady.verdict, single.verdict]);
  });

  it("comparison: each run's between-run CI and the gate's answer against the baseline", () => {
    const blocks = comparisonSection.build(report);
    const [table] = tables(blocks);
    if (!table) throw new Error('no comparison table');
    expect(column(table, 'between-run 95% CI')[2]).toBe('—, no repeats');
    // The baseline has no gate answer; the steady run is as fast within the CIs (pass); a run without repeats cannot be decided on between-run CIs.
    expect(column(table, 'gate')).toEqual(['', 'pass', 'undecided']);
    // The baseline's median is its headline: the median of its repeats' medians.
    expect(texts(blocks)[0]).toContain(`median ${formatMs(drifting.betweenRun?.medianMs ?? 0)}.`);
  });

  it('the HTML report carries the repeats and stays self-contained', async () => {
    const [output] = await exportReport('html', report);
    if (typeof output?.data !== 'string') throw new Error('html should be text');
    expect(output.data).toContain('between-run 95% CI');
    expect(output.data).toContain('within-run 95% CI');
    expect(output.data).toContain('#1: its fresh runs disagree');
    // Nothing fetched from elsewhere: no external script, style, image or font.
    expect(output.data).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
  });

  it('whole Markdown report, as a reviewer reads it', async () => {
    const [output] = await exportReport('md', report);
    if (typeof output?.data !== 'string') throw new Error('markdown should be text');
    await expect(output.data).toMatchFileSnapshot(path.join(import.meta.dirname, '__snapshots__', 'repeats', 'report.md'));
  });
});
