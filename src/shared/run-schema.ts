import { z } from 'zod';
import { RunEnergy, RunEnergySummary } from './energy';
import { ModelFormat } from './model-info';
import { GivenInputs } from './model-inputs';
import { RuntimeOptions } from './plugins/runtimes';
import { RunAccelerator, RunAcceleratorSummary } from './runtimes';
import { TargetKind } from './plugins/target-kinds';
import { Wording } from './wording';
export { RUNTIMES_FOR_FORMAT } from './runtimes';
/** Derived from the registries (src/shared/plugins), never retyped here. */
export { RuntimeName, RuntimeOptions, type RuntimeOptionsMap } from './plugins/runtimes';
export { TargetKind } from './plugins/target-kinds';

export const RUN_SCHEMA = 'edgebench.run/1';

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

/**
 * quick: `runs` / `minTimeMs` / `maxTimeMs` as given. report: MLPerf Tiny's rule, 5 windows of
 * at least 10 s each, the reported latency is the median of the windows' medians.
 */
export const RunMode = z.enum(['quick', 'report']);
export type RunMode = z.infer<typeof RunMode>;

/**
 * The CPUs a run is pinned to (taskset): all; a cluster by rank (little = the slowest max clock,
 * big = the fastest, mid = those between); or a hex CPU mask (0xf0). Lower case.
 */
export const CPU_SELECTION_PATTERN = /^(all|little|mid|big|0x[0-9a-f]{1,16})$/;
export const CpuSelection = z.string().regex(CPU_SELECTION_PATTERN);

/** How the inputs were made; kept so a run can be reproduced. */
export const BenchSettings = z.object({
  warmupRuns: z.number().int().min(0),
  /** Keep warming up past `warmupRuns` until this much time was spent (0 = by count only). */
  warmupMinTimeMs: z.number().min(0).default(0),
  runs: z.number().int().min(1),
  /** Keep measuring past `runs` until this much time was spent measuring. */
  minTimeMs: z.number().min(0),
  /** Stop measuring once this much time was spent, even before `runs` (0 = no limit). TFLite's max_secs. */
  maxTimeMs: z.number().min(0).default(0),
  mode: RunMode.default('quick'),
  /** A new random input before every measured run (its making is not timed), instead of one fixed input. */
  freshInputs: z.boolean().default(false),
  threads: z.number().int().min(0),
  runtimeOptions: RuntimeOptions.default(RuntimeOptions.parse({})),
  /** Extra runs with the runtime's own profiler after measuring (onnxruntime only; 0 = none). */
  profileRuns: z.number().int().min(0).max(1000).default(20),
  /** Sizes given for symbolic dimensions, by input name. */
  shapes: z.record(z.string(), z.array(z.number().int().min(0))).default({}),
  /** Sizes given for named symbolic dims (every input with the dim takes it), by dim name. */
  dims: z.record(z.string(), z.number().int().min(0)).default({}),
  /** Constant values given for inputs, by input name (every element takes the value). */
  values: z.record(z.string(), z.number()).default({}),
  /** On SSH boards, also run the board's own benchmark tool (benchmark_model, trtexec, onnxruntime_perf_test) where it has one. */
  nativeTools: z.boolean().default(true),
  /**
   * Fresh runner processes per cell, each loading the model anew; in a matrix the repeats are
   * interleaved across cells (A B C A B C …) so slow drift touches every cell alike. 1 = one
   * process, as before repeats existed (older files have none and read as 1).
   */
  repeats: z.number().int().min(1).max(100).default(1),
  /** The CPUs the cell's runner was pinned to, as asked (a matrix axis, like threads); absent: not pinned, as in older files. run.cpuPinning says which CPUs that was. */
  cpus: CpuSelection.optional(),
});
export type BenchSettings = z.infer<typeof BenchSettings>;

export const LatencyStats = z.object({
  /** Every measured latency in milliseconds, in the order measured. */
  samples: z.array(z.number()),
  count: z.number().int(),
  mean: z.number(),
  median: z.number(),
  p50: z.number(),
  p90: z.number(),
  p95: z.number(),
  p99: z.number(),
  min: z.number(),
  max: z.number(),
  /** Sample standard deviation (n - 1). */
  stddev: z.number(),
  /** Coefficient of variation: stddev / mean, as a fraction. */
  cv: z.number(),
  /** 95% confidence interval of the median (distribution-free, from order statistics). */
  medianCi95: z.object({ low: z.number(), high: z.number() }),
  /** Inferences per second: count / (sum of latencies in seconds). */
  throughputPerSec: z.number(),
  outliers: z.object({
    /** Samples whose modified z-score (on the median absolute deviation) exceeds the threshold. */
    madZ: z.number().int(),
    /** Tukey's fences: beyond 1.5 IQR (mild, severe included) and beyond 3 IQR (severe). */
    tukeyMild: z.number().int(),
    tukeySevere: z.number().int(),
  }),
});
export type LatencyStats = z.infer<typeof LatencyStats>;

