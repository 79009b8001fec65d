/**
 * CPU lists as Linux writes them ("0-3,6", sysfs online and /proc/PID/status Cpus_allowed_list,
 * taskset -c) and a run's CPU pinning in words, the same in the CLI, run detail and the results grid.
 */
import type { RunFile } from './run-schema';

/** "0-3,6,8-9" → [0,1,2,3,6,8,9]; [] for text that is not such a list. */
export function parseCpuList(text: string): number[] {
  const cpus: number[] = [];
  for (const part of text.trim().split(',')) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (match === null) return [];
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    // A machine's own file: a range is at most its CPU count; refuse nonsense instead of allocating it.
    if (last < first || last - first > 4096) return [];
    for (let cpu = first; cpu <= last; cpu++) cpus.push(cpu);
  }
  return [...new Set(cpus)].sort((a, b) => a - b);
}

/** The CPUs a /proc/PID/status (or /proc/PID/task/TID/status) allows, from its Cpus_allowed_list line; undefined without one. */
export function allowedCpusFromStatus(status: string): number[] | undefined {
  const cpus = parseCpuList(/^Cpus_allowed_list:\s*(.*)$/m.exec(status)?.[1] ?? '');
  return cpus.length > 0 ? cpus : undefined;
}

/** [0,1,2,3,6] → "0-3,6" */
export function formatCpuList(cpus: readonly number[]): string {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && (sorted[j + 1] as number) === (sorted[j] as number) + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/**
 * A pinned run's part of its name, in the results grid's words: " · CPUs big", " · CPUs 0x2";
 * "" for a run that was not pinned, so that labels of unpinned runs read as they always did.
 */
export function cpusLabelPart(selection: string | undefined): string {
  return selection === undefined ? '' : ` · CPUs ${selection}`;
}

/** The selection alone, short, for a grid column or a cell label: "big (4-5)", or the selection when the CPUs are not recorded. */
export function cpuSelectionShort(selection: string, pinning?: RunFile['cpuPinning']): string {
  return pinning === undefined || pinning.cpus.length === 0 ? selection : `${selection} (${formatCpuList(pinning.cpus)})`;
}

/**
 * "big: CPUs 4-5 of 6 CPUs: 4 × 1.42 GHz + 2 × 1.80 GHz (from cpufreq); the runner was allowed on 4-5",
 * or null for a run that was not pinned. A runner allowed on other CPUs than asked is said so.
 */
export function describeCpuPinning(run: Pick<RunFile, 'settings' | 'cpuPinning'>): string | null {
  const selection = run.settings.cpus;
  if (selection === undefined) return null;
  const pinning = run.cpuPinning;
  if (pinning === undefined) return `${selection} (the CPUs it named were not recorded)`;
  const cpus = pinning.cpus.length > 0 ? `CPUs ${formatCpuList(pinning.cpus)}` : 'all CPUs (which ones unknown)';
  const allowed = pinning.allowedCpus;
  const check =
    allowed === undefined
      ? ''
      : formatCpuList(allowed) === formatCpuList(pinning.cpus) || pinning.cpus.length === 0
        ? `; the runner was allowed on ${formatCpuList(allowed)}`
        : `; but the runner was allowed on ${formatCpuList(allowed)}`;
  return `${selection}: ${cpus} of ${pinning.clusters}${check}`;
}

/** "1008 MHz", "1008 → 1416 MHz" */
function startEndMHz(range: { start: number; end: number }): string {
  const [a, b] = [range.start.toFixed(0), range.end.toFixed(0)];
  return a === b ? `${a} MHz` : `${a} → ${b} MHz`;
}

/**
 * Each cluster's governor and clock around the measured runs, one line per cluster, slowest first:
 * "CPUs 0-3 (max 1416 MHz): schedutil, 1008 → 1416 MHz"; [] when the run recorded none (no cpufreq, older files).
 */
export function describeClusterStates(environment: RunFile['environment']): string[] {
  return (environment?.cpuClusters ?? []).map((cluster) => {
    const max = cluster.maxMHz === undefined ? '' : ` (max ${cluster.maxMHz.toFixed(0)} MHz)`;
    const governor = cluster.governor === undefined ? undefined : cluster.governor.start === cluster.governor.end ? cluster.governor.start : `${cluster.governor.start} → ${cluster.governor.end}`;
    const state = [governor, cluster.curMHz === undefined ? undefined : startEndMHz(cluster.curMHz)].filter((part) => part !== undefined).join(', ');
    return `CPU${cluster.cpus.length === 1 ? '' : 's'} ${formatCpuList(cluster.cpus)}${max}: ${state}`;
  });
}
