/**
 * benchmark_model's op profiling: the flags that ask for it, its "Run Order" table parsed from the
 * two layouts the tool prints (test/fixtures/native-tools, reconstructed from the tool's source,
 * not recorded), and the table as the run's per-node profile on the demo model's graph, which the
 * graph overlay reads like onnxruntime's. A delegate's row stands for several ops and maps to none.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readTfliteGraph } from '../../../src/core/formats/graph/tflite-graph';
import { benchmarkModelCommand, parseNativeToolOutput } from '../../../src/core/targets/native-tools';
import { parseOpProfile } from '../../../src/core/targets/native-tools/benchmark-model';
import { benchmarkModelRunProfile } from '../../../src/core/targets/native-tools/benchmark-model-profile';
import { latencyOverlay } from '../../../src/renderer/src/components/graph/overlay-builders';
import { repoRoot } from '../../helpers/run-cli';

const fixture = (file: string): string => readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'native-tools', file), 'utf8');
const DEMO = new Uint8Array(readFileSync(join(repoRoot, 'resources/models/demo-mnist.tflite')));
const graph = readTfliteGraph({ main: { name: 'demo-mnist.tflite', data: DEMO }, companions: new Map() });

describe('benchmark_model op profiling', () => {
  test('is asked for with --enable_op_profiling=true, and the peak footprint with --report_peak_memory_footprint=true', () => {
    const argv = benchmarkModelCommand('m.tflite', { threads: 1, runs: 50, warmup: 5, opProfiling: true, reportPeakMemory: true });
    expect(argv.slice(-2)).toEqual(['--enable_op_profiling=true', '--report_peak_memory_footprint=true']);
    expect(benchmarkModelCommand('m.tflite', { threads: 1, runs: 50, warmup: 5 }).slice(-1)).toEqual(['--enable_op_profiling=false']);
  });

  test('newer layout: the regular runs’ Run Order table, not the initialization one, with the profiled run count', () => {
    const result = parseNativeToolOutput('benchmark_model', fixture('benchmark_model-2.15-demo-op-profiling.txt'));
    expect(result.opProfile).toEqual({
      runs: 50,
      rows: [
        { nodeType: 'CONV_2D', name: '[conv1/relu]:0', firstMs: 0.071, avgMs: 0.061, share: 0.11575, timesCalled: 1 },
        { nodeType: 'CONV_2D', name: '[conv2/relu]:1', firstMs: 0.455, avgMs: 0.412, share: 0.78178, timesCalled: 1 },
        { nodeType: 'RESHAPE', name: '[flatten]:2', firstMs: 0.004, avgMs: 0.002, share: 0.0038, timesCalled: 1 },
        { nodeType: 'FULLY_CONNECTED', name: '[logits]:3', firstMs: 0.06, avgMs: 0.052, share: 0.09867, timesCalled: 1 },
      ],
    });
    // The rest of the output reads as before; the peak footprint comes from --report_peak_memory_footprint.
    expect(result.latencyMs).toEqual({ mean: 0.5417, count: 50, min: 0.533, max: 0.602, stddev: 0.011 });
    expect(result.memory?.peakBytes).toBe(Math.round(4.0625 * 1024 * 1024));
    expect(result.measures).toMatch(/with its op profiler timing every node of those runs\.$/);
  });

  test('older layout (tabs, a [start] column, no INFO prefix) with the XNNPACK delegate: one row for the whole graph', () => {
    const profile = parseOpProfile(fixture('benchmark_model-old-op-profiling-xnnpack.txt'));
    expect(profile).toEqual({ runs: 50, rows: [{ nodeType: 'TfLiteXNNPackDelegate', name: '[logits]:4', firstMs: 0.188, avgMs: 0.171, share: 1, timesCalled: 1 }] });
  });

  test('without op profiling there is no table, and the result has no opProfile', () => {
    expect(parseNativeToolOutput('benchmark_model', fixture('benchmark_model-2.15-pi4.txt')).opProfile).toBeUndefined();
  });

  test('as the run’s profile: each op on its graph node, per-run means, and the overlay colours all four', () => {
    const parsed = parseOpProfile(fixture('benchmark_model-2.15-demo-op-profiling.txt'));
    if (parsed === undefined) throw new Error('no op profile parsed');
    const profile = benchmarkModelRunProfile(parsed, graph);
    expect(profile).toMatchObject({ runs: 50, source: 'benchmark_model' });
    expect(profile.simulated).toBeUndefined();
    expect(profile.runtimeMedianMs).toBeCloseTo(0.527, 9);
    expect(profile.nodes.map((n) => [n.name, n.opType, Math.round(n.meanUs)])).toEqual([
      ['CONV_2D_1', 'CONV_2D', 412],
      ['CONV_2D_0', 'CONV_2D', 61],
      ['FULLY_CONNECTED_3', 'FULLY_CONNECTED', 52],
      ['RESHAPE_2', 'RESHAPE', 2],
    ]);
    const overlay = latencyOverlay(graph, profile, 'demo on the Pi');
    expect(overlay.byNode.size).toBe(4);
    expect(overlay.byNode.get('CONV_2D_1')?.level).toBe(1);
  });

  test('a delegate’s row keeps its own name and colours no node, and the overlay says one profiled node matched none', () => {
    const parsed = parseOpProfile(fixture('benchmark_model-old-op-profiling-xnnpack.txt'));
    if (parsed === undefined) throw new Error('no op profile parsed');
    const profile = benchmarkModelRunProfile(parsed, graph);
    expect(profile.nodes).toEqual([{ name: '[logits]:4', opType: 'TfLiteXNNPackDelegate', meanUs: 171, share: 1 }]);
    const overlay = latencyOverlay(graph, profile, 'x');
    expect(overlay.byNode.size).toBe(0);
    expect(overlay.legend).toMatch(/1 profiled node of the runtime's own \(fused or renamed\) match no node here/);
  });
});
