/** Real run files made by `edgebench bench` on the demo model (see test/fixtures/runs/README.md), and copies of them. */
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { RunFile } from '../../../src/shared/run-schema';
import { repoRoot } from '../../helpers/run-cli';

export const FIXTURE_DIR = path.join(repoRoot, 'test/fixtures/runs');

export const FIXTURES = {
  /** onnxruntime, auto threads, 100 runs, with a profile (optimized graph). */
  onnx: path.join(FIXTURE_DIR, 'demo-mnist-onnx.json'),
  /** onnxruntime, 1 thread, 700 runs: enough samples for p99. */
  onnx700: path.join(FIXTURE_DIR, 'demo-mnist-onnx-t1-700.json'),
  /** onnxruntime with --graph-opt disabled: profile node names are the model file's. */
  onnxNoOpt: path.join(FIXTURE_DIR, 'demo-mnist-onnx-noopt.json'),
  /** LiteRT (TFLite), no profile. */
  tflite: path.join(FIXTURE_DIR, 'demo-mnist-tflite.json'),
} as const;

export function readRun(file: string): RunFile {
  return RunFile.parse(JSON.parse(readFileSync(file, 'utf8')));
}

export async function tempDir(prefix = 'edgebench-report-'): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

/** A copy of a run with every sample and latency statistic scaled, under a new id: a slower (or faster) build. */
export function scaledRun(run: RunFile, factor: number, id = `${run.id}-x${factor}`): RunFile {
  const l = run.latencyMs;
  const scale = (ms: number): number => ms * factor;
  return {
    ...run,
    id,
    latencyMs: {
      ...l,
      samples: l.samples.map(scale),
      mean: scale(l.mean),
      median: scale(l.median),
      p50: scale(l.p50),
      p90: scale(l.p90),
      p95: scale(l.p95),
      p99: scale(l.p99),
      min: scale(l.min),
      max: scale(l.max),
      stddev: scale(l.stddev),
      medianCi95: { low: scale(l.medianCi95.low), high: scale(l.medianCi95.high) },
      throughputPerSec: l.throughputPerSec / factor,
    },
  };
}

export async function writeJson(dir: string, name: string, value: unknown): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, JSON.stringify(value, null, 2));
  return file;
}
