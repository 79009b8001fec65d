/**
 * The board's state around a run (governor and clocks, per cluster too, steal and iowait, thermal zones, Pi
 * throttling, power, memory pressure, kernel, load, busy processes), read over the same
 * connection, so an SSH run's environment block describes the board and not this computer.
 * The board's files are dumped by one shell script and parsed by environment-readers.ts, the
 * reader this computer's own readings use. Readings are best effort: a failed one is left out.
 */
import type { EnvironmentProbe } from '../../bench/run-local-benchmark';
import { BOARD_TOOLS, ENVIRONMENT_PATHS, readEnvironment, type BoardTool, type EnvironmentTree } from '../environment-readers';
import { parseProcStat, BUSY_PROCESS_CORE_SHARE, type EnvironmentSnapshot } from '../local-environment';
import { parseCpuList } from '../cpu-clusters';
import type { ThrottleFlag, ThrottleState } from './probe-parse';
import type { SshConnection } from './ssh-connection';

const FILE_MARK = '@@edgebench-file ';
const TOOL_MARK = '@@edgebench-tool ';
const P = ENVIRONMENT_PATHS;

/**
 * Prints each file the readers look at after a marker line. Globs that match nothing stay
 * literal and fail the -r test; /proc/stat, cpuinfo and meminfo are cut to the lines read.
 */
const SAMPLE_SCRIPT = `
dump() { for f in "$@"; do [ -r "$f" ] && { echo "${FILE_MARK}$f"; cat "$f" 2>/dev/null; echo; }; done; }
dump ${P.cpuDir}/cpu[0-9]*/cpufreq/scaling_governor ${P.cpuDir}/cpu[0-9]*/cpufreq/scaling_cur_freq ${P.cpuDir}/cpu[0-9]*/cpufreq/scaling_min_freq ${P.cpuDir}/cpu[0-9]*/cpufreq/scaling_max_freq ${P.cpuDir}/cpu[0-9]*/cpufreq/cpuinfo_max_freq
dump ${P.thermalDir}/thermal_zone*/type ${P.thermalDir}/thermal_zone*/temp
dump ${P.powerSupplyDir}/*/type ${P.powerSupplyDir}/*/online ${P.powerSupplyDir}/*/status ${P.platformProfile}
dump ${P.loadavg} ${P.memoryPressure} ${P.osrelease}
[ -r ${P.stat} ] && { echo "${FILE_MARK}${P.stat}"; head -n 1 ${P.stat}; }
[ -r ${P.cpuinfo} ] && { echo "${FILE_MARK}${P.cpuinfo}"; grep '^cpu MHz' ${P.cpuinfo}; }
[ -r ${P.meminfo} ] && { echo "${FILE_MARK}${P.meminfo}"; grep '^MemAvailable:' ${P.meminfo}; }
${BOARD_TOOLS.map((tool) => `command -v ${tool.split(' ')[0]} >/dev/null 2>&1 && { echo "${TOOL_MARK}${tool}"; ${tool} 2>/dev/null; }`).join('\n')}
true
`;

/** Two reads of /proc/<pid>/stat 0.2 s apart; the script's own pid is printed so it can be left out. */
const BUSY_SCRIPT = `
echo "self=$$"
for f in /proc/[0-9]*/stat; do read -r line < "$f" 2>/dev/null && echo "A $line"; done
sleep 0.2
for f in /proc/[0-9]*/stat; do read -r line < "$f" 2>/dev/null && echo "B $line"; done
`;
const BUSY_WINDOW_SEC = 0.2;
const USER_HZ = 100;

export interface RemoteEnvironment extends EnvironmentProbe {
  /** vcgencmd get_throttled at each sample (Raspberry Pi only; empty elsewhere). */
  readonly throttleReadings: ThrottleState[];
  /**
   * The CPUs the runner process may run on, from its /proc/PID/status Cpus_allowed_list at the
   * first sample taken while it runs (after warmup); undefined until then, or where it cannot be read.
   */
  readonly runnerAllowedCpus: number[] | undefined;
}

/** A pseudo-file of the dump (no reader looks for it): the runner's Cpus_allowed_list, when its pid is known. */
const RUNNER_CPUS_FILE = 'edgebench:runner-cpus';

function allowedCpusScript(pid: number | undefined): string {
  return pid === undefined ? '' : `echo "${FILE_MARK}${RUNNER_CPUS_FILE}"; grep -s '^Cpus_allowed_list:' /proc/${pid}/status | cut -f2\n`;
}

