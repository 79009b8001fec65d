/**
 * A Linux machine's CPU clusters (big.LITTLE, DynamIQ) and the CPUs a run is pinned to. One
 * module for every target that reads Linux's CPU files: adb devices, SSH boards, this computer.
 *
 * Clusters are told apart, in order of trust, by:
 *  1. cpufreq's cpuinfo_max_freq (a cluster shares its clock domain, so CPUs of one max clock are one cluster);
 *  2. cpu_capacity (the kernel's relative performance from the device tree, 1024 = the biggest core),
 *     for kernels or VMs without cpufreq;
 *  3. /proc/cpuinfo's "CPU part" (the core type), ranked by a table of Arm cores, when neither is there.
 * Without any of them the CPUs are known (from /sys/devices/system/cpu/online) but not their clusters.
 *
 * Input is what the machine printed: sysfs files by path (as `grep -H .` or a dump prints them) and
 * /proc/cpuinfo's text. Pure functions, so they are tested on recorded listings of real boards.
 */
import { formatCpuList, parseCpuList } from '../../shared/cpu-pinning';
import { StudioError } from '../../shared/errors';
import { CPU_SELECTION_PATTERN, type RunFile } from '../../shared/run-schema';
import type { Measured } from '../bench/cell-outcome';

export { formatCpuList, parseCpuList } from '../../shared/cpu-pinning';

export interface CpuCluster {
  /** CPU numbers, ascending. */
  cpus: number[];
  /** cpufreq cpuinfo_max_freq (kHz), when the machine has cpufreq. */
  maxKHz?: number;
  /** cpu_capacity (1024 = the biggest core), when the kernel exposes it. */
  capacity?: number;
  /** The core type from /proc/cpuinfo ("Cortex-A72", or "part 0xd4f" for a core the table lacks). */
  core?: string;
}

/** What told the clusters apart; 'none' when nothing did (one list of CPUs, clusters unknown). */
export type ClusterSource = 'cpufreq' | 'cpu_capacity' | 'cpu-part' | 'none';

export interface CpuTopology {
  /** Every online CPU, ascending. */
  cpus: number[];
  /** Slowest first; empty when nothing tells the CPUs apart. */
  clusters: CpuCluster[];
  source: ClusterSource;
}

/** The CPUs a selection resolved to on one machine, and the same as taskset takes them. */
export interface CpuPinning {
  cpus: number[];
  /** Hex without 0x ("f0"), as `taskset MASK` takes it; '' when the CPUs are unknown (no pinning). */
  mask: string;
  /** "0-3", as `taskset -c LIST` takes it and /proc/PID/status prints Cpus_allowed_list. */
  list: string;
}

/**
 * Arm cores by "CPU implementer:CPU part" (from the Arm and NVIDIA technical reference manuals'
 * MIDR values), each with its rank among the cores one SoC mixes: in-order little cores, then
 * out-of-order big ones by generation, then the X-series prime cores. Only the order matters.
 */
const ARM_CORES: Readonly<Record<string, { name: string; rank: number }>> = {
  '0x41:0xc07': { name: 'Cortex-A7', rank: 1 },
  '0x41:0xd04': { name: 'Cortex-A35', rank: 2 },
  '0x41:0xd03': { name: 'Cortex-A53', rank: 3 },
  '0x41:0xd05': { name: 'Cortex-A55', rank: 4 },
  '0x41:0xd46': { name: 'Cortex-A510', rank: 5 },
  '0x41:0xd80': { name: 'Cortex-A520', rank: 6 },
  '0x41:0xc0f': { name: 'Cortex-A15', rank: 10 },
  '0x41:0xc0e': { name: 'Cortex-A17', rank: 11 },
  '0x41:0xd07': { name: 'Cortex-A57', rank: 12 },
  '0x41:0xd08': { name: 'Cortex-A72', rank: 13 },
  '0x41:0xd09': { name: 'Cortex-A73', rank: 14 },
  '0x41:0xd0a': { name: 'Cortex-A75', rank: 15 },
  '0x41:0xd0b': { name: 'Cortex-A76', rank: 16 },
  '0x41:0xd0c': { name: 'Neoverse-N1', rank: 16 },
  '0x41:0xd0d': { name: 'Cortex-A77', rank: 17 },
  '0x41:0xd41': { name: 'Cortex-A78', rank: 18 },
  '0x41:0xd42': { name: 'Cortex-A78AE', rank: 18 },
  '0x41:0xd4b': { name: 'Cortex-A78C', rank: 18 },
  '0x41:0xd47': { name: 'Cortex-A710', rank: 19 },
  '0x41:0xd4d': { name: 'Cortex-A715', rank: 20 },
  '0x41:0xd81': { name: 'Cortex-A720', rank: 21 },
  '0x41:0xd44': { name: 'Cortex-X1', rank: 30 },
  '0x41:0xd48': { name: 'Cortex-X2', rank: 31 },
  '0x41:0xd4e': { name: 'Cortex-X3', rank: 32 },
  '0x41:0xd82': { name: 'Cortex-X4', rank: 33 },
  '0x4e:0x004': { name: 'NVIDIA Carmel', rank: 16 },
};

