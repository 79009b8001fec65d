/**
 * Which facts of the environment differ between two runs, in words: the studio's answer to "why
 * does this run not reproduce that one?". Pure (no Node, no DOM): the CLI (`edgebench repro`,
 * `edgebench compare`), the reports and the studio's Compare page all call it.
 *
 * Stable API:
 * - `environmentDifferences(a, b, names?)` → `EnvironmentDifference[]`: the facts that differ
 *   meaningfully, likeliest cause of a speed difference first. Each has `fact` (a stable id from
 *   `ENVIRONMENT_FACTS`), `label` ("CPU governor"), `a` and `b` (each run's value as shown to a
 *   user; `NOT_RECORDED` where that run did not record it) and `sentence` (one full sentence
 *   naming both values and why it matters). `names` words the runs in sentences (default "run A",
 *   "run B"; repro passes e.g. { a: 'the original run', b: 'this run' }).
 * - `environmentFacts(run)` → `EnvironmentFactValue[]`: one run's recorded facts, in the same order
 *   and words, for tables that show a single run's environment.
 * - The thresholds below are exported so a caller can say what "differs" means.
 *
 * Two kinds of facts. Settings (governor, kernel, power, runtime, model bytes, CPU) count only when
 * both runs recorded them and they differ: a fact one run did not record cannot be compared.
 * Troubles (throttling, steal, iowait, memory pressure, busy processes) count when one run had the
 * trouble and the other did not, or did not record it: a trouble seen on one side is a likely
 * cause either way.
 */
import { formatCpuList } from './cpu-pinning';
import type { HardwareProfile, RunEnvironment } from './run-schema';
import { formatBytes } from './units';

/** The facts compared, in the order differences are listed (likeliest cause of a speed change first). */
export const ENVIRONMENT_FACTS = [
  'model',
  'runtime',
  'cpu',
  'cpu-features',
  'throttling',
  'steal',
  'governor',
  'cluster-governors',
  'cpu-clock',
  'cpu-max-clock',
  'temperature',
  'power-source',
  'power-mode',
  'busy-processes',
  'load',
  'memory-pressure',
  'memory-available',
  'iowait',
  'kernel',
] as const;
export type EnvironmentFact = (typeof ENVIRONMENT_FACTS)[number];

/** What a run needs for the comparison; a RunFile is one. */
export interface ComparableRun {
  model?: { sha256: string };
  runtime?: { name: string; version: string; backend?: string };
  target?: { hardware: Pick<HardwareProfile, 'arch' | 'cpuModel' | 'cores'> & { cpuFeatures?: readonly string[] } };
  environment?: RunEnvironment | undefined;
}

export interface EnvironmentDifference {
  fact: EnvironmentFact;
  /** What the fact is, as a table heading ("CPU governor"). */
  label: string;
  /** Each run's value in words ("performance", "2400 MHz"); NOT_RECORDED where the run did not record it. */
  a: string;
  b: string;
  /** One sentence naming both values and why the difference can change a measurement. */
  sentence: string;
}

export interface EnvironmentFactValue {
  fact: EnvironmentFact;
  label: string;
  value: string;
}

export const NOT_RECORDED = 'not recorded';

/** Mean clocks more than 5 % apart: beyond what cpufreq's own steps and sampling jitter give. */
export const CLOCK_DIFFERENCE_SHARE = 0.05;
/** Steal above 1 % of CPU time: the hypervisor took enough to show in a median. */
export const STEAL_SHARE_NOTABLE = 0.01;
/** iowait above 5 %: something was hitting the disk hard during the run. */
export const IOWAIT_SHARE_NOTABLE = 0.05;
/** PSI some-avg10 above 5 %: tasks stalled on memory for a twentieth of the last 10 s. */
export const MEMORY_PRESSURE_NOTABLE = 0.05;
/** Hottest zones more than 10 °C apart: enough to move a board across its throttling point. */
export const TEMPERATURE_DIFFERENCE_C = 10;
/** Load averages at least one runnable process and a factor of 2 apart. */
export const LOAD_DIFFERENCE = { absolute: 1, factor: 2 } as const;
/** MemAvailable below half the other run's and below 1 GiB: the smaller may have been swapping. */
export const LOW_MEMORY = { factor: 0.5, bytes: 1024 ** 3 } as const;

