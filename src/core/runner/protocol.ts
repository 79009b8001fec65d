/**
 * The runner protocol, "edgebench.runner/1": one JSON object per line. The parent writes requests
 * to the runner's stdin (or, under Electron's utilityProcess, whose stdin cannot be piped, posts
 * the same lines through parentPort); the runner writes replies to stdout, and nothing else goes
 * to stdout. Anything a runtime prints belongs on stderr, which the parent keeps as the runner's
 * log. The same protocol is spoken by the runners copied to SSH targets (Node and Python), so it
 * stays small and every field is plain JSON.
 *
 * A session: hello → hello, load → loaded, warmup → first, progress*, warmedUp,
 * measure → progress*, samples (measure may be sent several times: report mode's windows),
 * profile → profile, evaluate → progress*, outputs, bye → bye (then the runner exits 0). Any request may instead be answered by
 * an error; the runner stays alive after an error unless it was fatal.
 *
 * Compatibility within /1: fields added to requests have defaults, so an older parent's requests
 * still parse; replies only gain fields. A runner for another target (the Python runner) answers
 * a request it cannot serve (e.g. profile) with the error code UNSUPPORTED.
 */
import { z } from 'zod';
import { HardwareProfile, RuntimeName, RuntimeOptions } from '../../shared/run-schema';
import { RunAccelerator } from '../../shared/runtimes';
import { Wording } from '../../shared/wording';

export { RuntimeName };

export const RUNNER_PROTOCOL = 'edgebench.runner/1';

/** How an input tensor is filled: seeded random values, or every element set to one value. */
export const InputFill = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('random'), seed: z.number().int() }),
  z.object({ kind: z.literal('constant'), value: z.number() }),
]);
export type InputFill = z.infer<typeof InputFill>;

/** What the parent asks for one input; the runtime's own metadata fills in the rest. */
export const InputRequest = z.object({
  name: z.string(),
  /** Informative: the runtime uses the dtype the loaded model declares. */
  dtype: z.string().optional(),
  /**
   * A full shape. The studio sends one for every input whose rank the model declares (see
   * planInput); omitted means "the model's shape with symbolic dims set to 1", a guess the parent records.
   */
  shape: z.array(z.number().int().min(0)).optional(),
  fill: InputFill,
});
export type InputRequest = z.infer<typeof InputRequest>;

/** The input tensor the runner actually built. */
export const InputUsed = z.object({
  name: z.string(),
  dtype: z.string(),
  shape: z.array(z.number().int()),
  fill: InputFill,
  /** The shape the model declares: numbers, names of symbolic dims, or null for unknown dims; null if the rank is unknown. */
  declaredShape: z.array(z.union([z.number(), z.string(), z.null()])).nullable(),
});
export type InputUsed = z.infer<typeof InputUsed>;

// ---- requests (parent → runner) ----

export const HelloRequest = z.object({ type: z.literal('hello'), protocol: z.string() });
export const LoadRequest = z.object({
  type: z.literal('load'),
  modelPath: z.string(),
  runtime: RuntimeName,
  /** Intra-op threads; 0 lets the runtime choose. */
  threads: z.number().int().min(0),
  inputs: z.array(InputRequest),
  /** Runtime-specific settings (graph optimization, execution mode, tfjs backend...). */
  options: RuntimeOptions.default(RuntimeOptions.parse({})),
});
/**
 * Runs one first inference (reported apart, counted in neither the runs nor the time below),
 * then warmup runs until both `runs` were done and `minTimeMs` was spent on them.
 */
export const WarmupRequest = z.object({
  type: z.literal('warmup'),
  runs: z.number().int().min(0),
  minTimeMs: z.number().min(0).default(0),
});
export const MeasureRequest = z.object({
  type: z.literal('measure'),
  /** Measured runs at least. */
  runs: z.number().int().min(1),
  /** Keep measuring past `runs` until the measured latencies add up to this much. */
  minTimeMs: z.number().min(0),
  /**
   * Stop once this much wall time passed since the request arrived (input refreshes included),
   * even before `runs` or `minTimeMs` were reached; 0 = no limit. At least one run is always made.
   */
  maxTimeMs: z.number().min(0).default(0),
  /** Refill the random inputs with new values (seeded, untimed) before every measured run. */
  freshInputs: z.boolean().default(false),
  /** Send progress after this many runs, or sooner if runs are slow; never more than about 20 per second; always after the last run. */
  progressEvery: z.number().int().min(1),
  /** Upper bound on the runs minTimeMs may add, so a fast model cannot produce millions of samples. */
  maxRuns: z.number().int().min(1).optional(),
});
/**
 * `runs` inferences under the runtime's own profiler, in a separate session so profiling never
 * slows the measured runs. Runtimes without a profiler answer the error UNSUPPORTED.
 */
