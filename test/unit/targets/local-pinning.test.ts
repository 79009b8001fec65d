/**
 * CPU pinning on This computer and each cluster's governor and clocks around a run: on the
 * RK3399 listing (test/fixtures/cpu-topology) laid out as a root folder, as this computer's
 * readers see it, dumped as an SSH board's sample prints it, and as an adb device's grep -H, so all go through one reader.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { allowedCpusFromStatus, describeClusterStates } from '../../../src/shared/cpu-pinning';
import { RunEnvironment } from '../../../src/shared/run-schema';
import { clustersBetween, coreReadingsFromFiles, environmentBetween, readEnvironment } from '../../../src/core/targets/environment-readers';
import { localCpuTopology, localPinning, type LocalCpuMachine } from '../../../src/core/targets/local-pinning';
import { sampleEnvironment } from '../../../src/core/targets/local-environment';
import { parseEnvironmentSample } from '../../../src/core/targets/ssh/remote-environment';
import type { CpuTopology } from '../../../src/core/targets/cpu-clusters';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** The RK3399 fixture's sysfs files by path and its /proc/cpuinfo (4 × A53 at 1.416 GHz + 2 × A72 at 1.8 GHz). */
function rk3399(): Map<string, string> {
  const text = readFileSync(join(__dirname, '../../fixtures/cpu-topology/rk3399.txt'), 'utf8');
  const [sysfs = '', cpuinfo = ''] = text.split('\n--- /proc/cpuinfo\n');
  const files = new Map<string, string>([['/proc/cpuinfo', cpuinfo]]);
  for (const line of sysfs.split('\n')) {
    const cut = line.indexOf(':');
    if (!line.startsWith('#') && cut > 0) files.set(line.slice(0, cut), `${line.slice(cut + 1)}\n`);
  }
  return files;
}