const LABELS: Record<EnvironmentFact, string> = {
  model: 'model file',
  runtime: 'runtime',
  cpu: 'CPU',
  'cpu-features': 'CPU features',
  throttling: 'throttling',
  steal: 'steal time',
  governor: 'CPU governor',
  'cluster-governors': 'governor per CPU cluster',
  'cpu-clock': 'mean CPU clock',
  'cpu-max-clock': 'highest allowed clock',
  temperature: 'hottest temperature',
  'power-source': 'power source',
  'power-mode': 'power mode',
  'busy-processes': 'busy processes',
  load: 'load average',
  'memory-pressure': 'memory pressure',
  'memory-available': 'available memory',
  iowait: 'iowait',
  kernel: 'kernel',
};

const PLURAL_LABELS: ReadonlySet<EnvironmentFact> = new Set(['cpu-features', 'busy-processes']);

/** Why each difference can change a measurement, completing the sentence. */
const WHY: Record<EnvironmentFact, string> = {
  model: 'these runs measured different files',
  runtime: 'another runtime build can run the model differently',
  cpu: 'these runs ran on different machines',
  'cpu-features': 'kernels pick other code paths on other instruction sets',
  throttling: 'a throttled board runs at a lower clock',
  steal: 'the hypervisor took CPU time from the benchmark',
  governor: 'a governor other than performance lets the clock change between and during runs',
  'cluster-governors': 'a governor other than performance lets that cluster\'s clock change between and during runs',
  'cpu-clock': 'latency scales with the clock',
  'cpu-max-clock': 'a capped clock is a slower machine',
  temperature: 'a hot chip slows down to protect itself',
  'power-source': 'on battery many machines lower their clocks',
  'power-mode': 'power modes set clocks and enabled cores',
  'busy-processes': 'other processes competed with the benchmark for the CPU',
  load: 'other work competed with the benchmark for the CPU',
  'memory-pressure': 'tasks stalled waiting for memory',
  'memory-available': 'with little free memory the system may have been reclaiming or swapping',
  iowait: 'heavy disk activity disturbs a CPU benchmark',
  kernel: 'another kernel schedules and clocks the CPU differently',
};

type Reading = string | undefined;

/** Each fact's value in one run, in words; undefined when the run did not record it. */
const VALUE: Record<EnvironmentFact, (run: ComparableRun) => Reading> = {
  model: (run) => (run.model === undefined ? undefined : `sha256 ${run.model.sha256.slice(0, 12)}`),
  runtime: (run) => (run.runtime === undefined ? undefined : [run.runtime.name, run.runtime.version, run.runtime.backend].filter((part) => part !== undefined && part !== '').join(' ')),
  cpu: (run) => {
    const hardware = run.target?.hardware;
    return hardware === undefined ? undefined : `${hardware.cpuModel}, ${hardware.cores} cores, ${hardware.arch}`;
  },
  'cpu-features': (run) => {
    const features = run.target?.hardware.cpuFeatures;
    return features === undefined || features.length === 0 ? undefined : [...features].sort().join(' ');
  },
  throttling: (run) => {
    const throttled = run.environment?.throttled;
    if (throttled === undefined) return undefined;
    const state = throttled.now ? 'throttled during the run' : throttled.sinceBoot ? 'throttled since boot, not during the run' : 'not throttled';
    return `${state} (${throttled.raw})`;
  },
  steal: (run) => percent(run.environment?.stealShare),
  governor: (run) => run.environment?.governor,
  'cluster-governors': (run) => clusterGovernors(run.environment),
  'cpu-clock': (run) => mhz(meanClockMHz(run.environment)),
  'cpu-max-clock': (run) => mhz(maxClockMHz(run.environment)),
  temperature: (run) => celsius(hottestC(run.environment)),
  'power-source': (run) => {
    const source = run.environment?.power?.source;
    return source === undefined ? undefined : source === 'ac' ? 'mains (AC)' : 'battery';
  },
  'power-mode': (run) => run.environment?.power?.mode,
  'busy-processes': (run) => {
    const busy = run.environment?.busyProcesses;
    return busy === undefined ? undefined : busy.length === 0 ? 'none' : busy.join(', ');
  },
  load: (run) => run.environment?.loadAverage?.toFixed(2),
  'memory-pressure': (run) => percent(run.environment?.memoryPressure?.someAvg10, ' of the last 10 s stalled'),
  'memory-available': (run) => (run.environment?.memAvailableBytes === undefined ? undefined : formatBytes(run.environment.memAvailableBytes)),
  iowait: (run) => percent(run.environment?.iowaitShare),
  kernel: (run) => run.environment?.kernel,
};

