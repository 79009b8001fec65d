/**
 * What this machine is doing around a benchmark: CPU governor and clocks, steal and iowait time,
 * temperatures, throttling, power, memory pressure, load and busy processes. Sampled before and
 * after a run so the verdict can say "the CPU slowed down" or "something else was running"
 * instead of leaving the user to guess why two runs disagree.
 *
 * Every reading is best effort: a value the platform does not expose is undefined, never a guess
 * and never NaN. Linux exposes most of it (sysfs and procfs, read by environment-readers.ts, the
 * same parser an SSH board's readings go through); elsewhere only what `os` offers.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import { delimiter, join } from 'node:path';
import { meanOfPositive, parseNumber, readEnvironment, type BoardTool, type EnvironmentSnapshot, type EnvironmentTree } from './environment-readers';

export { environmentBetween, type EnvironmentSnapshot } from './environment-readers';

/** A process using more than this share of one core during the window counts as busy. */
export const BUSY_PROCESS_CORE_SHARE = 0.5;
/** The busiest few are enough to tell the user what to close. */
const MAX_BUSY_PROCESSES = 5;
/**
 * utime and stime in /proc/[pid]/stat count clock ticks of USER_HZ, which the kernel fixes at 100
 * on every architecture Linux ships for (it is ABI, unlike the kernel's internal HZ).
 */
const USER_HZ = 100;
/** vcgencmd and nvpmodel answer in milliseconds; one that hangs must not hold up the benchmark. */
const BOARD_TOOL_TIMEOUT_MS = 2_000;

/** Runs a board tool and returns its output, or undefined when it is absent or fails. */
export type BoardToolRunner = (command: BoardTool) => string | undefined;

/**
 * Reads this machine's state. Synchronous and cheap (small sysfs and procfs reads on Linux, and
 * vcgencmd or nvpmodel where they are installed). `fsRoot` exists for tests: a folder laid out
 * like / with `sys/` and `proc/`; `runTool` likewise replaces the board tools on the PATH.
 */
export function sampleEnvironment(fsRoot = '/', runTool: BoardToolRunner = toolOnPath): EnvironmentSnapshot {
  const linux = process.platform === 'linux';
  const snapshot: EnvironmentSnapshot = linux ? readEnvironment(fsTree(fsRoot, runTool)) : {};
  if (snapshot.cpuMHz === undefined) {
    const cpuMHz = meanOfPositive(os.cpus().map((cpu) => cpu.speed));
    if (cpuMHz !== undefined) snapshot.cpuMHz = cpuMHz;
  }
  // os.loadavg() is always [0, 0, 0] on Windows: absent, not idle.
  const loadAverage = process.platform === 'win32' ? undefined : os.loadavg()[0];
  if (snapshot.loadAverage === undefined && loadAverage !== undefined && Number.isFinite(loadAverage)) snapshot.loadAverage = loadAverage;
  // macOS and Windows: the kernel release is what `os` knows of the environment beyond clock and load.
  if (!linux) snapshot.kernel = os.release();
  return snapshot;
}

/** The filesystem under `fsRoot` as the readers see it. */
function fsTree(fsRoot: string, runTool: BoardToolRunner): EnvironmentTree {
  return {
    read: (path) => readOrUndefined(join(fsRoot, path)),
    list: (dir) => listOrEmpty(join(fsRoot, dir)),
    tool: runTool,
  };
}

/** Looks the tool up on the PATH first, so a machine without it costs a few stat calls, not a failed spawn. */
function toolOnPath(command: BoardTool): string | undefined {
  const [name, ...args] = command.split(' ') as [string, ...string[]];
  const path = (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, name)).find(isExecutable);
  if (path === undefined) return undefined;
  try {
    return execFileSync(path, args, { encoding: 'utf8', timeout: BOARD_TOOL_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

/** True when `path` is a file this process may execute (PATH lookups here and in pytorch/find-python.ts). */
export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Names the processes that used more than half a core during `windowMs`, busiest first, e.g.
 * "stress-ng (pid 4312, 98% of a core)". Linux only (reads /proc twice); [] elsewhere.
 * This process and `excludePids` (the runner) are left out: they are the benchmark itself.
 */
export async function findBusyProcesses(excludePids: readonly number[], windowMs = 200, fsRoot = '/'): Promise<string[]> {
  if (process.platform !== 'linux') return [];
  const excluded = new Set([process.pid, ...excludePids]);
  const before = await readProcessTicks(fsRoot, excluded);
  const startedMs = performance.now();
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const after = await readProcessTicks(fsRoot, excluded);
  const elapsedSec = (performance.now() - startedMs) / 1000;

  const busy: { label: string; coreShare: number }[] = [];
  for (const [pid, now] of after) {
    const then = before.get(pid);
    // A pid reused by a new process between readings is a different process: skip it.
    if (then === undefined || then.name !== now.name) continue;
    const coreShare = (now.ticks - then.ticks) / USER_HZ / elapsedSec;
    if (coreShare > BUSY_PROCESS_CORE_SHARE) {
      busy.push({ label: `${now.name} (pid ${pid}, ${Math.round(coreShare * 100)}% of a core)`, coreShare });
    }
  }
  return busy
    .sort((a, b) => b.coreShare - a.coreShare)
    .slice(0, MAX_BUSY_PROCESSES)
    .map((p) => p.label);
}

interface ProcessTicks {
  name: string;
  /** utime + stime, in USER_HZ ticks. */
  ticks: number;
}

async function readProcessTicks(fsRoot: string, excluded: ReadonlySet<number>): Promise<Map<number, ProcessTicks>> {
  const procDir = join(fsRoot, 'proc');
  const pids = (await readdir(procDir).catch(() => [] as string[]))
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => !excluded.has(pid));
  const ticks = new Map<number, ProcessTicks>();
  await Promise.all(
    pids.map(async (pid) => {
      // A process can exit between listing and reading: it is simply not busy any more.
      const stat = await readFile(join(procDir, String(pid), 'stat'), 'utf8').catch(() => undefined);
      const parsed = stat === undefined ? undefined : parseProcStat(stat);
      if (parsed !== undefined) ticks.set(pid, parsed);
    }),
  );
  return ticks;
}

/**
 * "/proc/[pid]/stat": `pid (comm) state ppid ... utime stime ...`. comm may hold spaces and
 * parentheses, so fields are counted from the last ')'; utime and stime are fields 14 and 15.
 */
export function parseProcStat(stat: string): ProcessTicks | undefined {
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const fields = stat.slice(close + 2).split(' ');
  // fields[0] is field 3 (state), so field k is fields[k - 3].
  const utime = parseNumber(fields[11]);
  const stime = parseNumber(fields[12]);
  if (utime === undefined || stime === undefined) return undefined;
  return { name: stat.slice(open + 1, close), ticks: utime + stime };
}

// Missing sysfs and procfs entries are normal (VMs, containers, other kernels): the reading is
// then undefined, which the verdict treats as "the platform does not tell".
function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function listOrEmpty(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
