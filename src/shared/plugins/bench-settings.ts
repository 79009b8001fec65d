/**
 * The benchmark's own settings (every runtime and target has them), described as a plug-in's
 * options are: the CLI flag `edgebench bench` takes, the label of the Runs page's field, and the
 * --help line. Remedies name a setting through this table and the plug-ins' option specs
 * (settingNames in remedies.ts), so "--threads" and "the Threads field" are written once.
 */
import { DEFAULT_BENCH_SETTINGS } from '../bench-defaults';
import type { BenchSettings } from '../run-schema';

export interface BenchSettingSpec {
  /** The `edgebench bench` flag, without its dashes. */
  readonly flag: string;
  /** The Runs page's field. */
  readonly label: string;
  readonly help: string;
  readonly valueName?: string;
  /**
   * How the CLI reads the flag: intList takes N[,N...] (threads, where several values make a
   * matrix); a boolean flag sets the setting to true, or with `negates` to false; string takes
   * text the command checks itself (--cpus LIST, where several values make a matrix too).
   */
  readonly kind: 'int' | 'number' | 'choice' | 'boolean' | 'intList' | 'string';
  /** For int, number and intList: the smallest value accepted. */
  readonly min?: number;
  /** The boolean flag turns the setting off (--no-native-tools). */
  readonly negates?: true;
  /**
   * How a reproduce command writes it: always (the line still means the same run after a default
   * changes), or only when it differs from the default, to keep the line readable.
   */
  readonly reproduce: 'always' | 'when-changed';
  /** It applies only to runtimes with this capability (their descriptor says `profiler: true`). */
  readonly requires?: 'profiler';
}

/** Settings a user sets on the command line or in the form (inputs are set with --shape/--dim/--value or on the Models page). */
export type BenchSettingKey = Exclude<keyof BenchSettings, 'shapes' | 'dims' | 'values' | 'runtimeOptions'>;

const d = DEFAULT_BENCH_SETTINGS;

export const BENCH_SETTING_SPECS: { readonly [K in BenchSettingKey]-?: BenchSettingSpec } = {
  runs: { flag: 'runs', label: 'Runs', kind: 'int', min: 1, reproduce: 'always', help: `Measured inferences, at least (default ${d.runs}).` },
  warmupRuns: { flag: 'warmup', label: 'Warmup runs', kind: 'int', min: 0, reproduce: 'always', help: `Warmup inferences before measuring (default ${d.warmupRuns}).` },
  warmupMinTimeMs: {
    flag: 'warmup-time',
    label: 'Warmup min (ms)',
    kind: 'number',
    min: 0,
    reproduce: 'always',
    valueName: 'MS',
    help: `Keep warming up until this many ms have passed too (default ${d.warmupMinTimeMs}).`,
  },
  minTimeMs: {
    flag: 'min-time',
    label: 'Min time (ms)',
    kind: 'number',
    min: 0,
    reproduce: 'always',
    valueName: 'MS',
    help: 'Keep measuring past --runs until this many ms have passed (default 0).',
  },
  maxTimeMs: {
    flag: 'max-time',
    label: 'Max time (ms)',
    kind: 'number',
    min: 0,
    reproduce: 'always',
    valueName: 'MS',
    help: 'Stop measuring after this many ms even before --runs (default 0 = no limit).',
  },
  repeats: {
    flag: 'repeats',
    label: 'Repeats',
    kind: 'int',
    min: 1,
    reproduce: 'when-changed',
    valueName: 'N',
    help: 'Fresh runner processes per cell, interleaved across cells; the median and its CI then hold across processes (default 1).',
  },
  mode: { flag: 'mode', label: 'Mode', kind: 'choice', reproduce: 'always', help: 'quick, or report: 5 windows of at least 10 s, median of medians (MLPerf Tiny).' },
  freshInputs: { flag: 'fresh-inputs', label: 'Fresh random input', kind: 'boolean', reproduce: 'when-changed', help: 'A new random input before every measured run (not timed).' },
  threads: {
    flag: 'threads',
    label: 'Threads',
    kind: 'intList',
    min: 0,
    reproduce: 'always',
    valueName: 'N[,N...]',
    help: 'Intra-op threads; several values make a matrix; 0 = runtime decides (default 0).',
  },
  cpus: {
    flag: 'cpus',
    label: 'CPUs',
    kind: 'string',
    reproduce: 'when-changed',
    valueName: 'SEL[,SEL...]',
    help: 'Pin each cell to these CPUs with taskset: all, little, mid, big (clusters by max clock) or a hex mask such as 0x0f; several make a matrix (SSH boards, Android, This computer on Linux).',
  },
  profileRuns: {
    flag: 'profile-runs',
    label: 'Profile runs',
    kind: 'int',
    min: 0,
    reproduce: 'when-changed',
    requires: 'profiler',
    help: `Extra runs under onnxruntime's profiler for the per-op table (default ${d.profileRuns}; 0 = none).`,
  },
  nativeTools: {
    flag: 'no-native-tools',
    label: 'Native tools',
    kind: 'boolean',
    negates: true,
    reproduce: 'when-changed',
    help: "Do not also run the board's own benchmark tools (benchmark_model, trtexec, onnxruntime_perf_test) over SSH.",
  },
};