/** Whether a fact differs meaningfully between two runs (see the header for settings and troubles). */
const DIFFERS: Record<EnvironmentFact, (a: ComparableRun, b: ComparableRun) => boolean> = {
  model: (a, b) => settingDiffers(a.model?.sha256, b.model?.sha256),
  runtime: (a, b) => settingDiffers(VALUE.runtime(a), VALUE.runtime(b)),
  cpu: (a, b) => settingDiffers(VALUE.cpu(a), VALUE.cpu(b)),
  'cpu-features': (a, b) => settingDiffers(VALUE['cpu-features'](a), VALUE['cpu-features'](b)),
  throttling: (a, b) => {
    const [x, y] = [throttleState(a.environment), throttleState(b.environment)];
    if (x === 'during' || y === 'during') return x !== y;
    return x !== undefined && y !== undefined && x !== y;
  },
  steal: (a, b) => troubleDiffers(a.environment?.stealShare, b.environment?.stealShare, STEAL_SHARE_NOTABLE),
  // Where both runs name each cluster's governor, that fact speaks instead (it also catches governors swapped between clusters, whose union is the same).
  governor: (a, b) => !bothHaveClusterGovernors(a, b) && settingDiffers(a.environment?.governor, b.environment?.governor),
  'cluster-governors': (a, b) => settingDiffers(clusterGovernors(a.environment), clusterGovernors(b.environment)),
  'cpu-clock': (a, b) => relativelyApart(meanClockMHz(a.environment), meanClockMHz(b.environment), CLOCK_DIFFERENCE_SHARE),
  'cpu-max-clock': (a, b) => relativelyApart(maxClockMHz(a.environment), maxClockMHz(b.environment), CLOCK_DIFFERENCE_SHARE),
  temperature: (a, b) => {
    const [x, y] = [hottestC(a.environment), hottestC(b.environment)];
    return x !== undefined && y !== undefined && Math.abs(x - y) > TEMPERATURE_DIFFERENCE_C;
  },
  'power-source': (a, b) => settingDiffers(a.environment?.power?.source, b.environment?.power?.source),
  'power-mode': (a, b) => settingDiffers(a.environment?.power?.mode, b.environment?.power?.mode),
  'busy-processes': (a, b) => troubleDiffers(a.environment?.busyProcesses?.length, b.environment?.busyProcesses?.length, 0),
  load: (a, b) => {
    const [x, y] = [a.environment?.loadAverage, b.environment?.loadAverage];
    if (x === undefined || y === undefined) return false;
    const [low, high] = x < y ? [x, y] : [y, x];
    return high - low >= LOAD_DIFFERENCE.absolute && high >= low * LOAD_DIFFERENCE.factor;
  },
  'memory-pressure': (a, b) => troubleDiffers(a.environment?.memoryPressure?.someAvg10, b.environment?.memoryPressure?.someAvg10, MEMORY_PRESSURE_NOTABLE),
  'memory-available': (a, b) => {
    const [x, y] = [a.environment?.memAvailableBytes, b.environment?.memAvailableBytes];
    if (x === undefined || y === undefined) return false;
    const [low, high] = x < y ? [x, y] : [y, x];
    return low < high * LOW_MEMORY.factor && low < LOW_MEMORY.bytes;
  },
  iowait: (a, b) => troubleDiffers(a.environment?.iowaitShare, b.environment?.iowaitShare, IOWAIT_SHARE_NOTABLE),
  kernel: (a, b) => settingDiffers(a.environment?.kernel, b.environment?.kernel),
};

/** The facts that differ meaningfully between two runs, likeliest cause first. */
export function environmentDifferences(a: ComparableRun, b: ComparableRun, names: { a: string; b: string } = { a: 'run A', b: 'run B' }): EnvironmentDifference[] {
  return ENVIRONMENT_FACTS.filter((fact) => DIFFERS[fact](a, b)).map((fact) => {
    const [valueA, valueB] = [VALUE[fact](a) ?? NOT_RECORDED, VALUE[fact](b) ?? NOT_RECORDED];
    const label = LABELS[fact];
    const sentence = `The ${label} ${PLURAL_LABELS.has(fact) ? 'differ' : 'differs'}: ${valueA} in ${names.a}, ${valueB} in ${names.b}; ${WHY[fact]}.`;
    return { fact, label, a: valueA, b: valueB, sentence };
  });
}

