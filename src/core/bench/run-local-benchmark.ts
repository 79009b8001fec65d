/**
 * One benchmark of one model on this computer: a runner process does the inference, this side
 * validates the request, follows the runner through its phases, and turns its samples into a
 * run file (statistics and warnings included).
 */
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import type { BenchPhase } from '../../shared/contract';
import { StudioError } from '../../shared/errors';
import type { ModelInfo } from '../../shared/model-info';
import { BenchSettings, RUN_SCHEMA, RunFile } from '../../shared/run-schema';
import type { ByeReply, HelloReply, LoadedReply, SamplesReply } from '../runner/protocol';
import { RunnerClient, type RunnerSpawner, type RunnerTimeouts } from '../runner/runner-client';
import { inputsRejectedMessage, planInputs } from './bench-inputs';
import { summarizeLatency } from './stats';
import { benchWarnings } from './warnings';

export interface LocalBenchJob {
  /** The model file the runner loads. */
  modelPath: string;
  /** Copied into the run file. */
  model: RunFile['model'];
  /** The model's inputs as the reader reported them; used to check --shape/--value before starting. */
  inputsInfo: ModelInfo['inputs'];
  settings: BenchSettings;
  /** Shown as the target, e.g. "This computer". */
  targetName: string;
}

export interface BenchProgress {
  phase: BenchPhase;
  /** Iterations done in this phase and how many are planned (may grow under minTimeMs). */
  completed: number;
  total: number;
  /** 0..1 over the whole job, never decreasing. */
  fraction: number;
}

export interface LocalBenchOptions {
  spawner: RunnerSpawner;
  onProgress?: (progress: BenchProgress) => void;
  signal?: AbortSignal;
  timeouts?: Partial<RunnerTimeouts>;
}

/** Where each phase sits in the job's overall fraction; 'saving' (the caller's) takes the rest. */
export const PHASE_SPANS: Record<BenchPhase, readonly [number, number]> = {
  starting: [0, 0.02],
  loading: [0.02, 0.1],
  warmup: [0.1, 0.2],
  measuring: [0.2, 0.98],
  saving: [0.98, 1],
};

/** minTimeMs may add runs up to this many, so a sub-microsecond model cannot fill memory with samples. */
export const MAX_MEASURED_RUNS = 100_000;

const RUNTIME = 'onnxruntime';

export async function runLocalBenchmark(job: LocalBenchJob, opts: LocalBenchOptions): Promise<RunFile> {
  const settings = BenchSettings.parse(job.settings);
  const inputs = planInputs(job.inputsInfo, settings);
  const report = progressReporter(opts.onProgress);

  report('starting', 0, 1);
  const client = RunnerClient.start(opts.spawner, { signal: opts.signal, timeouts: opts.timeouts });
  try {
    const hello = await client.hello();
    const runtimeVersion = hello.runtimes[RUNTIME];
    if (runtimeVersion === undefined) {
      const why = hello.unavailable[RUNTIME] ?? 'the runner does not offer it';
      throw new StudioError('RUNTIME', `${RUNTIME} cannot run on this computer: ${why}.`, { runtime: RUNTIME });
    }
    report('starting', 1, 1);

    report('loading', 0, 1);
    const loaded = await client
      .load({ modelPath: job.modelPath, runtime: RUNTIME, threads: settings.threads, inputs })
      .catch((error: unknown) => {
        throw withModelContext(error, job.modelPath, (message) => `${RUNTIME} could not load '${basename(job.modelPath)}': ${message}`);
      });
    report('loading', 1, 1);

    report('warmup', 0, settings.warmupRuns);
    const { firstInferenceMs } = await client
      .warmup(settings.warmupRuns, (p) => report('warmup', p.completed, p.total))
      .catch((error: unknown) => {
        throw withModelContext(error, job.modelPath, (message, runnerCode) =>
          runnerCode === 'INPUTS_REJECTED' ? inputsRejectedMessage(message, loaded.inputs, settings) : message,
        );
      });

    report('measuring', 0, settings.runs);
    const samples = await client.measure(
      {
        runs: settings.runs,
        minTimeMs: settings.minTimeMs,
        progressEvery: Math.max(1, Math.floor(settings.runs / 100)),
        maxRuns: Math.max(settings.runs, MAX_MEASURED_RUNS),
      },
      (p) => report('measuring', p.completed, p.total),
    );
    const bye = await client.bye();
    return buildRunFile(job, settings, { hello, loaded, firstInferenceMs, samples, bye });
  } finally {
    await client.close();
  }
}

interface RunnerResults {
  hello: HelloReply;
  loaded: LoadedReply;
  firstInferenceMs: number;
  samples: SamplesReply;
  bye: ByeReply;
}

function buildRunFile(job: LocalBenchJob, settings: BenchSettings, r: RunnerResults): RunFile {
  const latencyMs = summarizeLatency(r.samples.latencyMs);
  return RunFile.parse({
    schema: RUN_SCHEMA,
    id: newRunId(),
    createdAt: new Date().toISOString(),
    status: 'completed',
    model: job.model,
    target: { kind: 'local', name: job.targetName, hardware: r.hello.hardware },
    runtime: { name: RUNTIME, version: r.hello.runtimes[RUNTIME], threads: settings.threads },
    settings,
    inputs: r.loaded.inputs.map((input) => ({
      name: input.name,
      dtype: input.dtype,
      shape: input.shape,
      fill: input.fill.kind === 'constant' ? `constant ${input.fill.value}` : 'random',
    })),
    initMs: r.loaded.initMs,
    firstInferenceMs: r.firstInferenceMs,
    latencyMs,
    memory: {
      peakRssBytes: Math.max(r.samples.peakRssBytes, r.bye.peakRssBytes, r.bye.osPeakRssBytes ?? 0),
      modelLoadRssBytes: Math.max(0, r.loaded.rssAfterBytes - r.loaded.rssBeforeBytes),
    },
    warnings: benchWarnings(latencyMs, r.firstInferenceMs),
  });
}

/** "2026-11-26T18-20-00-123Z-ab12": sorts by time, safe as a file name, unique enough with its random tail. */
export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[:.]/g, '-')}-${randomBytes(2).toString('hex')}`;
}

function progressReporter(onProgress: LocalBenchOptions['onProgress']) {
  let lastFraction = 0;
  return (phase: BenchPhase, completed: number, total: number): void => {
    const [from, to] = PHASE_SPANS[phase];
    const within = total > 0 ? Math.min(1, completed / total) : 1;
    // Under minTimeMs the planned total can grow, which must not move the bar backwards.
    lastFraction = Math.max(lastFraction, from + (to - from) * within);
    onProgress?.({ phase, completed, total, fraction: lastFraction });
  };
}

/** Rewrites a runtime error's message and adds the model file to its context; other errors pass unchanged. */
function withModelContext(error: unknown, modelPath: string, reword: (message: string, runnerCode: string | undefined) => string): unknown {
  if (!(error instanceof StudioError) || error.code !== 'RUNTIME') return error;
  const runnerCode = error.context.runnerCode;
  return new StudioError('RUNTIME', reword(error.message, runnerCode), { ...error.context, file: modelPath });
}
