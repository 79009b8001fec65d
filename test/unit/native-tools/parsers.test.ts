/**
 * The native tools' parsers on recorded outputs (test/fixtures/native-tools, reconstructed from
 * the tools' source: see its README): what a user sees beside the studio's own result.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { NativeToolResult, parseNativeToolOutput, type NativeToolName } from '../../../src/core/targets/native-tools';
import { StudioError } from '../../../src/shared/errors';

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'native-tools');
const MIB = 1024 * 1024;

function parsed(tool: NativeToolName, file: string): NativeToolResult {
  const raw = readFileSync(join(fixtures, file), 'utf8');
  const result = parseNativeToolOutput(tool, raw);
  // Every result fits the schema and keeps the tool's whole output.
  expect(NativeToolResult.parse(result)).toEqual(result);
  expect(result.raw).toBe(raw);
  return result;
}

function refusal(tool: NativeToolName, file: string): StudioError {
  try {
    parseNativeToolOutput(tool, readFileSync(join(fixtures, file), 'utf8'));
  } catch (error) {
    if (error instanceof StudioError) return error;
    throw error;
  }
  throw new Error(`${file} was parsed, but it holds a failed run`);
}

/** The result without its raw text and prose, for whole-object comparisons. */
function numbers(result: NativeToolResult): Omit<NativeToolResult, 'raw' | 'measures'> {
  const { raw: _raw, measures: _measures, ...rest } = result;
  return rest;
}

describe('TFLite benchmark_model', () => {
  test('a TF 2.x run: the measured Stat, init, first inference, warmup mean and memory footprint', () => {
    const result = parsed('benchmark_model', 'benchmark_model-2.15-pi4.txt');
    expect(numbers(result)).toEqual({
      tool: 'benchmark_model',
      latencyMs: { mean: 121.31, count: 50, min: 119.867, max: 125.321, stddev: 1.071 },
      initMs: 28.585,
      firstInferenceMs: 152.342,
      warmupMeanMs: 127.648,
      memory: { initFootprintBytes: Math.round(31.2461 * MIB), overallFootprintBytes: Math.round(39.5312 * MIB) },
    });
    expect(result.measures).toMatch(/^TFLite benchmark_model: wall time of one Interpreter::Invoke/);
  });

  test('an older build without log prefixes, a one-run warmup ("count=1 curr=…") and averages in exponent form', () => {
    const result = parsed('benchmark_model', 'benchmark_model-old-slow.txt');
    expect(result.latencyMs).toEqual({ mean: 1526.34, count: 10, min: 1519.932, max: 1538.11, stddev: 5.417 });
    expect(result.firstInferenceMs).toBe(1583.21);
    expect(result.warmupMeanMs).toBe(1583.21);
    expect(result.initMs).toBe(412.07);
    expect(result.memory).toBeUndefined();
  });

  test('a run whose measured values were all equal reports min = max and no spread', () => {
    const raw = [
      'INFO: Running benchmark for at least 1 iterations and at least 0.5 seconds but terminate if exceeding 150 seconds.',
      'INFO: count=3 curr=412(all same)',
      'INFO: Running benchmark for at least 5 iterations and at least 0 seconds but terminate if exceeding 150 seconds.',
      'INFO: count=5 curr=400(all same)',
      'INFO: Inference timings in us: Init: 1200, First inference: 900, Warmup (avg): 412, Inference (avg): 400',
    ].join('\n');
    expect(parseNativeToolOutput('benchmark_model', raw).latencyMs).toEqual({ mean: 0.4, count: 5, min: 0.4, max: 0.4, stddev: 0 });
  });

  test('a run that failed is refused quoting the tool’s ERROR lines', () => {
    const error = refusal('benchmark_model', 'benchmark_model-failed.txt');
    expect(error.code).toBe('RUNTIME');
    expect(error.message).toBe(
      "benchmark_model printed no 'Inference timings in us' line, so it did not finish measuring; it said: " +
        "ERROR: Could not open '/home/pi/models/missing.tflite'. | ERROR: Failed to mmap model /home/pi/models/missing.tflite",
    );
  });
});