export const ProfileRequest = z.object({ type: z.literal('profile'), runs: z.number().int().min(1) });
/** Evaluation replies carry every output value as JSON; past this many the runner refuses (ask for fewer samples). */
export const MAX_EVAL_OUTPUT_VALUES = 4_000_000;
/** Samples per inference when the model's batch dim is free; a fixed batch dim is used as declared. */
export const DEFAULT_EVAL_BATCH = 32;

/**
 * What one model input gets in an evaluation: the dataset's samples, the dataset's array named after
 * the input (a dataset with one array per model input), or a constant tensor (every element `value`,
 * e.g. a sample rate; 0 for a zeroed state) of the given shape, the same for every batch.
 */
export const EvalFeed = z.discriminatedUnion('from', [
  z.object({ name: z.string(), from: z.literal('dataset') }),
  z.object({ name: z.string(), from: z.literal('array') }),
  z.object({ name: z.string(), from: z.literal('constant'), shape: z.array(z.number().int().min(0)), value: z.number() }),
]);
export type EvalFeed = z.infer<typeof EvalFeed>;

/**
 * Runs every sample of a stored dataset (edgebench.dataset/1, read by the runner itself, so the
 * samples never cross the protocol) through one input of the loaded model (its only input, or the
 * one `feeds` names; the others get the constants `feeds` gives them) and answers with the first
 * output's values. A dataset that cannot be read or does not fit that input is answered by
 * the error BAD_DATASET, whose message names both shapes.
 */
export const EvaluateRequest = z.object({
  type: z.literal('evaluate'),
  /** The dataset folder (holding dataset.json), as a path on the runner's machine. */
  datasetDir: z.string(),
  /** Where image channels go; default: the dataset recipe's layout, or the other one when only that fits the model. */
  layout: z.enum(['NCHW', 'NHWC']).optional(),
  /** Only the first `limit` samples. */
  limit: z.number().int().min(0).optional(),
  /** Samples per inference when the model's batch dim is free (default DEFAULT_EVAL_BATCH). */
  batchSize: z.number().int().min(1).optional(),
  /**
   * One entry per model input (default: the dataset feeds the model's only input). With constants or
   * arrays, every batch is batchSize rows (the last one padded), as the constants are sized for it.
   */
  feeds: z.array(EvalFeed).optional(),
});
export const ByeRequest = z.object({ type: z.literal('bye') });

export const RunnerRequest = z.discriminatedUnion('type', [
  HelloRequest,
  LoadRequest,
  WarmupRequest,
  MeasureRequest,
  ProfileRequest,
  EvaluateRequest,
  ByeRequest,
]);
export type RunnerRequest = z.infer<typeof RunnerRequest>;
/** Requests as the parent writes them: fields with defaults may be left out. */
export type RunnerRequestInput = z.input<typeof RunnerRequest>;
export type LoadRequest = z.infer<typeof LoadRequest>;
export type WarmupRequest = z.infer<typeof WarmupRequest>;
export type MeasureRequest = z.infer<typeof MeasureRequest>;
export type EvaluateRequest = z.infer<typeof EvaluateRequest>;

// ---- replies (runner → parent) ----

