/**
 * Which of a board's own tools the studio runs on a model, with which command line, and how much
 * of a long output a run file keeps.
 */
import { describe, expect, test } from 'vitest';
import { nativeToolPlans, truncateRaw } from '../../../src/core/targets/ssh/native-on-board';
import { BenchSettings, NATIVE_RAW_MAX_CHARS } from '../../../src/shared/run-schema';

const settings = BenchSettings.parse({ warmupRuns: 5, runs: 100, minTimeMs: 0, threads: 4 });
const jetson = { trtexec: '/usr/src/tensorrt/bin/trtexec', onnxruntime_perf_test: '/usr/local/bin/onnxruntime_perf_test' };

describe('the tools run on a model', () => {
  test('a TFLite model gets benchmark_model, from where the probe found it, with the run settings', () => {
    const plans = nativeToolPlans({ benchmark_model: '/opt/tflite/benchmark_model', ...jetson }, 'tflite', '/c/m.tflite', settings, 2);
    expect(plans.map((plan) => plan.argv)).toEqual([
      [
        '/opt/tflite/benchmark_model',
        '--graph=/c/m.tflite',
        '--num_threads=4',
        '--num_runs=100',
        '--warmup_runs=5',
        '--min_secs=0',
        '--warmup_min_secs=0',
        // The run's profile runs (20 by default) turn the tool's op profiler on: its table becomes the run's per-op profile.
        '--enable_op_profiling=true',
        '--report_peak_memory_footprint=true',
      ],
    ]);
    const unprofiled = nativeToolPlans({ benchmark_model: 'benchmark_model' }, 'tflite', '/c/m.tflite', BenchSettings.parse({ ...settings, profileRuns: 0 }), 2);
    expect(unprofiled[0]?.argv.slice(-2)).toEqual(['--enable_op_profiling=false', '--report_peak_memory_footprint=true']);
  });

  test('an ONNX model gets trtexec and onnxruntime_perf_test; trtexec is given time to build its engine', () => {
    const plans = nativeToolPlans(jetson, 'onnx', '/c/m.onnx', settings, 2);
    expect(plans.map((plan) => plan.tool)).toEqual(['trtexec', 'onnxruntime_perf_test']);
    expect(plans[0]?.argv).toEqual(['/usr/src/tensorrt/bin/trtexec', '--onnx=/c/m.onnx', '--iterations=100', '--warmUp=200', '--duration=0']);
    expect(plans[1]?.argv).toEqual(['/usr/local/bin/onnxruntime_perf_test', '-m', 'times', '-r', '100', '-e', 'cpu', '-x', '4', '-I', '-s', '/c/m.onnx']);
    expect(plans[0]!.timeoutMs).toBeGreaterThan(plans[1]!.timeoutMs);
  });

  test('a slower model gets a longer timeout; no tool found or a TF.js model means no plan', () => {
    const fast = nativeToolPlans(jetson, 'onnx', '/c/m.onnx', settings, 1)[1]!.timeoutMs;
    const slow = nativeToolPlans(jetson, 'onnx', '/c/m.onnx', settings, 1000)[1]!.timeoutMs;
    expect(slow).toBeGreaterThan(fast);
    expect(nativeToolPlans({}, 'tflite', '/c/m.tflite', settings, 2)).toEqual([]);
    expect(nativeToolPlans(jetson, 'tflite', '/c/m.tflite', settings, 2)).toEqual([]);
    expect(nativeToolPlans({ benchmark_model: 'benchmark_model' }, 'tfjs', '/c/model.json', settings, 2)).toEqual([]);
  });
});

describe('what a run file keeps of a tool output', () => {
  test('a short output whole; a long one its head and its end, within the limit, saying how much was cut', () => {
    expect(truncateRaw('INFO: all of it\n')).toBe('INFO: all of it\n');
    const long = `HEAD settings\n${'x'.repeat(100_000)}\nTAIL Inference timings in us: Init: 1\n`;
    const kept = truncateRaw(long);
    expect(kept.length).toBeLessThanOrEqual(NATIVE_RAW_MAX_CHARS);
    expect(kept.startsWith('HEAD settings\n')).toBe(true);
    expect(kept.endsWith('TAIL Inference timings in us: Init: 1\n')).toBe(true);
    expect(kept).toContain(`… ${long.length - NATIVE_RAW_MAX_CHARS} characters cut …`);
  });
});