/** One run's recorded facts, in the order and words environmentDifferences uses. */
export function environmentFacts(run: ComparableRun): EnvironmentFactValue[] {
  return ENVIRONMENT_FACTS.flatMap((fact) => {
    const value = VALUE[fact](run);
    return value === undefined ? [] : [{ fact, label: LABELS[fact], value }];
  });
}

/**
 * Each cluster's governor, in CPU order: "CPUs 0-3 schedutil and CPUs 4-5 schedutil → performance"
 * (→ where it changed between the readings before and after the timed runs); undefined without clusters' governors.
 */
function clusterGovernors(environment: RunEnvironment | undefined): Reading {
  const named = (environment?.cpuClusters ?? []).flatMap((cluster) => {
    if (cluster.governor === undefined) return [];
    const { start, end } = cluster.governor;
    return [`CPU${cluster.cpus.length === 1 ? '' : 's'} ${formatCpuList(cluster.cpus)} ${start === end ? start : `${start} → ${end}`}`];
  });
  if (named.length === 0) return undefined;
  return named.length === 1 ? named[0] : `${named.slice(0, -1).join(', ')} and ${named.at(-1) as string}`;
}

function bothHaveClusterGovernors(a: ComparableRun, b: ComparableRun): boolean {
  return clusterGovernors(a.environment) !== undefined && clusterGovernors(b.environment) !== undefined;
}

function settingDiffers(x: string | undefined, y: string | undefined): boolean {
  return x !== undefined && y !== undefined && x !== y;
}

/** One run had the trouble (above `notable`) and the other did not, or did not record it; or both had it, one at least twice as much. */
function troubleDiffers(x: number | undefined, y: number | undefined, notable: number): boolean {
  const [troubledX, troubledY] = [x !== undefined && x > notable, y !== undefined && y > notable];
  if (troubledX !== troubledY) return true;
  if (!troubledX || x === undefined || y === undefined) return false;
  return Math.max(x, y) >= 2 * Math.min(x, y);
}

function relativelyApart(x: number | undefined, y: number | undefined, share: number): boolean {
  return x !== undefined && y !== undefined && Math.abs(x - y) > share * Math.min(x, y);
}

function throttleState(environment: RunEnvironment | undefined): 'during' | 'since-boot' | 'none' | undefined {
  const throttled = environment?.throttled;
  if (throttled === undefined) return undefined;
  return throttled.now ? 'during' : throttled.sinceBoot ? 'since-boot' : 'none';
}

/** The run's mean clock: every core before and after where cpufreq told, else the average clock before and after. */
export function meanClockMHz(environment: RunEnvironment | undefined): number | undefined {
  const cores = environment?.coresMHz;
  const readings = cores !== undefined ? [...cores.start, ...cores.end] : environment?.cpuMHz !== undefined ? [environment.cpuMHz.start, environment.cpuMHz.end] : [];
  return readings.length === 0 ? undefined : readings.reduce((sum, v) => sum + v, 0) / readings.length;
}

function maxClockMHz(environment: RunEnvironment | undefined): number | undefined {
  const max = environment?.coresMHz?.max;
  return max === undefined || max.length === 0 ? undefined : Math.max(...max);
}

/** The hottest reading of the run, over every zone (or the hottest-zone pair older runs kept). */
export function hottestC(environment: RunEnvironment | undefined): number | undefined {
  const zones = environment?.thermalZones;
  if (zones !== undefined && zones.length > 0) return Math.max(...zones.flatMap((zone) => [zone.startC, zone.endC]));
  const pair = environment?.temperatureC;
  return pair === undefined ? undefined : Math.max(pair.start, pair.end);
}

function percent(share: number | undefined, suffix = ''): Reading {
  return share === undefined ? undefined : `${(share * 100).toFixed(1)} %${suffix}`;
}

function mhz(value: number | undefined): Reading {
  return value === undefined ? undefined : `${Math.round(value)} MHz`;
}

function celsius(value: number | undefined): Reading {
  return value === undefined ? undefined : `${value.toFixed(1)} °C`;
}
