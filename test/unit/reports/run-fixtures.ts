/** Real run files made by `edgebench bench` on the demo model (see test/fixtures/runs/README.md), and copies of them. */
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { medianOf } from '../../../src/shared/numeric/quantile';
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

/**
 * A copy of a run as if measured in `repeatMedians.length` fresh processes: the between-run
 * estimate holds the given CI (as the between-run estimator would write it), the headline median
 * is the median of the repeats' medians.
 */
export function withBetweenRun(run: RunFile, repeatMedians: readonly number[], ci95: { low: number; high: number } | null, id = `${run.id}-repeats`): RunFile {
  const sorted = [...repeatMedians].sort((a, b) => a - b);
  const medianMs = medianOf(repeatMedians);
  return {
    ...run,
    id,
    settings: { ...run.settings, repeats: repeatMedians.length },
    betweenRun: {
      repeats: repeatMedians.length,
      medianMs,
      ci95,
      method: 'given by the test',
      rangeMs: { min: sorted[0] as number, max: sorted[sorted.length - 1] as number },
      disagree: false,
    },
  };
}
