/**
 * CPU pinning on This computer (Linux only): a cell's runner process, whichever spawner starts it
 * (the forked Node runner, the Python runner, Electron's utilityProcess), is pinned with
 * `taskset -a -p -c LIST PID`, and the CPUs its threads were allowed on are read back and recorded,
 * as an SSH board's are.
 *
 * Why -a -p, and twice. The spawners are shared by every job, so the runner is not started under
 * `taskset -c` the way a board's is. Affinity belongs to each thread, and a new thread inherits its
 * creator's: -a sets every thread that exists when taskset walks /proc/PID/task, and threads later
 * created by a pinned thread are pinned too. A thread that a not-yet-pinned thread creates while
 * taskset walks the list is missed (Node starts V8's worker threads at startup, a runtime its thread
 * pool at load), so the runner is pinned once right after it starts, so loading and warmup already run
 * on the chosen CPUs, and again after warmup, before the first timed inference, when its thread pools
 * exist; then every thread's Cpus_allowed_list is read, and a pass that left one elsewhere is repeated.
 * What the threads were allowed on is what the run records, so a pin that did not hold says so.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { allowedCpusFromStatus, formatCpuList } from '../../shared/cpu-pinning';
import { StudioError } from '../../shared/errors';
import type { RunFile } from '../../shared/run-schema';
import type { EnvironmentProbe } from '../bench/run-local-benchmark';
import type { RunnerChild, RunnerSpawner } from '../runner/runner-spawner';
import { cpuTopology, noTasksetError, pinningRecord, resolveCpuSelection, type CpuPinning, type CpuTopology } from './cpu-clusters';
import { ENVIRONMENT_PATHS } from './environment-readers';
import { findBusyProcesses, isExecutable, sampleEnvironment } from './local-environment';

const MACHINE = 'This computer';
/** taskset answers in milliseconds; one that hangs must not hold up the benchmark. */
const TASKSET_TIMEOUT_MS = 5_000;
/** Passes of taskset -a before the first timed inference; a second is needed only when a thread was being created during the first. */
const PIN_PASSES = 3;

/** What pinning on this computer depends on; tests give their own. */
export interface LocalCpuMachine {
  platform: NodeJS.Platform;
  /** The CPUs this process may use, with their clusters. */
  topology(): CpuTopology;
  /** The path of taskset, or null when it is not installed. */
  taskset(): string | null;
}

/** How one cell's selection is met here: the CPUs, and taskset to narrow the runner to them (none for all). */
export interface LocalPin {
  selection: string;
  pinned: CpuPinning;
  topology: CpuTopology;
  taskset: string | null;
}

/** This computer as it is. */
export const THIS_COMPUTER: LocalCpuMachine = {
  platform: process.platform,
  topology: () => localCpuTopology(),
  taskset: () => findTaskset(),
};

/**
 * The CPUs this process may run on and their clusters: sysfs's online CPUs, cpufreq's max clocks,
 * cpu_capacity and /proc/cpuinfo (the reader a board's probe uses), narrowed to this process's own
 * Cpus_allowed_list, since a container's cpuset or an inherited affinity can be narrower than
 * what is online and taskset cannot widen it. `fsRoot` is for tests: a folder laid out like /.
 */
export function localCpuTopology(fsRoot = '/'): CpuTopology {
  const read = (path: string): string | undefined => {
    try {
      return readFileSync(join(fsRoot, path), 'utf8');
    } catch {
      return undefined; // a VM without cpufreq or cpu_capacity: fewer ways to tell clusters apart
    }
  };
  const dir = ENVIRONMENT_PATHS.cpuDir;
  const files = new Map<string, string>();
  const online = read(`${dir}/online`);
  if (online !== undefined) files.set(`${dir}/online`, online);
  let names: string[] = [];
  try {
    names = readdirSync(join(fsRoot, dir)).filter((name) => /^cpu\d+$/.test(name));
  } catch {
    // no sysfs: the topology below is empty and any selection but all is refused in words
  }
  for (const name of names) {
    for (const file of [`${dir}/${name}/cpufreq/cpuinfo_max_freq`, `${dir}/${name}/cpu_capacity`]) {
      const value = read(file);
      if (value !== undefined) files.set(file, value);
    }
  }
  const topology = cpuTopology(files, read(ENVIRONMENT_PATHS.cpuinfo) ?? '');
  const allowed = allowedCpusFromStatus(read('/proc/self/status') ?? '');
  if (allowed === undefined) return topology;
  const keep = (cpus: readonly number[]): number[] => cpus.filter((cpu) => allowed.includes(cpu));
  const clusters = topology.clusters.map((cluster) => ({ ...cluster, cpus: keep(cluster.cpus) })).filter((cluster) => cluster.cpus.length > 0);
  return { ...topology, cpus: keep(topology.cpus.length > 0 ? topology.cpus : allowed), clusters };
}

/** taskset on the PATH, else where util-linux puts it. */
export function findTaskset(path = process.env.PATH ?? ''): string | null {
  const dirs = [...path.split(delimiter).filter((dir) => dir !== ''), '/usr/bin', '/bin'];
  return dirs.map((dir) => join(dir, 'taskset')).find(isExecutable) ?? null;
}

/**
 * What a cell's CPU selection means here, or undefined when it has none. Refused in one sentence:
 * any selection on macOS or Windows, a selection this computer's CPUs cannot meet, and one that
 * narrows the CPUs where taskset is not installed.
 */
