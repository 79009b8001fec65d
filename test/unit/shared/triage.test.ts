/** The triage loop's arithmetic: what a step bought (accuracy points) and cost (latency), and per-layer time from a profile. */
import { describe, expect, it } from 'vitest';
import { headlineMedianMs, type RunFile } from '../../../src/shared/run-schema';
import {
  accuracyChangePoints,
  attributeProfile,
  latencyChange,
  triageAccuracyOf,
  triageLatencyOf,
  type GraphNodeRef,
  type TriageAccuracy,
  type TriageLatency,
} from '../../../src/shared/triage';
import type { EvalResult } from '../../../src/shared/eval-schema';

const accuracy = (value: number, metric: 'top1' | 'agreement' = 'top1'): TriageAccuracy => ({ metric, value, samples: 500, agreement: null, sqnrDb: null, evaluatedAt: '2026-12-07T00:00:00Z' });
const latency = (medianMs: number, ci95: { low: number; high: number } | null): TriageLatency => ({
  targetId: 'local',
  targetName: 'This computer',
  runId: 'r',
  runtime: 'onnxruntime',
  threads: 1,
  medianMs,
  ci95,
  ciKind: 'within-run',
  partial: false,
});

describe('what a step bought', () => {
  it('is the accuracy change in percentage points', () => {
    expect(accuracyChangePoints(accuracy(0.952), accuracy(0.97))).toBeCloseTo(1.8, 10);
    expect(accuracyChangePoints(accuracy(0.97), accuracy(0.966))).toBeCloseTo(-0.4, 10);
  });
  it('is unknown when a step was not evaluated or the two measure different things', () => {
    expect(accuracyChangePoints(null, accuracy(0.9))).toBeNull();
    expect(accuracyChangePoints(accuracy(0.9), accuracy(0.9, 'agreement'))).toBeNull();
  });
  it('takes top-1 where the dataset has labels and agreement with float where not', () => {
    const result = { top1: 0.91, agreement: 0.98, sqnrDb: 30, samples: 200 } as EvalResult;
    expect(triageAccuracyOf(result, 't')).toMatchObject({ metric: 'top1', value: 0.91, agreement: 0.98 });
    expect(triageAccuracyOf({ ...result, top1: null }, 't')).toMatchObject({ metric: 'agreement', value: 0.98 });
    expect(triageAccuracyOf({ ...result, top1: null, agreement: null }, 't')).toBeNull();
  });
});

describe('what a step cost', () => {
  it('is the change of median in ms and in percent of the step before', () => {
    const change = latencyChange(latency(7, { low: 6.9, high: 7.1 }), latency(7.42, { low: 7.3, high: 7.5 }));
    expect(change?.deltaMs).toBeCloseTo(0.42, 10);
    expect(change?.deltaPct).toBeCloseTo(6, 10);
    expect(change?.beyondNoise).toBe(true);
  });
  it('says when the two CIs overlap (within noise), and that it cannot say without a CI', () => {
    expect(latencyChange(latency(7, { low: 6.5, high: 7.5 }), latency(7.2, { low: 7.1, high: 7.6 }))?.beyondNoise).toBe(false);
    expect(latencyChange(latency(7, null), latency(7.2, { low: 7.1, high: 7.6 }))?.beyondNoise).toBeNull();
    expect(latencyChange(undefined, latency(7, null))).toBeNull();
  });
  it("reads a run's headline median (with repeats: the median of the repeats' medians) and the CI beside it", () => {
    const run = {
      id: 'r1',
      status: 'completed',
      runtime: { name: 'onnxruntime', version: '1.30.0', threads: 2, backend: 'cpu' },
      settings: { threads: 2, cpus: '0x2' },
      latencyMs: { median: 1.5, medianCi95: { low: 1.4, high: 1.6 } },
      betweenRun: { repeats: 5, medianMs: 1.42, ci95: { low: 1.3, high: 1.55 }, method: '', rangeMs: { min: 1.3, max: 1.6 }, disagree: false },
    } as unknown as RunFile;
    expect(triageLatencyOf(run, { id: 'pi', name: 'Pi' })).toMatchObject({ medianMs: headlineMedianMs(run), ci95: { low: 1.3, high: 1.55 }, ciKind: 'between-run', threads: 2, cpus: '0x2' });
    const single = { ...run, betweenRun: undefined } as unknown as RunFile;
    expect(triageLatencyOf(single, { id: 'pi', name: 'Pi' })).toMatchObject({ medianMs: 1.5, ci95: { low: 1.4, high: 1.6 }, ciKind: 'within-run' });
  });
});