/**
 * The fewest samples a percentile needs before it means something (MLPerf's minimums);
 * below them the UI and CLI show "too few samples" instead of the value.
 */
export const PERCENTILE_MIN_SAMPLES = { p50: 1, p90: 64, p95: 128, p99: 662 } as const;
export type PercentileName = keyof typeof PERCENTILE_MIN_SAMPLES;

/**
 * The latency a run reports: with repeats the median of the repeats' medians; in report mode (one
 * process) the median of its windows' medians, as MLPerf Tiny's rule; else the median of its samples.
 */
export function headlineMedianMs(run: Pick<RunFile, 'betweenRun' | 'report' | 'latencyMs'>): number {
  return run.betweenRun?.medianMs ?? run.report?.medianOfWindowsMs ?? run.latencyMs.median;
}

export function percentileSupported(name: PercentileName, count: number): boolean {
  return count >= PERCENTILE_MIN_SAMPLES[name];
}

/** The board-side benchmark tools the studio can run beside its own runner. */
export const NativeToolName = z.enum(['benchmark_model', 'trtexec', 'onnxruntime_perf_test']);
export type NativeToolName = z.infer<typeof NativeToolName>;

/** Latency statistics as far as a native tool prints them, in milliseconds. */
export const NativeLatency = z.object({
  mean: z.number(),
  median: z.number().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  /** As the tool computes it: benchmark_model prints the population standard deviation, truncated to whole microseconds. */
  stddev: z.number().optional(),
  p90: z.number().optional(),
  p95: z.number().optional(),
  p99: z.number().optional(),
  /** Measured runs (warmup excluded). */
  count: z.number().int().optional(),
});
export type NativeLatency = z.infer<typeof NativeLatency>;

/**
 * benchmark_model's per-node table (tensorflow/lite/profiling's summarizer over the regular runs):
 * one row per node as executed, a delegate's kernels included. Times are per run (ms).
 */
export const NativeOpProfile = z.object({
  /** Profiled runs (the table's "Timings (microseconds): count=N"). */
  runs: z.number().int().min(1),
  rows: z.array(
    z.object({
      /** The op ("CONV_2D") or a delegate's kernel ("Convolution (NHWC, QC8) IGEMM", "TfLiteXNNPackDelegate"). */
      nodeType: z.string(),
      /** As printed: "[output tensors]:operator index" for a TFLite op, "Delegate/…:k" for a delegate's kernel. */
      name: z.string(),
      firstMs: z.number(),
      avgMs: z.number(),
      /** Of the run's time in nodes (the [%] column / 100). */
      share: z.number(),
      timesCalled: z.number().int(),
    }),
  ),
});
export type NativeOpProfile = z.infer<typeof NativeOpProfile>;

/**
 * What a board's own benchmark tool reported for the same model. The tools time different spans
 * (Invoke only, a whole query with copies, Session::Run), so `measures` says what the numbers cover.
 */
export const NativeToolResult = z.object({
  tool: NativeToolName,
  /** The tool's version where its output names one (trtexec: the TensorRT version). */
  version: z.string().optional(),
  /** One sentence: what span of work the latencies cover, so a user can tell why they differ from the studio's runner. */
  measures: z.string(),
  /** The command line run on the board. */
  command: z.string().optional(),
  latencyMs: NativeLatency,
  /** Loading the model (benchmark_model: Init; trtexec: engine deserialization; perf_test: session creation). */
  initMs: z.number().optional(),
  firstInferenceMs: z.number().optional(),
  /** Mean of the warmup runs (benchmark_model). */
  warmupMeanMs: z.number().optional(),
  /** Inferences per second as the tool reports it (trtexec qps, perf_test inferences per second). */
  throughputPerSec: z.number().optional(),
  /** trtexec: GPU compute time alone, without host-device copies. */
  gpuComputeMs: NativeLatency.optional(),
  memory: z
    .object({
      /** benchmark_model: memory footprint growth during init, and over the whole run. */
      initFootprintBytes: z.number().optional(),
      overallFootprintBytes: z.number().optional(),
      /** perf_test: peak working set; benchmark_model: peak footprint with --report_peak_memory_footprint. */
      peakBytes: z.number().optional(),
    })
    .optional(),
  /** benchmark_model with --enable_op_profiling: its "Run Order" table, row by row, as the tool printed it (the run's profile maps it to graph nodes). */
  opProfile: NativeOpProfile.optional(),
  /** What the tool printed, so a user can read it (in a run file: cut to NATIVE_RAW_MAX_CHARS, keeping its end). */
  raw: z.string(),
});
export type NativeToolResult = z.infer<typeof NativeToolResult>;

