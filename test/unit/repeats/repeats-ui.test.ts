/**
 * What the studio shows of repeats (issue 12, item 6): each repeat's own share of the samples and
 * its spread, the between-run CI beside the within-run one, "—, no repeats" for a one-process run,
 * and the Runs page's Repeats field (its value reaches bench.start; empty leaves it to the mode).
 */
import { describe, expect, it } from 'vitest';
import { REPORT_MODE_REPEATS } from '../../../src/shared/bench-defaults';
import { DEFAULT_FORM, effectiveRepeats, reportCellMs, repeatsFieldFor, repeatsHint, validateBenchForm, type BenchFormValues } from '../../../src/renderer/src/bench-form';
import {
  betweenRunCiText,
  betweenRunDisagreement,
  betweenRunTitle,
  NO_REPEATS,
  repeatSamples,
  repeatViews,
} from '../../../src/renderer/src/repeats-view';
import { formatMsRange } from '../../../src/renderer/src/format';
import { headlineMedianMs } from '../../../src/shared/run-schema';
import { TARGET_KINDS } from '../../../src/shared/plugins/target-kinds';
import { summarizeRun } from '../../../src/core/workspace/workspace';
import { syntheticRun } from '../../e2e/helpers/synthetic-run';

const FACTORS = [1, 1.4, 0.7, 1.2, 0.9];
const repeated = syntheticRun({ id: 'rep', samples: 200, medianMs: 2, seed: 3, createdAt: '2026-12-01T10:00:00.000Z', repeatFactors: FACTORS });
const single = syntheticRun({ id: 'one', samples: 200, medianMs: 2, seed: 3, createdAt: '2026-12-01T10:00:00.000Z' });

describe('repeats in the run detail', () => {
  it("slices each repeat's own samples: a slow process's box sits above a fast one's", () => {
    const views = repeatViews(repeated);
    expect(views.map((v) => v.label)).toEqual(['#1', '#2', '#3', '#4', '#5']);
    expect(views.map((v) => v.count)).toEqual([200, 200, 200, 200, 200]);
    // Repeat 2 ran at 1.4x and repeat 3 at 0.7x: their middle halves do not even touch.
    const [, slow, fast] = views;
    expect(fast?.quartilesMs?.q3).toBeLessThan(slow?.quartilesMs?.q1 ?? 0);
    // Every repeat's box holds its own median, and its samples are exactly its slice.
    for (const view of views) {
      expect(view.quartilesMs?.q1).toBeLessThanOrEqual(view.medianMs);
      expect(view.quartilesMs?.q3).toBeGreaterThanOrEqual(view.medianMs);
    }
    const second = repeated.repeats?.[1];
    expect(second && repeatSamples(repeated, second)).toEqual(repeated.latencyMs.samples.slice(200, 400));
    expect(repeatViews(single)).toEqual([]);
  });

  it('puts the between-run CI where it exists and says "no repeats" where not', () => {
    const b = repeated.betweenRun;
    expect(b?.ci95).not.toBeNull();
    // The engine's interval for another run of five holds the median of medians.
    expect(b?.ci95 && b.ci95.low < b.medianMs && b.medianMs < b.ci95.high).toBe(true);
    expect(betweenRunCiText(b)).toBe(formatMsRange(b?.ci95?.low ?? 0, b?.ci95?.high ?? 0));
    expect(betweenRunCiText(b)).toMatch(/^\d\.\d\d – \d\.\d\d ms$/);
    expect(betweenRunCiText(undefined)).toBe(NO_REPEATS);
    expect(betweenRunCiText({ repeats: 2, ci95: null })).toBe('too few repeats (2)');
    // The headline of a run with repeats is the median of their medians.
    expect(headlineMedianMs(repeated)).toBe(b?.medianMs);
    expect(headlineMedianMs(single)).toBe(single.latencyMs.median);
  });

  it("warns when repeats disagree, once: the engine's warning, or for a file without one, the run detail's own", () => {
    expect(repeated.betweenRun?.disagree).toBe(true);
    // The engine warned in the file: the run detail adds nothing.
    expect(repeated.warnings.map((w) => w.code)).toEqual(['between-run-variation']);
    expect(betweenRunDisagreement(repeated)).toBeNull();
    expect(betweenRunDisagreement({ ...repeated, warnings: [] })).toMatch(/^Between-run variation: the medians of 5 fresh runs range 1\.\d+ – 2\.\d+ ms, beyond their own CIs/);
    expect(betweenRunDisagreement(single)).toBeNull();
  });

  it("the runs list carries a run's between-run CI and its headline median", () => {
    const summary = summarizeRun(repeated);
    expect(summary.betweenRun).toEqual({ repeats: 5, ci95: repeated.betweenRun?.ci95, disagree: true });
    expect(summary.median).toBe(repeated.betweenRun?.medianMs);
    expect(betweenRunTitle(summary)).toMatch(/across 5 fresh runs; the repeats disagree/);
    const one = summarizeRun(single);
    expect(one.betweenRun).toBeUndefined();
    // The results grid names the field in the UI's words, never a flag.
    expect(betweenRunTitle(one)).toBe('One process: no between-run CI (the Repeats field of 2 or more measures one).');
  });
});