/** The runner's allowed CPUs the sample printed ("0-3"), or undefined. */
export function parseRunnerAllowedCpus(text: string): number[] | undefined {
  const lines = text.split('\n');
  const at = lines.indexOf(`${FILE_MARK}${RUNNER_CPUS_FILE}`);
  const cpus = at < 0 ? [] : parseCpuList(lines[at + 1] ?? '');
  return cpus.length > 0 ? cpus : undefined;
}

export function remoteEnvironment(conn: SshConnection, excludePid: () => number | undefined): RemoteEnvironment {
  const throttleReadings: ThrottleState[] = [];
  let runnerAllowedCpus: number[] | undefined;
  return {
    throttleReadings,
    get runnerAllowedCpus() {
      return runnerAllowedCpus;
    },
    async sample(): Promise<EnvironmentSnapshot> {
      const pid = runnerAllowedCpus === undefined ? excludePid() : undefined;
      const result = await conn.exec('sh -s', { stdin: SAMPLE_SCRIPT + allowedCpusScript(pid), timeoutMs: 15_000, what: 'reading the board state' });
      const { snapshot, throttled } = parseEnvironmentSample(result.stdout);
      if (throttled !== null) throttleReadings.push(throttled);
      runnerAllowedCpus ??= parseRunnerAllowedCpus(result.stdout);
      return snapshot;
    },
    async busyProcesses(): Promise<string[]> {
      // Runs beside the measured runs: a failure here must never reject (nobody awaits it yet).
      const result = await conn.exec('sh -s', { stdin: BUSY_SCRIPT, timeoutMs: 15_000, what: 'listing busy processes' }).catch(() => null);
      return result === null ? [] : parseBusyProcesses(result.stdout, excludePid());
    },
  };
}

export function parseEnvironmentSample(text: string): { snapshot: EnvironmentSnapshot; throttled: ThrottleState | null } {
  const snapshot = readEnvironment(dumpedTree(text));
  return { snapshot, throttled: snapshot.throttled ?? null };
}

/** The sample script's output as the files and tools it printed. */
export function dumpedTree(text: string): EnvironmentTree {
  const files = new Map<string, string[]>();
  const tools = new Map<BoardTool, string[]>();
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith(FILE_MARK)) files.set(line.slice(FILE_MARK.length), (current = []));
    else if (line.startsWith(TOOL_MARK)) {
      const tool = BOARD_TOOLS.find((known) => known === line.slice(TOOL_MARK.length));
      current = tool === undefined ? undefined : [];
      if (tool !== undefined && current !== undefined) tools.set(tool, current);
    } else current?.push(line);
  }
  const contents = (lines: string[] | undefined) => (lines === undefined ? undefined : lines.join('\n'));
  return {
    read: (path) => contents(files.get(path)),
    list: (dir) => [...new Set([...files.keys()].filter((path) => path.startsWith(`${dir}/`)).map((path) => path.slice(dir.length + 1).split('/')[0] as string))],
    tool: (command) => contents(tools.get(command)),
  };
}

export function parseBusyProcesses(text: string, excludePid: number | undefined): string[] {
  const self = Number(text.match(/^self=(\d+)$/m)?.[1]);
  const reads = { A: new Map<number, { name: string; ticks: number }>(), B: new Map<number, { name: string; ticks: number }>() };
  for (const line of text.split('\n')) {
    const which = line[0];
    if ((which !== 'A' && which !== 'B') || line[1] !== ' ') continue;
    const stat = line.slice(2);
    const pid = Number(stat.slice(0, stat.indexOf(' ')));
    const parsed = parseProcStat(stat);
    if (parsed !== undefined && pid !== self && pid !== excludePid) reads[which].set(pid, parsed);
  }
  const busy: { label: string; share: number }[] = [];
  for (const [pid, after] of reads.B) {
    const before = reads.A.get(pid);
    if (before === undefined || before.name !== after.name) continue;
    const share = (after.ticks - before.ticks) / USER_HZ / BUSY_WINDOW_SEC;
    if (share > BUSY_PROCESS_CORE_SHARE) busy.push({ label: `${after.name} (pid ${pid}, ${Math.round(share * 100)}% of a core)`, share });
  }
  return busy.sort((a, b) => b.share - a.share).slice(0, 5).map((entry) => entry.label);
}

/** Throttling seen around a run: flags active at either reading, or newly raised since-boot flags between them. */
export function throttlingDuringRun(readings: readonly ThrottleState[]): ThrottleFlag[] {
  const first = readings[0];
  const last = readings[readings.length - 1];
  if (first === undefined || last === undefined) return [];
  const seen = new Set<ThrottleFlag>([...first.now, ...last.now]);
  for (const flag of last.sinceBoot) if (!first.sinceBoot.includes(flag)) seen.add(flag);
  return [...seen];
}
