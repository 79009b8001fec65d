/**
 * Run files made up for UI measurements and tests: a valid edgebench.run/1 file with as many
 * samples as asked, labelled "synthetic" in model.name so nobody mistakes it for a measurement.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { summarizeLatency } from '../../../src/core/bench/stats';
// The same seeded generator the runners use, so the same options always give the same file.
import { seededRandom } from '../../../src/core/runner/input-data';
import { DEFAULT_BENCH_SETTINGS } from '../../../src/shared/bench-defaults';
import { betweenRunEstimate } from '../../../src/core/bench/between-run';
import { betweenRunWarning } from '../../../src/core/bench/warnings';
import { RUN_SCHEMA, RunFile, type BetweenRunEstimate, type RunRepeat, type RunWarning } from '../../../src/shared/run-schema';

export interface SyntheticRunOptions {
  /** A valid run id (letters, digits, '.', '_', '-'); also the file name. */
  id: string;
  samples: number;
  /** Typical latency; samples spread log-normally around it with a few slow spikes. */
  medianMs: number;
  seed: number;
  createdAt: string;
  threads?: number;
  /**
   * Make a run of several fresh processes: one factor per repeat, by which that repeat's typical
   * latency differs from medianMs (a process that got a slower clock). `samples` is per repeat.
   * The between-run estimate and warning are the engine's, computed from these repeats.
   */
  repeatFactors?: readonly number[];
}

export function syntheticSamples(count: number, medianMs: number, seed: number): number[] {
  const random = seededRandom(seed);
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    // Box-Muller: a standard normal from two uniforms.
    const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const spike = random() < 0.002 ? 4 + 6 * random() : 1;
    samples.push(medianMs * Math.exp(0.06 * normal) * spike);
  }
  return samples;
}

/** The repeats and between-run estimate of a synthetic run with repeatFactors, and all their samples in run order. */
function syntheticRepeats(
  options: SyntheticRunOptions,
  factors: readonly number[],
): { samples: number[]; repeats: RunRepeat[]; betweenRun: BetweenRunEstimate; warnings: RunWarning[] } {
  const samples: number[] = [];
  const repeats = factors.map((factor, index): RunRepeat => {
    const own = syntheticSamples(options.samples, options.medianMs * factor, options.seed + index);
    const stats = summarizeLatency(own);
    const repeat: RunRepeat = {
      index,
      startedAt: new Date(Date.parse(options.createdAt) + index * 1000).toISOString(),
      sampleOffset: samples.length,
      count: own.length,
      medianMs: stats.median,
      medianCi95: stats.medianCi95,
      initMs: 12 + index,
    };
    samples.push(...own);
    return repeat;
  });
  // The engine's own estimate and warning (src/core/bench/between-run.ts, warnings.ts), as a real run file has them.
  const betweenRun = betweenRunEstimate(repeats);
  if (!betweenRun) throw new Error('A synthetic run with repeats needs two or more repeatFactors.');
  const warning = betweenRunWarning(betweenRun, []);
  return { samples, repeats, betweenRun, warnings: warning ? [warning] : [] };
}

export function syntheticRun(options: SyntheticRunOptions): RunFile {
  const repeated = options.repeatFactors && options.repeatFactors.length > 1 ? syntheticRepeats(options, options.repeatFactors) : null;
  const samples = repeated?.samples ?? syntheticSamples(options.samples, options.medianMs, options.seed);
  const latencyMs = summarizeLatency(samples);
  return RunFile.parse({
    schema: RUN_SCHEMA,
    id: options.id,
    createdAt: options.createdAt,
    status: 'completed',
    model: {
      name: `synthetic ${options.samples.toLocaleString('en-US')} samples (${options.id})`,
      format: 'onnx',
      sha256: '0'.repeat(64),
      sizeBytes: 1024,
      variant: 'float',
    },
    target: {
      kind: 'local',
      name: 'This computer',
      hardware: { arch: 'x64', cpuModel: 'synthetic CPU', cores: 8, memoryBytes: 16 * 1024 ** 3, os: 'synthetic', cpuFeatures: [] },
    },
    runtime: { name: 'onnxruntime', version: '0.0.0-synthetic', threads: options.threads ?? 1, backend: 'cpu' },
    settings: { ...DEFAULT_BENCH_SETTINGS, runs: options.samples, repeats: repeated?.repeats.length ?? 1 },
    inputs: [],
    initMs: 12,
    firstInferenceMs: options.medianMs * 3,
    latencyMs,
    memory: { peakRssBytes: (80 + options.seed) * 1024 * 1024, modelLoadRssBytes: 4 * 1024 * 1024, osPeakRssBytes: null },
    verdict: repeated?.betweenRun.disagree ? 'unstable' : 'stable',
    warnings: repeated?.warnings ?? [],
    ...(repeated ? { repeats: repeated.repeats, betweenRun: repeated.betweenRun } : {}),
  });
}

/** Writes the run into `<workspace>/runs/<id>.json`, where the studio lists it. */
export async function writeSyntheticRun(workspaceDir: string, options: SyntheticRunOptions): Promise<RunFile> {
  const run = syntheticRun(options);
  const dir = path.join(workspaceDir, 'runs');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, `${run.id}.json`), JSON.stringify(run));
  return run;
}