export const HelloReply = z.object({
  type: z.literal('hello'),
  protocol: z.string(),
  /** Which runner program answers, e.g. { name: 'edgebench-node-runner', version: '0.1.0' }. */
  runner: z.object({ name: z.string(), version: z.string() }),
  /** process.version of the runner's Node, or the Python version for the Python runner. */
  node: z.string(),
  /** Runtime name → version, for the runtimes this runner can load. */
  runtimes: z.record(z.string(), z.string()),
  /** Runtime name → why it cannot be loaded here. */
  unavailable: z.record(z.string(), z.string()).default({}),
  hardware: HardwareProfile,
  /** The smallest step of the runner's clock, estimated at start, in nanoseconds. */
  timerResolutionNs: z.number(),
});
export const LoadedReply = z.object({
  type: z.literal('loaded'),
  /** Which backend runs the model, e.g. 'cpu' (onnxruntime), 'wasm' (tfjs), 'wasm (XNNPACK)' (litert). */
  backend: z.string(),
  /** Creating the session, in milliseconds. */
  initMs: z.number(),
  rssBeforeBytes: z.number(),
  rssAfterBytes: z.number(),
  inputs: z.array(InputUsed),
  /** How the runtime loaded the model, when not as it is (LiteRT.js's int8 I/O adapter); every run and evaluation shows them. */
  notes: z.array(z.string()).optional(),
  /** The Python runner's engines: the accelerator asked for and what really ran (delegate, providers, backend, device). */
  accelerator: RunAccelerator.optional(),
});
export const FirstReply = z.object({ type: z.literal('first'), firstInferenceMs: z.number() });
export const WarmedUpReply = z.object({ type: z.literal('warmedUp'), runs: z.number().int() });
export const ProgressReply = z.object({
  type: z.literal('progress'),
  phase: z.enum(['warmup', 'measuring', 'profiling', 'evaluating']),
  /** Runs done; samples done while evaluating. */
  completed: z.number().int(),
  /** Planned runs (samples while evaluating); under minTimeMs it is an estimate that may grow. */
  total: z.number().int(),
  /**
   * Measuring only: the latencies measured since the previous progress of this measure request,
   * in order, so a parent whose runner dies mid-measure (crash, lost SSH link) keeps them.
   */
  latencyMs: z.array(z.number()).optional(),
});
export const SamplesReply = z.object({
  type: z.literal('samples'),
  /** One latency per measured run, in the order measured. */
  latencyMs: z.array(z.number()),
  /** Highest RSS sampled between runs since the runner started. */
  peakRssBytes: z.number(),
  /** The OS's own peak RSS of the runner so far (getrusage), when it has one. */
  osPeakRssBytes: z.number().nullable(),
  /** True when maxTimeMs stopped the runs before `runs` and `minTimeMs` were both reached. */
  maxTimeReached: z.boolean(),
});
/** What the runtime's profiler saw; see RuntimeProfile in runtimes/index.ts for the fields. */
export const ProfileReply = z.object({
  type: z.literal('profile'),
  runs: z.number().int(),
  runtimeRunMs: z.array(z.number()),
  wallRunMs: z.array(z.number()),
  nodes: z.array(z.object({ name: z.string(), opType: z.string(), totalUs: z.number() })),
});
/** The answer to evaluate: the model's first output for every sample, in dataset order. */
export const OutputsReply = z.object({
  type: z.literal('outputs'),
  /** The output whose values these are (the model's first). */
  outputName: z.string(),
  /** Values per sample (the output's elements after the batch dim); 0 when there were no samples. */
  width: z.number().int().min(0),
  /** Samples evaluated. */
  count: z.number().int().min(0),
  /** count × width values, sample after sample, as float (integer outputs converted). */
  values: z.array(z.number()),
  /** The layout the samples were fed in. */
  layout: z.enum(['NCHW', 'NHWC']),
  /** The input shape of one inference, batch first. */
  inputShape: z.array(z.number().int()),
  /** Wall time of the inferences (loading the dataset not included), in milliseconds. */
  inferMs: z.number(),
});
export const ByeReply = z.object({
  type: z.literal('bye'),
  /** Highest RSS sampled between runs over the runner's life. */
  peakRssBytes: z.number(),
  /** The OS's own peak RSS for the runner process (getrusage), when it has one. */
  osPeakRssBytes: z.number().nullable(),
});
export const RunnerErrorCode = z.enum([
  'BAD_REQUEST', // a line that is not a valid request
  'PROTOCOL_MISMATCH',
  'OUT_OF_ORDER', // e.g. measure before load
  'UNKNOWN_RUNTIME',
  'LOAD_FAILED', // the runtime refused the model file
  'UNSUPPORTED_INPUT', // an input dtype the runner cannot fill
  'INPUTS_REJECTED', // the first inference failed: most likely the generated inputs
  'RUN_FAILED', // a later inference failed
  'UNSUPPORTED', // a request this runtime or runner cannot serve (profile without a profiler)
  'BAD_DATASET', // evaluate: the dataset cannot be read or its samples do not fit the model's input
  'INTERNAL',
]);
export type RunnerErrorCode = z.infer<typeof RunnerErrorCode>;
/** `wording`: the message's remedies as data (src/shared/remedies.ts), so the studio words them for its front-end; the Python runner sends none. */
export const ErrorReply = z.object({ type: z.literal('error'), code: RunnerErrorCode, message: z.string(), wording: Wording.optional() });

export const RunnerReply = z.discriminatedUnion('type', [
  HelloReply,
  LoadedReply,
  FirstReply,
  WarmedUpReply,
  ProgressReply,
  SamplesReply,
  ProfileReply,
  OutputsReply,
  ByeReply,
  ErrorReply,
]);
export type RunnerReply = z.infer<typeof RunnerReply>;
export type ReplyOf<T extends RunnerReply['type']> = Extract<RunnerReply, { type: T }>;
export type HelloReply = ReplyOf<'hello'>;
export type LoadedReply = ReplyOf<'loaded'>;
export type SamplesReply = ReplyOf<'samples'>;
export type ProfileReply = ReplyOf<'profile'>;
export type OutputsReply = ReplyOf<'outputs'>;
export type ByeReply = ReplyOf<'bye'>;
export type ProgressReply = ReplyOf<'progress'>;
export type ErrorReply = ReplyOf<'error'>;

/** One protocol line (without its newline). */
export function encodeLine(message: RunnerRequestInput | RunnerReply): string {
  return JSON.stringify(message);
}