export function localPinning(selection: string | undefined, machine: LocalCpuMachine = THIS_COMPUTER): LocalPin | undefined {
  if (selection === undefined) return undefined;
  if (machine.platform !== 'linux') {
    const os = machine.platform === 'darwin' ? 'macOS' : machine.platform === 'win32' ? 'Windows' : machine.platform;
    throw new StudioError(
      'BAD_INPUT',
      `${MACHINE} runs ${os}, where the studio cannot pin a benchmark to CPUs (it pins with Linux's taskset, and ${os} offers no affinity call it could use instead); leave the CPU selection out, or sweep CPUs on an SSH board or an Android device.`,
      { target: MACHINE, cpus: selection },
    );
  }
  const topology = machine.topology();
  const pinned = resolveCpuSelection(selection, topology, MACHINE);
  // 'all' narrows nothing (the runner may already use every CPU this process may), so needs no taskset.
  const narrows = pinned.cpus.length > 0 && pinned.cpus.length < topology.cpus.length;
  const taskset = narrows ? machine.taskset() : null;
  if (narrows && taskset === null) {
    throw noTasksetError(MACHINE, selection, pinned.list, false);
  }
  return { selection, pinned, topology, taskset };
}

/** Sets the affinity of every thread of `pid`; a failure is one sentence. */
export function setThreadsAffinity(taskset: string, pid: number, cpus: CpuPinning): void {
  try {
    execFileSync(taskset, ['-a', '-p', '-c', cpus.list, String(pid)], { stdio: ['ignore', 'ignore', 'pipe'], timeout: TASKSET_TIMEOUT_MS, encoding: 'utf8' });
  } catch (error) {
    const stderr = error instanceof Error && 'stderr' in error ? String(error.stderr).trim().split('\n')[0] : '';
    const why = stderr !== '' ? stderr : error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new StudioError('RUNNER', `taskset could not pin the runner (pid ${pid}) to CPUs ${cpus.list} on ${MACHINE} (${why}); check that this process may use those CPUs, or leave the CPU selection out.`, {
      target: MACHINE,
      cpus: cpus.list,
    });
  }
}

/** The CPUs any thread of `pid` may run on (the union of /proc/PID/task/*\/status Cpus_allowed_list), or undefined when none could be read. */
export function threadsAllowedCpus(pid: number, fsRoot = '/'): number[] | undefined {
  const taskDir = join(fsRoot, 'proc', String(pid), 'task');
  let tids: string[];
  try {
    tids = readdirSync(taskDir);
  } catch {
    return undefined;
  }
  const cpus = new Set<number>();
  for (const tid of tids) {
    let status: string;
    try {
      status = readFileSync(join(taskDir, tid, 'status'), 'utf8');
    } catch {
      continue; // a thread that ended between listing and reading runs nowhere
    }
    for (const cpu of allowedCpusFromStatus(status) ?? []) cpus.add(cpu);
  }
  return cpus.size > 0 ? [...cpus].sort((a, b) => a - b) : undefined;
}

/** A runner spawner, the environment probe that goes with it, and what the run records of the pin. */
export interface PinnedRunner {
  spawner: RunnerSpawner;
  environment: EnvironmentProbe;
  /** The run's cpuPinning, with the CPUs the runner's threads were allowed on once they were read (before the first timed inference). */
  record(): NonNullable<RunFile['cpuPinning']>;
}

/**
 * `inner`'s runners pinned to `pin`'s CPUs: right after each starts (best effort: a utilityProcess's
 * pid comes a moment later), then, checked, at the environment's first sample, which the benchmark
 * takes after warmup and before its first timed inference. A pin that cannot be set there fails the cell.
 */
export function pinnedRunner(inner: RunnerSpawner, pin: LocalPin): PinnedRunner {
  let child: RunnerChild | undefined;
  let allowed: number[] | undefined;
  let checked = false;
  const matches = (cpus: number[] | undefined): boolean => cpus !== undefined && formatCpuList(cpus) === pin.pinned.list;
  return {
    spawner: {
      spawn() {
        child = inner.spawn();
        checked = false;
        allowed = undefined;
        if (pin.taskset !== null && child.pid !== undefined) {
          try {
            setThreadsAffinity(pin.taskset, child.pid, pin.pinned);
          } catch {
            // the checked pass before timing sets it again and says why if it still fails
          }
        }
        return child;
      },
    },
    environment: {
      sample: () => {
        if (!checked) {
          checked = true;
          const pid = child?.pid;
          if (pid === undefined) {
            throw new StudioError('RUNNER', `The runner's process id is not known, so it cannot be pinned to CPUs ${pin.pinned.list}; leave the CPU selection out and report this.`, { target: MACHINE });
          }
          allowed = threadsAllowedCpus(pid);
          for (let pass = 0; pin.taskset !== null && pass < PIN_PASSES && !matches(allowed); pass++) {
            setThreadsAffinity(pin.taskset, pid, pin.pinned);
            allowed = threadsAllowedCpus(pid);
          }
        }
        return Promise.resolve(sampleEnvironment());
      },
      busyProcesses: () => findBusyProcesses(child?.pid === undefined ? [] : [child.pid]),
    },
    record: () => pinningRecord(pin.pinned, pin.topology, allowed),
  };
}