describe('NVIDIA trtexec', () => {
  test('TensorRT 8.6: host latency with three percentiles, GPU compute apart, throughput, queries, version', () => {
    const result = parsed('trtexec', 'trtexec-8.6-orin.txt');
    expect(numbers(result)).toEqual({
      tool: 'trtexec',
      version: '8.6.2',
      latencyMs: { mean: 2.1145, median: 2.10938, min: 2.07031, max: 2.30859, p90: 2.13672, p95: 2.15234, p99: 2.28125, count: 200 },
      initMs: 21.6612,
      throughputPerSec: 472.299,
      gpuComputeMs: { mean: 2.05136, median: 2.04663, min: 2.0083, max: 2.24365, p90: 2.07227, p95: 2.08789, p99: 2.21582 },
    });
    expect(result.measures).toMatch(/H2D \+ GPU compute \+ D2H/);
  });

  test('TensorRT 8.2: one percentile, the End-to-End line not mistaken for Latency, version decoded from v8201', () => {
    const result = parsed('trtexec', 'trtexec-8.2-nano.txt');
    expect(result.version).toBe('8.2.1');
    expect(result.latencyMs).toEqual({ mean: 16.3781, median: 16.3174, min: 16.0227, max: 17.9541, p99: 17.8745, count: 100 });
    expect(result.gpuComputeMs?.mean).toBe(16.1423);
    expect(result.initMs).toBe(1835.12);
  });

  test('TensorRT 10 encodes its version with two digits per part', () => {
    const raw = '&&&& RUNNING TensorRT.trtexec [TensorRT v100300] # trtexec\n[I] Latency: min = 1 ms, max = 3 ms, mean = 2 ms, median = 2 ms, percentile(99%) = 3 ms';
    expect(parseNativeToolOutput('trtexec', raw).version).toBe('10.3.0');
  });

  test('a build that failed is refused quoting the [E] lines', () => {
    const error = refusal('trtexec', 'trtexec-failed.txt');
    expect(error.message).toMatch(/^trtexec printed no 'Latency: min = …' performance summary, so it did not finish measuring; it said: /);
    expect(error.message).toContain('[E] Engine set up failed | &&&& FAILED TensorRT.trtexec');
  });
});

describe('onnxruntime_perf_test', () => {
  test('a recent release with -s: mean, percentiles in ms, requests, session creation, first run, throughput, peak memory', () => {
    const result = parsed('onnxruntime_perf_test', 'perf_test-1.17.txt');
    expect(numbers(result)).toEqual({
      tool: 'onnxruntime_perf_test',
      latencyMs: { mean: 28.1264, median: 27.9637, min: 27.1455, max: 33.7128, p90: 28.8912, p95: 29.4506, p99: 33.7128, count: 100 },
      initMs: 91.2044,
      firstInferenceMs: 31,
      throughputPerSec: 35.5377,
      memory: { peakBytes: 98394112 },
    });
  });

  test('an older release without percentiles still gives the mean and count', () => {
    const result = parsed('onnxruntime_perf_test', 'perf_test-1.12.txt');
    expect(result.latencyMs).toEqual({ mean: 52.8316, count: 100 });
    expect(result.initMs).toBe(138.8);
  });

  test('a run on a missing model is refused with the tool’s own error', () => {
    expect(refusal('onnxruntime_perf_test', 'perf_test-failed.txt').message).toBe(
      "onnxruntime_perf_test printed no 'Average inference time cost' line, so it did not finish measuring; it said: " +
        "Error: Load model from /home/pi/models/missing.onnx failed:Load model /home/pi/models/missing.onnx failed. File doesn't exist",
    );
  });

  test('empty output says the tool printed nothing', () => {
    expect(() => parseNativeToolOutput('onnxruntime_perf_test', '')).toThrow('it printed nothing');
  });
});