/** A run file keeps this much of a native tool's output (its head and its end, where the results are). */
export const NATIVE_RAW_MAX_CHARS = 20_000;

export const RunWarning = z.object({
  /** Stable code, e.g. "high-variance", "few-samples", "slow-first-run" (see src/core/bench/warnings.ts). */
  code: z.string(),
  /** Tells the user what it means and what to do (in the CLI's words). */
  message: z.string(),
  /** The message with its remedies as data, so each front-end names the settings in its own words (src/shared/remedies.ts); absent in older files. */
  wording: Wording.optional(),
});
export type RunWarning = z.infer<typeof RunWarning>;

/**
 * What the machine was doing around a run (or one repeat of it), where the platform tells. Every
 * field is optional: a reading the target does not expose is absent, never a guess.
 */
export const RunEnvironment = z.object({
  /** Average current clock over all cores, before and after, in MHz. */
  cpuMHz: z.object({ start: z.number(), end: z.number() }).optional(),
  /** The hottest thermal zone before and after, in °C. */
  temperatureC: z.object({ start: z.number(), end: z.number() }).optional(),
  /** 1-minute load average before the run, and the busiest other processes' names. */
  loadAverage: z.number().optional(),
  busyProcesses: z.array(z.string()).optional(),
  /** The cpufreq governor of every core ("performance", "schedutil"); several names when the cores differ ("ondemand, performance"). */
  governor: z.string().optional(),
  /** Each core's current clock before and after, and its allowed range, in MHz (cpufreq scaling_cur/min/max_freq). */
  coresMHz: z
    .object({ start: z.array(z.number()), end: z.array(z.number()), min: z.array(z.number()).optional(), max: z.array(z.number()).optional() })
    .optional(),
  /**
   * Per CPU cluster (CPUs of one cpufreq cpuinfo_max_freq, slowest first; all cores as one where
   * that file is missing): its governor and the mean current clock of its CPUs (scaling_cur_freq),
   * before and after the measured runs. Absent without cpufreq and in older files.
   */
  cpuClusters: z
    .array(
      z.object({
        cpus: z.array(z.number().int().min(0)),
        /** The cluster's highest clock (cpuinfo_max_freq), in MHz. */
        maxMHz: z.number().optional(),
        /** Several names, sorted, when its CPUs differ ("ondemand, performance"). */
        governor: z.object({ start: z.string(), end: z.string() }).optional(),
        curMHz: z.object({ start: z.number(), end: z.number() }).optional(),
      }),
    )
    .optional(),
  /** Shares of all CPU time over the run, from /proc/stat: stolen by the hypervisor, and waiting on I/O (0.02 = 2 %). */
  stealShare: z.number().min(0).max(1).optional(),
  iowaitShare: z.number().min(0).max(1).optional(),
  /** Every thermal zone before and after (sysfs thermal_zone*), by its type. */
  thermalZones: z.array(z.object({ type: z.string(), startC: z.number(), endC: z.number() })).optional(),
  /** Throttling as the board says it: Raspberry Pi `vcgencmd get_throttled`, Android thermal status... */
  throttled: z
    .object({
      /** Throttled or under-voltage right now (at the run's end). */
      now: z.boolean(),
      /** At any time since boot. */
      sinceBoot: z.boolean(),
      /** The tool's own words ("throttled=0x50000"). */
      raw: z.string(),
      source: z.string(),
    })
    .optional(),
  /** On mains or battery, and the power mode where the board has one (Jetson nvpmodel "MAXN", a laptop's profile). */
  power: z.object({ source: z.enum(['ac', 'battery']).optional(), mode: z.string().optional() }).optional(),
  /** Memory pressure over the run: PSI's avg10 share of time some / all tasks stalled on memory (0.05 = 5 %), and MemAvailable at the start. */
  memoryPressure: z.object({ someAvg10: z.number(), fullAvg10: z.number().optional() }).optional(),
  memAvailableBytes: z.number().optional(),
  /** The kernel release (uname -r). */
  kernel: z.string().optional(),
});
export type RunEnvironment = z.infer<typeof RunEnvironment>;