/** The core's name for "implementer:part" (both hex as cpuinfo prints them), or undefined for a core the table lacks. */
export function armCoreName(implementer: string, part: string): string | undefined {
  return ARM_CORES[`${implementer.toLowerCase()}:${part.toLowerCase()}`]?.name;
}

/** Each CPU's value of one per-CPU sysfs file (cpuN/cpufreq/cpuinfo_max_freq, cpuN/cpu_capacity), positive integers only. */
function perCpu(files: ReadonlyMap<string, string>, file: RegExp): Map<number, number> {
  const values = new Map<number, number>();
  for (const [path, value] of files) {
    const cpu = file.exec(path)?.[1];
    const number = Number(value.trim());
    if (cpu !== undefined && Number.isInteger(number) && number > 0) values.set(Number(cpu), number);
  }
  return values;
}

/** CPUs grouped by a per-CPU value (equal value: one cluster), lowest value first. */
export function groupBy(values: ReadonlyMap<number, number>): Array<{ value: number; cpus: number[] }> {
  const groups = new Map<number, number[]>();
  for (const [cpu, value] of values) groups.set(value, [...(groups.get(value) ?? []), cpu]);
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([value, cpus]) => ({ value, cpus: cpus.sort((a, b) => a - b) }));
}

/** CPUs grouped by cpuinfo_max_freq (a cluster shares its clock), slowest first. */
export function clustersFromMaxFreq(files: ReadonlyMap<string, string>): CpuCluster[] {
  return groupBy(perCpu(files, /\/cpu(\d+)\/cpufreq\/cpuinfo_max_freq$/)).map(({ value, cpus }) => ({ maxKHz: value, cpus }));
}

/** Each processor's "CPU implementer" and "CPU part" from /proc/cpuinfo (arm and arm64 only; x86 prints neither). */
function coresFromCpuinfo(cpuinfo: string): Map<number, { key: string; name: string; rank: number | undefined }> {
  const cores = new Map<number, { key: string; name: string; rank: number | undefined }>();
  let cpu: number | undefined;
  let implementer = '0x41';
  for (const line of cpuinfo.split('\n')) {
    const [rawKey = '', ...rest] = line.split(':');
    const key = rawKey.trim();
    const value = rest.join(':').trim().toLowerCase();
    if (key === 'processor' && /^\d+$/.test(value)) cpu = Number(value);
    else if (key === 'CPU implementer') implementer = value;
    else if (key === 'CPU part' && cpu !== undefined && /^0x[0-9a-f]+$/.test(value)) {
      const known = ARM_CORES[`${implementer}:${value}`];
      cores.set(cpu, { key: `${implementer}:${value}`, name: known?.name ?? `part ${value}`, rank: known?.rank });
    }
  }
  return cores;
}

/**
 * The machine's clusters from its CPU files: `files` maps sysfs paths to their contents (online,
 * cpuN/cpufreq/cpuinfo_max_freq, cpuN/cpu_capacity; other paths are ignored), `cpuinfo` is /proc/cpuinfo.
 */