function rootWith(files: ReadonlyMap<string, string>): string {
  const root = mkdtempSync(join(os.tmpdir(), 'edgebench-pin-'));
  roots.push(root);
  for (const [path, text] of files) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** The big cluster at its top clock under performance: what a run that woke it up leaves behind. */
function afterTheRun(files: ReadonlyMap<string, string>): Map<string, string> {
  const after = new Map(files);
  for (const cpu of [4, 5]) {
    after.set(`/sys/devices/system/cpu/cpu${cpu}/cpufreq/scaling_cur_freq`, '1800000\n');
    after.set(`/sys/devices/system/cpu/cpu${cpu}/cpufreq/scaling_governor`, 'performance\n');
  }
  after.set('/sys/devices/system/cpu/cpu3/cpufreq/scaling_cur_freq', '1008000\n');
  return after;
}

const machine = (topology: CpuTopology, platform: NodeJS.Platform = 'linux', taskset: string | null = '/usr/bin/taskset'): LocalCpuMachine => ({
  platform,
  topology: () => topology,
  taskset: () => taskset,
});

describe("This computer's CPUs and what a selection pins to", () => {
  test('an RK3399 root: two clusters by max clock, narrowed to the CPUs this process may use (a cpuset of 2-5)', () => {
    const files = rk3399();
    expect(localCpuTopology(rootWith(files))).toMatchObject({ cpus: [0, 1, 2, 3, 4, 5], source: 'cpufreq', clusters: [{ cpus: [0, 1, 2, 3] }, { cpus: [4, 5] }] });
    const narrowed = localCpuTopology(rootWith(new Map([...files, ['/proc/self/status', 'Name:\tnode\nCpus_allowed:\t3c\nCpus_allowed_list:\t2-5\n']])));
    expect(narrowed.cpus).toEqual([2, 3, 4, 5]);
    expect(narrowed.clusters.map((cluster) => cluster.cpus)).toEqual([
      [2, 3],
      [4, 5],
    ]);
    // A CPU the cpuset leaves out cannot be asked for: taskset could not widen the runner's affinity.
    expect(() => localPinning('0x1', machine(narrowed))).toThrow(
      'cpus=0x1 does not fit This computer: mask 0x1 selects none of its CPUs; its CPUs are 2 × 1.42 GHz + 2 × 1.80 GHz, so use all, little, big or a mask of CPUs 0–5.',
    );
    expect(localPinning('little', machine(narrowed))?.pinned.list).toBe('2-3');
  });

  test('taskset only for a selection that narrows; macOS and Windows refused in one sentence; no taskset named with its package', () => {
    const topology = localCpuTopology(rootWith(rk3399()));
    expect(localPinning(undefined, machine(topology))).toBeUndefined();
    expect(localPinning('big', machine(topology))).toMatchObject({ selection: 'big', taskset: '/usr/bin/taskset', pinned: { cpus: [4, 5], list: '4-5', mask: '30' } });
    expect(localPinning('all', machine(topology, 'linux', null))).toMatchObject({ taskset: null, pinned: { list: '0-5' } });
    expect(() => localPinning('big', machine(topology, 'linux', null))).toThrow(
      'This computer has no taskset, which pins the benchmark to CPUs 4-5: install util-linux (sudo apt install util-linux), or leave the CPU selection out.',
    );
    expect(() => localPinning('0x1', machine(topology, 'darwin'))).toThrow(
      "This computer runs macOS, where the studio cannot pin a benchmark to CPUs (it pins with Linux's taskset, and macOS offers no affinity call it could use instead); leave the CPU selection out, or sweep CPUs on an SSH board or an Android device.",
    );
    expect(() => localPinning('all', machine(topology, 'win32'))).toThrow(/^This computer runs Windows, where the studio cannot pin/);
  });

  test('Cpus_allowed_list read from /proc status text', () => {
    expect(allowedCpusFromStatus('Name:\tnode\nCpus_allowed:\t31\nCpus_allowed_list:\t0,4-5\nMems_allowed:\t1\n')).toEqual([0, 4, 5]);
    expect(allowedCpusFromStatus('Name:\tnode\n')).toBeUndefined();
    expect(allowedCpusFromStatus('Cpus_allowed_list:\tnonsense\n')).toBeUndefined();
  });
});

describe("each cluster's governor and clock before and after the measured runs", () => {
  const expected = [
    { cpus: [0, 1, 2, 3], maxMHz: 1416, governor: { start: 'schedutil', end: 'schedutil' }, curMHz: { start: 408, end: 558 } },
    { cpus: [4, 5], maxMHz: 1800, governor: { start: 'schedutil', end: 'performance' }, curMHz: { start: 600, end: 1800 } },
  ];

  test.runIf(process.platform === 'linux')("this computer's reader: per cluster, in the run's environment, worded for run detail and the CLI", () => {
    const files = rk3399();
    const environment = environmentBetween(sampleEnvironment(rootWith(files), () => undefined), sampleEnvironment(rootWith(afterTheRun(files)), () => undefined), []);
    expect(environment.cpuClusters).toEqual(expected);
    // The single value older readers show stays, now naming both governors seen.
    expect(environment.governor).toBe('performance, schedutil');
    expect(describeClusterStates(environment)).toEqual(['CPUs 0-3 (max 1416 MHz): schedutil, 408 → 558 MHz', 'CPUs 4-5 (max 1800 MHz): schedutil → performance, 600 → 1800 MHz']);
  });

  test("an SSH board's dumped sample gives the same clusters (the sample script prints cpuinfo_max_freq too)", () => {
    const dump = (files: ReadonlyMap<string, string>) =>
      [...files]
        .filter(([path]) => path.startsWith('/sys/'))
        .map(([path, text]) => `@@edgebench-file ${path}\n${text}`)
        .join('\n');
    const files = rk3399();
    const start = parseEnvironmentSample(dump(files)).snapshot;
    const end = parseEnvironmentSample(dump(afterTheRun(files))).snapshot;
    expect(environmentBetween(start, end, []).cpuClusters).toEqual(expected);
  });

  test("an adb device's grep -H dump with its probe's clusters (no cpuinfo_max_freq in the dump) gives the same clusters", () => {
    const dumped = (files: ReadonlyMap<string, string>) => new Map([...files].filter(([path]) => /scaling_(cur_freq|governor)$/.test(path)));
    const probed = [
      { cpus: [0, 1, 2, 3], maxKHz: 1_416_000 },
      { cpus: [4, 5], maxKHz: 1_800_000 },
    ];
    const files = rk3399();
    expect(clustersBetween(coreReadingsFromFiles(dumped(files)), coreReadingsFromFiles(dumped(afterTheRun(files))), probed)).toEqual(expected);
  });

  test('without cpuinfo_max_freq the cores are one cluster; without cpufreq nothing is recorded; older files load', () => {
    const files = new Map([...rk3399()].filter(([path]) => !path.endsWith('cpuinfo_max_freq')));
    const tree = (map: ReadonlyMap<string, string>) => ({
      read: (path: string) => map.get(path),
      list: (dir: string) => [...new Set([...map.keys()].filter((path) => path.startsWith(`${dir}/`)).map((path) => path.slice(dir.length + 1).split('/')[0] as string))],
      tool: () => undefined,
    });
    const one = environmentBetween(readEnvironment(tree(files)), readEnvironment(tree(afterTheRun(files))), []).cpuClusters;
    expect(one).toEqual([{ cpus: [0, 1, 2, 3, 4, 5], governor: { start: 'schedutil', end: 'performance, schedutil' }, curMHz: { start: 472, end: 972 } }]);
    const noCpufreq = new Map([...files].filter(([path]) => !path.includes('cpufreq')));
    const none = environmentBetween(readEnvironment(tree(noCpufreq)), readEnvironment(tree(noCpufreq)), []);
    expect(none).not.toHaveProperty('cpuClusters');
    expect(describeClusterStates(none)).toEqual([]);
    expect(RunEnvironment.parse({ governor: 'schedutil' })).toEqual({ governor: 'schedutil' });
    expect(RunEnvironment.parse({ cpuClusters: expected })).toEqual({ cpuClusters: expected });
  });
});