/** One repeat of a cell: a fresh runner process that loaded the model and measured it. */
export const RunRepeat = z.object({
  /** 0-based, in the order run. */
  index: z.number().int().min(0),
  startedAt: z.string(),
  /** This repeat's samples are latencyMs.samples[sampleOffset, sampleOffset + count). */
  sampleOffset: z.number().int().min(0),
  count: z.number().int().min(0),
  medianMs: z.number(),
  /** The within-run 95 % CI of this repeat's median (order statistics); null below 6 samples. */
  medianCi95: z.object({ low: z.number(), high: z.number() }).nullable(),
  initMs: z.number(),
  environment: RunEnvironment.optional(),
});
export type RunRepeat = z.infer<typeof RunRepeat>;

/**
 * The uncertainty that includes what changes between processes (CPU clock, placement, steal
 * time, heat): computed over the repeats' medians, beside the within-run CI of latencyMs.
 */
export const BetweenRunEstimate = z.object({
  repeats: z.number().int().min(2),
  /** The headline latency of a run with repeats: the median of the repeats' medians. */
  medianMs: z.number(),
  /** 95 % CI of the median a fresh run would measure; null when the repeats are too few to say. */
  ci95: z.object({ low: z.number(), high: z.number() }).nullable(),
  /** How ci95 was computed, in words a report can print. */
  method: z.string(),
  /** The lowest and highest repeat median. */
  rangeMs: z.object({ min: z.number(), max: z.number() }),
  /** The repeats' medians disagree beyond their own within-run CIs: this machine did not hold a steady speed. */
  disagree: z.boolean(),
});
export type BetweenRunEstimate = z.infer<typeof BetweenRunEstimate>;

/** A symbolic dim nobody gave a size for, and the size the run guessed for it. */
export const GuessedDim = z.object({
  /** Position in the input's shape, 0-based. */
  index: z.number().int().min(0),
  /** The dim's name (shared by every input that has it), or null for an unnamed dim. */
  name: z.string().nullable(),
  /** The size it ran at. */
  value: z.number().int(),
});
export type GuessedDim = z.infer<typeof GuessedDim>;

export const InputDescription = z.object({
  name: z.string(),
  dtype: z.string(),
  shape: z.array(z.number().int()),
  /** "random" or "constant 16000" */
  fill: z.string(),
  /** The shape the model declares (names of symbolic dims, null for unknown ones); null when the rank is unknown. Absent in older runs. */
  declaredShape: z.array(z.union([z.number(), z.string(), z.null()])).nullable().optional(),
  /**
   * Symbolic dims that ran at a guessed size because no --shape, --dim or saved size gave one; a
   * run with any is unstable. Absent (none guessed) in older runs and in runs of boards, whose models fix every dim.
   */
  guessedDims: z.array(GuessedDim).optional(),
  /** The rank was unknown and no shape was given: the runtime built the input as it chose. Absent means no. */
  rankGuessed: z.boolean().optional(),
});
export type InputDescription = z.infer<typeof InputDescription>;

/**
 * completed: every planned run was measured. partial: measuring stopped early (the runner died,
 * the link to the board dropped, the board vanished); the run keeps the samples measured before,
 * with their statistics, and `stopped` says why. Files written before 'partial' existed are all
 * 'completed' and still load.
 */
export const RunStatus = z.enum(['completed', 'partial']);
export type RunStatus = z.infer<typeof RunStatus>;

/** Why a partial run stopped measuring. */
export const RunStop = z.object({
  /** The error code of the failure (RUNNER for a runner that died or a link that dropped). */
  code: z.string(),
  /** The failure, in the words the CLI and the UI showed for it. */
  reason: z.string(),
  /** What ended the measuring, e.g. "the runner stopped", "the link dropped", "the board stopped answering". */
  before: z.string(),
});
export type RunStop = z.infer<typeof RunStop>;

/** Who timed a run's per-node profile. */
export const ProfileSource = z.enum(['runtime', 'board', 'benchmark_model']);
export type ProfileSource = z.infer<typeof ProfileSource>;

/**
 * A board's tensor arena: what the firmware reported after building its interpreter (TFLM's
 * MicroInterpreter::arena_used_bytes(), in LOADED) beside the fit card's estimate for the same model.
 */
