/**
 * Command lines for the board's own benchmark tools, and the probe that finds them, run through a
 * real POSIX shell as the SSH target will run them.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  benchmarkModelCommand,
  nativeToolName,
  nativeToolProbeScript,
  parseNativeToolProbe,
  perfTestCommand,
  shellQuote,
  toolsForFormat,
  trtexecCommand,
} from '../../../src/core/targets/native-tools';
import { StudioError } from '../../../src/shared/errors';

function sh(script: string, env: NodeJS.ProcessEnv = process.env): string {
  const run = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8', env });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}

describe('command builders', () => {
  test('benchmark_model gets the studio’s runs, warmup and threads, with the tool’s time minimums turned off', () => {
    expect(benchmarkModelCommand('/cache/m.tflite', { threads: 4, runs: 100, warmup: 10 })).toEqual([
      'benchmark_model',
      '--graph=/cache/m.tflite',
      '--num_threads=4',
      '--num_runs=100',
      '--warmup_runs=10',
      '--min_secs=0',
      '--warmup_min_secs=0',
      '--enable_op_profiling=false',
    ]);
    const timed = benchmarkModelCommand('m.tflite', { threads: 0, runs: 1, warmup: 0, minTimeMs: 2500, maxTimeMs: 60_000, binary: '/opt/tflite/benchmark_model' });
    expect(timed).toEqual([
      '/opt/tflite/benchmark_model',
      '--graph=m.tflite',
      '--num_threads=-1',
      '--num_runs=1',
      '--warmup_runs=0',
      '--min_secs=2.5',
      '--warmup_min_secs=0',
      '--max_secs=60',
      '--enable_op_profiling=false',
    ]);
  });

  test('trtexec builds an engine from .onnx, loads .engine files, and sets precision and a fixed run count', () => {
    expect(trtexecCommand('/m/resnet.onnx', { runs: 200 })).toEqual(['trtexec', '--onnx=/m/resnet.onnx', '--iterations=200', '--warmUp=200', '--duration=0']);
    expect(trtexecCommand('/m/resnet.engine', { runs: 50, warmupMs: 500, precision: 'fp16', binary: '/usr/src/tensorrt/bin/trtexec' })).toEqual([
      '/usr/src/tensorrt/bin/trtexec',
      '--loadEngine=/m/resnet.engine',
      '--iterations=50',
      '--warmUp=500',
      '--duration=0',
      '--fp16',
    ]);
  });

  test('onnxruntime_perf_test runs a fixed count on generated inputs with percentiles', () => {
    expect(perfTestCommand('/m/a b.onnx', { runs: 100, threads: 2 })).toEqual(['onnxruntime_perf_test', '-m', 'times', '-r', '100', '-e', 'cpu', '-x', '2', '-I', '-s', '/m/a b.onnx']);
    expect(perfTestCommand('m.onnx', { runs: 5, threads: 0, provider: 'cuda' })).toEqual(['onnxruntime_perf_test', '-m', 'times', '-r', '5', '-e', 'cuda', '-I', '-s', 'm.onnx']);
  });

  test('bad settings and formats are refused naming the value', () => {
    const refused = (f: () => unknown): StudioError => {
      try {
        f();
      } catch (error) {
        if (error instanceof StudioError) return error;
      }
      throw new Error('expected a StudioError');
    };
    expect(refused(() => benchmarkModelCommand('m.tflite', { threads: 0, runs: 0, warmup: 1 })).message).toBe("The native tool's runs must be a whole number of at least 1, not 0.");
    expect(refused(() => perfTestCommand('m.onnx', { runs: 10, threads: 1.5 })).code).toBe('BAD_INPUT');
    expect(refused(() => trtexecCommand('m.tflite', { runs: 10 })).message).toBe("trtexec runs .onnx models and TensorRT engines (.engine, .plan, .trt), not 'm.tflite'.");
    expect(refused(() => nativeToolName('benchmark')).message).toBe("'benchmark' is not a native tool the studio knows; use one of benchmark_model, trtexec, onnxruntime_perf_test.");
  });

  test('shellQuote keeps every argument intact through a real shell', () => {
    const argv = ['--graph=/home/pi/my models/it\'s "here".tflite', 'plain', '$HOME', 'a;b', ''];
    expect(sh(`printf '%s\\n' ${shellQuote(argv)}`)).toBe(`${argv.join('\n')}\n`);
  });
});

describe('finding the tools on a board', () => {
  test('the probe script reports tools on the PATH by absolute path and stays quiet about missing ones', () => {
    const bin = mkdtempSync(join(tmpdir(), 'edgebench-native-bin-'));
    for (const name of ['benchmark_model', 'onnxruntime_perf_test']) {
      writeFileSync(join(bin, name), '#!/bin/sh\nexit 0\n');
      chmodSync(join(bin, name), 0o755);
    }
    const found = parseNativeToolProbe(sh(nativeToolProbeScript(), { PATH: `${bin}:/usr/bin:/bin` }));
    expect(found).toEqual({ benchmark_model: join(bin, 'benchmark_model'), onnxruntime_perf_test: join(bin, 'onnxruntime_perf_test') });
    expect(toolsForFormat('tflite', found)).toEqual(['benchmark_model']);
    expect(toolsForFormat('onnx', found)).toEqual(['onnxruntime_perf_test']);
    expect(parseNativeToolProbe(sh(nativeToolProbeScript(), { PATH: '/usr/bin:/bin' }))).toEqual({});
  });
});