describe('per-layer time from an onnxruntime profile', () => {
  // The demo model's QDQ variant as src/core/quantize names it: Q/DQ helpers Q0, DQ1…, layers keep their names.
  const qdq: GraphNodeRef[] = [
    { name: 'Q0', opType: 'QuantizeLinear', inputs: ['input'], outputs: ['input_q'] },
    { name: 'DQ1', opType: 'DequantizeLinear', inputs: ['input_q'], outputs: ['input_dq'] },
    { name: 'conv1', opType: 'Conv', inputs: ['input_dq', 'w1_dq'], outputs: ['relu1_out'] },
    { name: 'Q2', opType: 'QuantizeLinear', inputs: ['relu1_out'], outputs: ['relu1_out_q'] },
    { name: 'DQ3', opType: 'DequantizeLinear', inputs: ['relu1_out_q'], outputs: ['relu1_out_dq'] },
    { name: 'conv2', opType: 'Conv', inputs: ['relu1_out_dq', 'w2_dq'], outputs: ['relu2_out'] },
    { name: 'dense', opType: 'Gemm', inputs: ['relu2_out'], outputs: ['logits'] },
  ];
  const float: GraphNodeRef[] = [
    { name: 'conv1', opType: 'Conv', inputs: ['input', 'w1'], outputs: ['conv1_out'] },
    { name: 'relu1', opType: 'Relu', inputs: ['conv1_out'], outputs: ['relu1_out'] },
    { name: 'conv2', opType: 'Conv', inputs: ['relu1_out', 'w2'], outputs: ['conv2_out'] },
    { name: 'relu2', opType: 'Relu', inputs: ['conv2_out'], outputs: ['relu2_out'] },
    { name: 'dense', opType: 'Gemm', inputs: ['relu2_out'], outputs: ['logits'] },
  ];
  const node = (name: string, opType: string, meanUs: number) => ({ name, opType, meanUs, share: 0 });

  it('finds QDQ-fused kernels under <node>_token_<n> and charges the Q/DQ kernels to the layer they feed', () => {
    const profile = [node('conv1_token_1', 'QLinearConv', 9.6), node('Q0', 'QuantizeLinear', 4), node('DQ3', 'DequantizeLinear', 1), node('conv2_token_4', 'QLinearConv', 6.2), node('dense', 'Gemm', 4.2), node('Transpose_token_3', 'Transpose', 5)];
    const { layers, unmatchedUs } = attributeProfile(profile, qdq);
    expect(layers.find((l) => l.node === 'conv1')).toMatchObject({ ownUs: 9.6, qdqUs: 4, profileNames: ['conv1_token_1', 'Q0'] });
    expect(layers.find((l) => l.node === 'conv2')).toMatchObject({ ownUs: 6.2, qdqUs: 1 });
    expect(unmatchedUs).toBe(5);
    const total = 9.6 + 4 + 1 + 6.2 + 4.2 + 5;
    expect(layers.find((l) => l.node === 'conv1')?.share).toBeCloseTo(13.6 / total, 10);
    // Slowest first.
    expect(layers.map((l) => l.node)).toEqual(['conv1', 'conv2', 'dense']);
  });

  it('finds a kernel the NCHWc pass named after its fused output (<tensor>_nchwc) at the Conv upstream of that tensor', () => {
    const { layers } = attributeProfile([node('relu1_out_nchwc', 'Conv', 5), node('relu2_out_nchwc', 'Conv', 4.7), node('dense', 'Gemm', 4.5), node('ReorderOutput', 'ReorderOutput', 3.2)], float);
    expect(layers.map((l) => [l.node, l.ownUs, l.qdqUs])).toEqual([
      ['conv1', 5, 0],
      ['conv2', 4.7, 0],
      ['dense', 4.5, 0],
    ]);
  });
});