describe('the Runs page Repeats field', () => {
  const values = (repeats: string, mode: BenchFormValues['mode'] = 'quick'): BenchFormValues => ({
    ...DEFAULT_FORM,
    modelIds: ['m'],
    targetIds: ['local'],
    formats: ['onnx'],
    mode,
    runs: '20',
    repeats,
  });

  it('sends what is typed, and nothing when empty (the engine then runs 1, or 5 in report mode)', () => {
    const three = validateBenchForm(values('3'));
    expect(three.ok && three.request.settings.repeats).toBe(3);
    const empty = validateBenchForm(values(''));
    expect(empty.ok && 'repeats' in empty.request.settings).toBe(false);
    expect(repeatsHint('report')).toBe(`Empty = ${REPORT_MODE_REPEATS} (report mode implies ${REPORT_MODE_REPEATS})`);
    expect(repeatsHint('quick')).toMatch(/empty = 1/);
  });

  it("is shown for targets whose kind honours repeats (its descriptor's benchSettings), and says when some do not", () => {
    const targets = [
      { id: 'local', kind: 'local' },
      { id: 'pi', kind: 'ssh' },
      { id: 'board', kind: 'serial' },
    ] as const;
    expect(TARGET_KINDS.serial.benchSettings).not.toContain('repeats');
    expect(repeatsFieldFor(targets, ['local', 'pi'])).toEqual({ shown: true, partial: false });
    expect(repeatsFieldFor(targets, ['local', 'board'])).toEqual({ shown: true, partial: true });
    expect(repeatsFieldFor(targets, ['board'])).toEqual({ shown: false, partial: false });
  });

  it("counts the repeats as the engine will run them, and report mode's time from them", () => {
    expect(effectiveRepeats('', 'quick')).toBe(1);
    expect(effectiveRepeats('', 'report')).toBe(5);
    expect(effectiveRepeats('3', 'report')).toBe(3);
    expect(effectiveRepeats('0', 'quick')).toBeNull();
    // Report mode: one 10 s window per fresh process, or all five windows in one process.
    expect(reportCellMs(5)).toBe(50_000);
    expect(reportCellMs(8)).toBe(80_000);
    expect(reportCellMs(1)).toBe(50_000);
  });

  it('refuses what the schema would refuse, with what to type instead', () => {
    for (const [typed, message] of [
      ['0', 'Use 1 to 100.'],
      ['101', 'Use 1 to 100.'],
      ['2.5', 'Enter a whole number.'],
      ['many', 'Enter a number.'],
    ] as const) {
      const result = validateBenchForm(values(typed));
      expect(result.ok ? null : result.errors.repeats).toBe(message);
    }
  });
});
