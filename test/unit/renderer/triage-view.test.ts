/** The triage table's words: what each step bought and cost, against the step before, on the chosen target. */
import { describe, expect, it } from 'vitest';
import { formatLatencyChange, formatPoints, triageRows } from '../../../src/renderer/src/triage-view';
import { sameCell, type TriageLatency, type TriageSession, type TriageStep } from '../../../src/shared/triage';

const run = (targetId: string, medianMs: number, ci: [number, number] | null, threads = 1, cpus?: string): TriageLatency => ({
  targetId,
  targetName: targetId === 'local' ? 'This computer' : 'Pi 5',
  runId: `${targetId}-${medianMs}`,
  runtime: 'onnxruntime',
  threads,
  ...(cpus !== undefined ? { cpus } : {}),
  medianMs,
  ci95: ci ? { low: ci[0], high: ci[1] } : null,
  ciKind: 'within-run',
  partial: false,
});
const step = (exclude: string[], added: string[], top1: number | null, latency: TriageLatency[], stopped?: TriageStep['stopped']): TriageStep => ({
  variantId: `v-${exclude.join('-') || 'start'}`,
  variantName: 'demo · int8',
  exclude,
  added,
  accuracy: top1 === null ? null : { metric: 'top1', value: top1, samples: 500, agreement: null, sqnrDb: null, evaluatedAt: 't' },
  latency,
  ...(stopped ? { stopped } : {}),
});

describe('words of the triage table', () => {
  it('signs points and latency changes', () => {
    expect(formatPoints(1.8)).toBe('+1.8 points');
    expect(formatPoints(-0.35)).toBe('−0.3 points');
    expect(formatPoints(96.95 - 97)).toBe('−0.05 points'); // a small loss is not shown as no change
    expect(formatPoints(0)).toBe('±0.0 points');
    expect(formatPoints(1)).toBe('+1.0 point');
    expect(formatPoints(0.01)).toBe('+0.01 points');
    expect(formatPoints(0.001)).toBe('±0.00 points');
    expect(formatLatencyChange({ deltaMs: 0.42, deltaPct: 6.04, beyondNoise: true })).toBe('+0.420 ms, +6 %');
    expect(formatLatencyChange({ deltaMs: -1.234, deltaPct: -12.4, beyondNoise: null })).toBe('−1.23 ms, −12 %');
  });

  it('shows each step against the one before, on the chosen target, and marks a change inside the CIs as noise', () => {
    const session: TriageSession = {
      schema: 'edgebench.triage/1',
      id: 't',
      parentId: 'float',
      datasetId: 'd',
      createdAt: 't',
      updatedAt: 't',
      steps: [
        step([], [], 0.952, [run('local', 7, [6.9, 7.1]), run('pi', 30, [29, 31])]),
        step(['conv1'], ['conv1'], 0.97, [run('local', 7.42, [7.3, 7.5]), run('pi', 30.5, [29.5, 31.5])]),
        step(['conv1', 'conv2'], ['conv2'], 0.97, [run('local', 7.4, [7.3, 7.6])]),
        step(['conv1', 'conv2', 'dense'], ['dense'], 0.971, [], { at: 'benchmark', cancelled: true, reason: 'Cancelled during the benchmark.' }),
      ],
    };
    const local = triageRows(session, 'local');
    expect(local.map((r) => [r.title, r.accuracy, r.accuracyChange, r.latency, r.latencyChange, r.latencyTone])).toEqual([
      ['start', '95.20%', null, '7.00 ms', null, null],
      ['+ conv1', '97.00%', '+1.8 points', '7.42 ms', '+0.420 ms, +6 %', 'cost'],
      ['+ conv2', '97.00%', '±0.0 points', '7.40 ms', '−0.0200 ms, ±0 %', 'noise'],
      ['+ dense', '97.10%', '+0.1 points', 'not benchmarked here', null, null],
    ]);
    expect(local[1]?.accuracyTone).toBe('bought');
    expect(local[1]?.accuracyTitle).toBe('on 500 samples');
    expect(local.map((r) => r.latencyNote)).toEqual([null, null, 'within noise', null]);
    expect(local[1]?.latencyCi).toBe('95 % CI 7.30 – 7.50 ms');
    expect(local[3]?.stopped).toBe('Cancelled during the benchmark.');
    const pi = triageRows(session, 'pi');
    expect(pi[1]?.latencyChange).toBe('+0.500 ms, +2 %');
    expect(pi[1]?.latencyTone).toBe('noise');
    expect(pi[2]?.latency).toBe('not benchmarked here');
  });

  it('compares runs only on the same CPUs, and says so when the step before has none', () => {
    const pinned = run('local', 7, [6.9, 7.1], 2, '0x2');
    expect(sameCell([run('local', 7.3, null, 2), run('local', 7.4, null, 2, '0x2')], pinned)?.medianMs).toBe(7.4);
    expect(sameCell([run('local', 7.3, null, 2), run('local', 7.4, null, 2, '0x1')], pinned)).toBeUndefined();
    const session: TriageSession = {
      schema: 'edgebench.triage/1',
      id: 't',
      parentId: 'float',
      datasetId: 'd',
      createdAt: 't',
      updatedAt: 't',
      steps: [
        // A matrix run pinned to 0x2 with 2 threads, then an unpinned run of the next step: not +5 %.
        step([], [], 0.95, [pinned]),
        step(['conv1'], ['conv1'], 0.96, [run('local', 7.35, [7.3, 7.4], 2)]),
        // Both settings: the pinned one is the one compared, the first step's.
        step(['conv1', 'conv2'], ['conv2'], 0.96, [run('local', 6.5, [6.4, 6.6], 2), run('local', 7.7, [7.6, 7.8], 2, '0x2')]),
      ],
    };
    const rows = triageRows(session, 'local');
    expect(rows.map((r) => [r.latency, r.latencyChange, r.latencyTone, r.latencyNote])).toEqual([
      ['7.00 ms', null, null, null],
      ['7.35 ms', null, null, 'not compared with the step before: not pinned here, CPUs 0x2 there'],
      ['7.70 ms', null, null, 'not compared with the step before: CPUs 0x2 here, not pinned there'],
    ]);
    expect(rows[0]?.latencyTitle).toBe('This computer · onnxruntime · 2 threads · CPUs 0x2');
    expect(rows[1]?.latencyTitle).toBe('This computer · onnxruntime · 2 threads');
  });
});