export function cpuTopology(files: ReadonlyMap<string, string>, cpuinfo = ''): CpuTopology {
  const onlinePath = [...files.keys()].find((path) => /\/cpu\/online$/.test(path));
  const online = onlinePath === undefined ? [] : parseCpuList(files.get(onlinePath) ?? '');
  const withOnline = (clusters: CpuCluster[], source: ClusterSource): CpuTopology => {
    const inClusters = clusters.flatMap((c) => c.cpus);
    const cpus = [...new Set([...online, ...inClusters])].sort((a, b) => a - b);
    return { cpus, clusters, source };
  };
  const byFreq = clustersFromMaxFreq(files);
  if (byFreq.length > 0) return withOnline(byFreq, 'cpufreq');
  const byCapacity = groupBy(perCpu(files, /\/cpu(\d+)\/cpu_capacity$/));
  if (byCapacity.length > 0) return withOnline(byCapacity.map(({ value, cpus }) => ({ capacity: value, cpus })), 'cpu_capacity');
  const cores = coresFromCpuinfo(cpuinfo);
  const kinds = new Map<string, { name: string; rank: number | undefined; cpus: number[] }>();
  for (const [cpu, core] of [...cores.entries()].sort((a, b) => a[0] - b[0])) {
    const kind = kinds.get(core.key) ?? { name: core.name, rank: core.rank, cpus: [] };
    kind.cpus.push(cpu);
    kinds.set(core.key, kind);
  }
  // Core types the table cannot rank could not be ordered: the clusters stay unknown rather than guessed.
  const ranked = [...kinds.values()];
  if (ranked.length === 1 || (ranked.length > 1 && ranked.every((kind) => kind.rank !== undefined))) {
    ranked.sort((a, b) => (a.rank as number) - (b.rank as number));
    return withOnline(ranked.map((kind) => ({ core: kind.name, cpus: kind.cpus })), 'cpu-part');
  }
  const cpus = online.length > 0 ? online : [...cores.keys()].sort((a, b) => a - b);
  return { cpus, clusters: [], source: 'none' };
}

/** "4 × 1.80 GHz + 2 × 2.35 GHz + 2 × 2.85 GHz", "2 × capacity 381 + 4 × capacity 1024", "4 × Cortex-A53 + 2 × Cortex-A72" */
export function describeClusters(clusters: readonly CpuCluster[]): string {
  return clusters.map((c) => `${c.cpus.length} × ${clusterWhat(c)}`).join(' + ');
}

function clusterWhat(cluster: CpuCluster): string {
  if (cluster.maxKHz !== undefined) return `${(cluster.maxKHz / 1e6).toFixed(2)} GHz`;
  if (cluster.capacity !== undefined) return `capacity ${cluster.capacity}`;
  return cluster.core ?? 'CPU';
}

/**
 * The clusters as a refusal tells them to the person who typed the selection: by clock or core
 * type where known, as describeClusters; known only by the kernel's cpu_capacity (a number the user
 * never sees, 1024 = the fastest core), by which CPUs are little, mid and big, or all alike:
 * "0-1, all of one kind", "0-3 little + 4-5 big".
 */
function clustersForPeople(clusters: readonly CpuCluster[]): string {
  if (!clusters.every((c) => c.maxKHz === undefined && c.core === undefined && c.capacity !== undefined)) return describeClusters(clusters);
  if (clusters.length === 1) return `${formatCpuList((clusters[0] as CpuCluster).cpus)}, all of one kind`;
  return clusters.map((c, i) => `${formatCpuList(c.cpus)} ${i === 0 ? 'little' : i === clusters.length - 1 ? 'big' : 'mid'}`).join(' + ');
}

/** The topology in words, for probes and notices: "6 CPUs: 4 × 1.42 GHz + 2 × 1.80 GHz (cpufreq)", "2 CPUs, one cluster (cpu_capacity)". */
export function describeTopology(topology: CpuTopology): string {
  const count = `${topology.cpus.length} CPU${topology.cpus.length === 1 ? '' : 's'}`;
  if (topology.clusters.length === 0) return `${count}, clusters unknown (no cpufreq, cpu_capacity or CPU part)`;
  if (topology.clusters.length === 1) return `${count}, one cluster (${describeClusters(topology.clusters)}, from ${topology.source})`;
  return `${count}: ${describeClusters(topology.clusters)} (from ${topology.source})`;
}

function pinningOf(chosen: readonly number[]): CpuPinning {
  const cpus = [...chosen].sort((a, b) => a - b);
  return { cpus, mask: cpus.reduce((m, cpu) => m | (1n << BigInt(cpu)), 0n).toString(16), list: formatCpuList(cpus) };
}

/**
 * The CPUs a selection names on a machine: all, little (slowest cluster), big (fastest), mid (the
 * clusters between), or a hex mask, which must name at least one CPU the machine has. All on a
 * machine whose CPUs are unknown is no pinning (mask ''). A selection that does not fit is one
 * sentence naming the machine (`machine`) and what it has.
 */
