import { z } from 'zod';
import { ModelFormat } from './model-info';

export const RUN_SCHEMA = 'edgebench.run/1';

export const TargetKind = z.enum(['local', 'ssh', 'serial']);
export type TargetKind = z.infer<typeof TargetKind>;

export const HardwareProfile = z.object({
  arch: z.string(),
  cpuModel: z.string(),
  cores: z.number().int(),
  memoryBytes: z.number(),
  /** e.g. "Linux 6.1.0 (Debian GNU/Linux 12)" */
  os: z.string(),
  /** CPU features that matter for inference (avx2, avx512_vnni, amx_int8, asimddp, i8mm...). */
  cpuFeatures: z.array(z.string()).default([]),
});
export type HardwareProfile = z.infer<typeof HardwareProfile>;

/** How the inputs were made; kept so a run can be reproduced. */
export const BenchSettings = z.object({
  warmupRuns: z.number().int().min(0),
  runs: z.number().int().min(1),
  /** Keep measuring past `runs` until this much time was spent measuring. */
  minTimeMs: z.number().min(0),
  threads: z.number().int().min(0),
  /** Sizes given for symbolic dimensions, by input name. */
  shapes: z.record(z.string(), z.array(z.number().int().min(0))).default({}),
  /** Constant values given for inputs, by input name (every element takes the value). */
  values: z.record(z.string(), z.number()).default({}),
});
export type BenchSettings = z.infer<typeof BenchSettings>;

export const LatencyStats = z.object({
  /** Every measured latency in milliseconds, in the order measured. */
  samples: z.array(z.number()),
  count: z.number().int(),
  mean: z.number(),
  median: z.number(),
  p90: z.number(),
  p99: z.number(),
  min: z.number(),
  max: z.number(),
  stddev: z.number(),
});
export type LatencyStats = z.infer<typeof LatencyStats>;

export const RunWarning = z.object({
  /** Stable code, e.g. "high-variance", "few-samples", "slow-first-run". */
  code: z.string(),
  /** Tells the user what it means and what to do. */
  message: z.string(),
});
export type RunWarning = z.infer<typeof RunWarning>;

export const InputDescription = z.object({
  name: z.string(),
  dtype: z.string(),
  shape: z.array(z.number().int()),
  /** "random" or "constant 16000" */
  fill: z.string(),
});

export const RunFile = z.object({
  schema: z.literal(RUN_SCHEMA),
  id: z.string(),
  createdAt: z.string(),
  status: z.literal('completed'),
  model: z.object({
    name: z.string(),
    format: ModelFormat,
    sha256: z.string(),
    sizeBytes: z.number().int(),
    /** "float" for an imported model; the recipe name for a variant. */
    variant: z.string(),
  }),
  target: z.object({ kind: TargetKind, name: z.string(), hardware: HardwareProfile }),
  runtime: z.object({ name: z.string(), version: z.string(), threads: z.number().int() }),
  settings: BenchSettings,
  inputs: z.array(InputDescription).default([]),
  /** Loading the model into a session, in milliseconds. */
  initMs: z.number(),
  /** The first inference, kept apart from warmup and measured runs. */
  firstInferenceMs: z.number(),
  latencyMs: LatencyStats,
  memory: z.object({
    /** Peak resident set size of the runner process. */
    peakRssBytes: z.number(),
    /** RSS after loading the model minus RSS before. */
    modelLoadRssBytes: z.number().optional(),
  }),
  warnings: z.array(RunWarning),
});
export type RunFile = z.infer<typeof RunFile>;

/** What lists of runs carry: enough to draw a table row without reading the samples. */
export const RunSummary = z.object({
  id: z.string(),
  createdAt: z.string(),
  modelName: z.string(),
  modelSha256: z.string(),
  variant: z.string(),
  targetName: z.string(),
  runtime: z.string(),
  threads: z.number().int(),
  median: z.number(),
  p90: z.number(),
  count: z.number().int(),
  warnings: z.number().int(),
});
export type RunSummary = z.infer<typeof RunSummary>;