export const BoardMemory = z.object({
  /** Bytes of the arena the interpreter used; null: the board did not report it (not measured). */
  arenaUsedBytes: z.number().int().nullable(),
  arenaCapacityBytes: z.number().int().nullable(),
  /** The studio's estimate (src/core/targets/serial/fit-estimate.ts arenaBytes); null when it could not be made. */
  arenaEstimateBytes: z.number().int().nullable(),
  /** The simulated board reports its estimate as arena used: labelled simulated wherever shown. */
  simulated: z.boolean(),
  /** The EdgeBench serial protocol version the board spoke (2 reports per-op time). */
  protocolVersion: z.number().int().optional(),
});
export type BoardMemory = z.infer<typeof BoardMemory>;

export const RunFile = z.object({
  schema: z.literal(RUN_SCHEMA),
  id: z.string(),
  createdAt: z.string(),
  status: RunStatus,
  /** Present exactly when status is 'partial'. */
  stopped: RunStop.optional(),
  model: z.object({
    name: z.string(),
    format: ModelFormat,
    sha256: z.string(),
    sizeBytes: z.number().int(),
    /** "float" for an imported model; the recipe name for a variant. */
    variant: z.string(),
    /** The model file's absolute path as the CLI or the studio loaded it, which reproduce commands name; absent in older runs. */
    path: z.string().optional(),
  }),
  target: z.object({
    kind: TargetKind,
    name: z.string(),
    hardware: HardwareProfile,
    /** The CLI's --target for the same target (ssh://…, serial://…); absent for this computer. */
    spec: z.string().optional(),
  }),
  runtime: z.object({
    name: z.string(),
    version: z.string(),
    threads: z.number().int(),
    /** Which backend ran: tfjs 'tensorflow' | 'wasm' | 'cpu'; litert 'wasm (XNNPACK)'; onnxruntime 'cpu'. */
    backend: z.string(),
    /**
     * The tool binary the run used where the user chooses it (an Android device's benchmark_model):
     * pushed from this computer's `path` (what --benchmark-model named, made absolute), or the one
     * already on the device at `path`; its SHA-256 and size where they could be read (benchmark_model
     * prints no version). Absent for other runtimes and in older files.
     */
    binary: z
      .object({
        source: z.enum(['pushed', 'on-device']),
        path: z.string(),
        sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
        sizeBytes: z.number().int().min(0).optional(),
      })
      .optional(),
  }),
  /** Groups the runs of one matrix job. */
  job: z.object({ id: z.string(), cell: z.number().int(), cells: z.number().int() }).optional(),
  settings: BenchSettings,
  inputs: z.array(InputDescription).default([]),
  /** The input sizes and values saved with the model in the workspace that this run used (flags took precedence; settings hold the result). */
  savedInputs: GivenInputs.extend({ fromModelId: z.string() }).optional(),
  /** Loading the model into a session, in milliseconds. */
  initMs: z.number(),
  /** The first inference, kept apart from warmup and measured runs. */
  firstInferenceMs: z.number(),
  latencyMs: LatencyStats,
  memory: z.object({
    /** Peak resident set size of the runner process (native memory included). */
    peakRssBytes: z.number(),
    /** RSS after loading the model minus RSS before. */
    modelLoadRssBytes: z.number().optional(),
    /** The OS's own peak RSS at the runner's exit (getrusage), where the OS reports one. */
    osPeakRssBytes: z.number().nullable().optional(),
  }),
  /** Report mode: each window's runs and median; medianOfWindowsMs (the reported median) is the median of these medians. */
  report: z
    .object({
      windows: z.array(z.object({ runs: z.number().int(), durationMs: z.number(), medianMs: z.number() })),
      medianOfWindowsMs: z.number(),
    })
    .optional(),
  /**
   * The per-node profile, taken in extra runs after measuring: onnxruntime's own profiler, a board's
   * per-op ticks (EdgeBench protocol v2), or benchmark_model's op profiling. Node names are the model
   * graph's (a TFLite operator's graph id, e.g. CONV_2D_1), so overlays and run diffs read every source alike.
   */
  profile: z
    .object({
      runs: z.number().int(),
      /**
       * Our wall-clock median over the profiled runs, and the runtime's own median for the same runs.
       * A board (source 'board') and benchmark_model report only the mean over the profiled runs: both are that mean.
       */
      wallMedianMs: z.number(),
      runtimeMedianMs: z.number(),
      nodes: z.array(
        z.object({ name: z.string(), opType: z.string(), meanUs: z.number(), share: z.number() }),
      ),
      ops: z.array(z.object({ opType: z.string(), nodes: z.number().int(), meanUs: z.number(), share: z.number() })),
      /** Who timed the ops; absent in older files, which are all onnxruntime's ('runtime'). */
      source: ProfileSource.optional(),
      /** The simulated board's cost model split its modelled latency over the ops: not a measurement. Absent means measured. */
      simulated: z.boolean().optional(),
    })
    .optional(),
  /** Boards: the tensor arena the board reports beside the studio's estimate of it. Absent for other targets and in older files. */
  boardMemory: BoardMemory.optional(),
  /** What the machine was doing around the run, where the platform tells (with repeats: around the whole cell; each repeat has its own). */
  environment: RunEnvironment.optional(),
  /** Present when the cell ran in more than one fresh process (settings.repeats > 1): each repeat's share of the samples. */
  repeats: z.array(RunRepeat).optional(),
  /** With repeats: the between-run median and CI, which the verdict, Compare and the regression gate use. */
  betweenRun: BetweenRunEstimate.optional(),
  /** SSH boards: the board's own benchmark tools on the same model file, beside the studio runner's numbers above. */
  native: z.array(NativeToolResult).optional(),
  /** Energy per inference, when the run was measured with a power source (--energy); absent otherwise and in older files. */
  energy: RunEnergy.optional(),
  /** The Python runner's engines: the accelerator asked for, what really ran and which ops stayed on the CPU. Absent for CPU-only runtimes and in older files. */
  accelerator: RunAccelerator.optional(),
  /**
   * With settings.cpus: the CPUs that selection named on the target, its clusters in words, and the
   * CPUs the runner process was allowed on as the target's kernel reported it during the run
   * (/proc/PID/status Cpus_allowed_list; absent where it cannot be read). Absent when not pinned and in older files.
   */
  cpuPinning: z
    .object({
      cpus: z.array(z.number().int().min(0)),
      clusters: z.string(),
      allowedCpus: z.array(z.number().int().min(0)).optional(),
    })
    .optional(),
  /** stable: no warning that puts the numbers in doubt; unstable otherwise (see warnings). */
  verdict: z.enum(['stable', 'unstable']),
  warnings: z.array(RunWarning),
}).refine((run) => (run.status === 'partial') === (run.stopped !== undefined), {
  message: "a partial run says why it stopped ('stopped'), and only a partial run does",
  path: ['stopped'],
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
  runtimeBackend: z.string(),
  status: RunStatus,
  median: z.number(),
  p90: z.number(),
  count: z.number().int(),
  verdict: z.enum(['stable', 'unstable']),
  warnings: z.number().int(),
  peakRssBytes: z.number(),
  jobId: z.string().nullable(),
  /** With repeats: how many fresh runs, their 95 % CI (null when too few to say) and whether they disagree. */
  betweenRun: BetweenRunEstimate.pick({ repeats: true, ci95: true, disagree: true }).optional(),
  /** The results grid's figures, so that a job of hundreds of runs draws without reading their samples. */
  p99: z.number().optional(),
  /** 95 % CI of the median of all samples (within-run); the headline's CI when the run had no repeats. */
  medianCi95: z.object({ low: z.number(), high: z.number() }).optional(),
  /** The runtime's registry name ('onnxruntime'), as bench cells name it; `runtime` adds its version. */
  runtimeName: z.string().optional(),
  modelSizeBytes: z.number().int().optional(),
  /** The run's cell in its job (0-based) and the job's cell count. */
  jobCell: z.object({ cell: z.number().int(), cells: z.number().int() }).optional(),
  /** The run's energy per inference and how it was measured, when it was (--energy). */
  energy: RunEnergySummary.optional(),
  /** What the run's accelerator record says ran, and where its ops went (Python runner engines); absent for CPU-only runtimes and in older summaries. */
  accelerator: RunAcceleratorSummary.optional(),
  /** Inputs some of whose sizes the runner guessed (not given, not saved): the run measured a guess. Absent in older summaries. */
  guessedInputs: z.array(z.string()).optional(),
  /** The CPU selection the run was pinned to (settings.cpus), for the results grid's columns; absent when not pinned. */
  cpus: CpuSelection.optional(),
  /** True when a simulated board ran it (boardMemory.simulated): its latencies are modelled and its memory was not measured on a board. Absent otherwise. */
  simulated: z.boolean().optional(),
});
export type RunSummary = z.infer<typeof RunSummary>;