export function resolveCpuSelection(selection: string, topology: CpuTopology, machine: string): CpuPinning {
  const { clusters, cpus: all } = topology;
  const refuse = (why: string): StudioError =>
    new StudioError(
      'BAD_INPUT',
      `cpus=${selection} does not fit ${machine}: ${why}; its CPUs are ${clustersForPeople(clusters) || (all.length > 0 ? `${formatCpuList(all)}, clusters unknown` : 'unknown (no cpufreq)')}, so use all${clusters.length > 1 ? ', little, big' : ''} or a mask of CPUs 0–${Math.max(0, ...all)}.`,
      { target: machine, cpus: selection },
    );
  const word = selection.toLowerCase();
  if (word === 'all') return all.length === 0 ? { cpus: [], mask: '', list: '' } : pinningOf(all);
  if (!CPU_SELECTION_PATTERN.test(word)) throw refuse('it is not all, little, mid, big or a hex mask such as 0xf0');
  if (word === 'little' || word === 'big' || word === 'mid') {
    if (clusters.length === 0) throw refuse('its clusters are unknown');
    if (word === 'little') return pinningOf((clusters[0] as CpuCluster).cpus);
    if (word === 'big') return pinningOf((clusters.at(-1) as CpuCluster).cpus);
    if (clusters.length < 3) throw refuse(`it has ${clusters.length} cluster${clusters.length === 1 ? '' : 's'}, so no middle one`);
    return pinningOf(clusters.slice(1, -1).flatMap((c) => c.cpus));
  }
  const mask = BigInt(word);
  const chosen = all.filter((cpu) => ((mask >> BigInt(cpu)) & 1n) === 1n);
  if (chosen.length === 0) throw refuse(`mask ${selection} selects none of its CPUs`);
  return pinningOf(chosen);
}

/** adb's form of resolveCpuSelection: clusters from cpufreq alone (its probe reads only cpuinfo_max_freq), the CPUs those clusters hold. */
export function cpuMask(selection: string, clusters: readonly CpuCluster[], device: string): { mask: string; cpus: number[] } {
  const topology: CpuTopology = { cpus: clusters.flatMap((c) => c.cpus).sort((a, b) => a - b), clusters: [...clusters], source: clusters.length > 0 ? 'cpufreq' : 'none' };
  const { mask, cpus } = resolveCpuSelection(selection, topology, device);
  return { mask, cpus };
}

/**
 * A run's record of its CPU selection on a machine known by its cpufreq clusters (adb): the CPUs
 * it named and the clusters in words; undefined when the cell was not pinned. (benchmark_model's
 * own affinity is not read back, so allowedCpus stays absent.)
 */
export function clusterPinning(selection: string | undefined, clusters: readonly CpuCluster[], device: string): RunFile['cpuPinning'] {
  if (selection === undefined) return undefined;
  return { cpus: cpuMask(selection, clusters, device).cpus, clusters: describeClusters(clusters) || 'clusters unknown (no cpufreq)' };
}

/** A selection that narrows the CPUs on a target without taskset: one sentence, for a board and for this computer alike. */
export function noTasksetError(target: string, selection: string, cpuList: string, onBoard: boolean): StudioError {
  return new StudioError('BAD_INPUT', `${target} has no taskset, which pins the benchmark to CPUs ${cpuList}: install util-linux${onBoard ? ' on the board' : ''} (sudo apt install util-linux), or leave the CPU selection out.`, {
    target,
    cpus: selection,
  });
}

/** A run's record of the CPUs a selection resolved to on a machine, and the CPUs its runner was allowed on (read back; undefined when it could not be). */
export function pinningRecord(pinned: CpuPinning, topology: CpuTopology, allowed: number[] | undefined): NonNullable<RunFile['cpuPinning']> {
  return { cpus: pinned.cpus, clusters: describeTopology(topology), ...(allowed !== undefined ? { allowedCpus: allowed } : {}) };
}

/** The run (complete or partial) with its CPU pinning recorded. */
export function withCpuPinning(outcome: Measured, cpuPinning: RunFile['cpuPinning']): Measured {
  if (cpuPinning === undefined) return outcome;
  return { ...outcome, run: { ...outcome.run, cpuPinning } };
}

/** Each CPU's current clock (kHz) and governor from cpufreq's scaling_cur_freq and scaling_governor files by path, in CPU order. */
export function parseCpuFreqState(files: ReadonlyMap<string, string>): { coresKHz: number[]; governors: string[] } {
  const cur = new Map<number, number>();
  const governors = new Map<number, string>();
  for (const [path, value] of files) {
    const match = /\/cpu(\d+)\/cpufreq\/(scaling_cur_freq|scaling_governor)$/.exec(path);
    if (match === null) continue;
    const cpu = Number(match[1]);
    if (match[2] === 'scaling_governor') governors.set(cpu, value.trim());
    else if (/^\d+$/.test(value.trim())) cur.set(cpu, Number(value));
  }
  const order = (map: Map<number, unknown>): number[] => [...map.keys()].sort((a, b) => a - b);
  return { coresKHz: order(cur).map((cpu) => cur.get(cpu) as number), governors: order(governors).map((cpu) => governors.get(cpu) as string) };
}
