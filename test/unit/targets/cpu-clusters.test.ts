/**
 * CPU clusters and the CPUs a selection pins to, on recorded CPU listings of three boards
 * (test/fixtures/cpu-topology: reconstructed from public documentation, each file says from what)
 * and on this kind of x86 VM (two CPUs, cpu_capacity 1024, no cpufreq).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  cpuTopology,
  describeTopology,
  formatCpuList,
  parseCpuFreqState,
  parseCpuList,
  resolveCpuSelection,
  type CpuTopology,
} from '../../../src/core/targets/cpu-clusters';

const FIXTURES = join(__dirname, '../../fixtures/cpu-topology');

/** A fixture's `grep -H .` lines by path, and its /proc/cpuinfo. */
function listing(name: string): { files: Map<string, string>; cpuinfo: string } {
  const text = readFileSync(join(FIXTURES, `${name}.txt`), 'utf8');
  const [sysfs = '', cpuinfo = ''] = text.split('\n--- /proc/cpuinfo\n');
  const files = new Map<string, string>();
  for (const line of sysfs.split('\n')) {
    const cut = line.indexOf(':');
    if (!line.startsWith('#') && cut > 0) files.set(line.slice(0, cut), line.slice(cut + 1));
  }
  return { files, cpuinfo };
}

/** The listing without some of its files, as a kernel without cpufreq (or cpu_capacity) prints it. */
function without(files: Map<string, string>, ...kinds: RegExp[]): Map<string, string> {
  return new Map([...files].filter(([path]) => !kinds.some((kind) => kind.test(path))));
}
const CPUFREQ = /cpufreq/;
const CAPACITY = /cpu_capacity$/;

const pin = (selection: string, topology: CpuTopology): string => resolveCpuSelection(selection, topology, 'board').list;

describe('clusters from each source, slowest first', () => {
  test('RK3399 (2 × A72 + 4 × A53): cpufreq, then cpu_capacity, then CPU part give the same two clusters', () => {
    const { files, cpuinfo } = listing('rk3399');
    const byFreq = cpuTopology(files, cpuinfo);
    expect(byFreq.source).toBe('cpufreq');
    expect(byFreq.clusters.map((c) => c.cpus)).toEqual([[0, 1, 2, 3], [4, 5]]);
    expect(describeTopology(byFreq)).toBe('6 CPUs: 4 × 1.42 GHz + 2 × 1.80 GHz (from cpufreq)');
    const byCapacity = cpuTopology(without(files, CPUFREQ), cpuinfo);
    expect(byCapacity.source).toBe('cpu_capacity');
    expect(describeTopology(byCapacity)).toBe('6 CPUs: 4 × capacity 381 + 2 × capacity 1024 (from cpu_capacity)');
    const byPart = cpuTopology(without(files, CPUFREQ, CAPACITY), cpuinfo);
    expect(byPart.source).toBe('cpu-part');
    expect(describeTopology(byPart)).toBe('6 CPUs: 4 × Cortex-A53 + 2 × Cortex-A72 (from cpu-part)');
    for (const topology of [byFreq, byCapacity, byPart]) {
      expect(pin('little', topology)).toBe('0-3');
      expect(pin('big', topology)).toBe('4-5');
      expect(resolveCpuSelection('big', topology, 'rk').mask).toBe('30');
    }
  });

  test('Snapdragon 888 (1 + 3 + 4): little, mid and big are the three clusters; the prime core is big', () => {
    const { files, cpuinfo } = listing('snapdragon-888');
    const topology = cpuTopology(files, cpuinfo);
    expect(describeTopology(topology)).toBe('8 CPUs: 4 × 1.80 GHz + 3 × 2.42 GHz + 1 × 2.84 GHz (from cpufreq)');
    expect(pin('little', topology)).toBe('0-3');
    expect(pin('mid', topology)).toBe('4-6');
    expect(pin('big', topology)).toBe('7');
    expect(pin('all', topology)).toBe('0-7');
    expect(resolveCpuSelection('0x81', topology, 'sd888')).toEqual({ cpus: [0, 7], mask: '81', list: '0,7' });
    // The core table ranks X1 above A78 above A55 without cpufreq too.
    const byPart = cpuTopology(without(files, CPUFREQ), cpuinfo);
    expect(describeTopology(byPart)).toBe('8 CPUs: 4 × Cortex-A55 + 3 × Cortex-A78 + 1 × Cortex-X1 (from cpu-part)');
    expect(parseCpuFreqState(files)).toEqual({ coresKHz: [300000, 300000, 300000, 300000, 710400, 710400, 710400, 844800], governors: Array(8).fill('schedutil') });
  });

  test('Raspberry Pi 5 (4 × A76) is one cluster: little and big are all four, mid is refused', () => {
    const { files, cpuinfo } = listing('raspberry-pi-5');
    const topology = cpuTopology(files, cpuinfo);
    expect(describeTopology(topology)).toBe('4 CPUs, one cluster (4 × 2.40 GHz, from cpufreq)');
    expect(pin('big', topology)).toBe('0-3');
    expect(pin('0x1', topology)).toBe('0');
    expect(() => resolveCpuSelection('mid', topology, 'pi5')).toThrow('cpus=mid does not fit pi5: it has 1 cluster, so no middle one; its CPUs are 4 × 2.40 GHz, so use all or a mask of CPUs 0–3.');
    expect(() => resolveCpuSelection('0xf0', topology, 'pi5')).toThrow('mask 0xf0 selects none of its CPUs');
  });

  test('an x86 VM without cpufreq (cpu_capacity 1024 on both CPUs) is one cluster; a core type the table lacks leaves clusters unknown', () => {
    const vm = new Map([
      ['/sys/devices/system/cpu/online', '0-1'],
      ['/sys/devices/system/cpu/cpu0/cpu_capacity', '1024'],
      ['/sys/devices/system/cpu/cpu1/cpu_capacity', '1024'],
    ]);
    const topology = cpuTopology(vm, 'processor\t: 0\nmodel name\t: AMD EPYC\n\nprocessor\t: 1\nmodel name\t: AMD EPYC\n');
    expect(describeTopology(topology)).toBe('2 CPUs, one cluster (2 × capacity 1024, from cpu_capacity)');
    expect(resolveCpuSelection('0x1', topology, 'vm')).toEqual({ cpus: [0], mask: '1', list: '0' });
    // Nothing but the online list: masks work, clusters are refused, and that is said.
    const bare = cpuTopology(new Map([['/sys/devices/system/cpu/online', '0-1']]), '');
    expect(bare).toEqual({ cpus: [0, 1], clusters: [], source: 'none' });
    expect(() => resolveCpuSelection('little', bare, 'vm')).toThrow('cpus=little does not fit vm: its clusters are unknown; its CPUs are 0-1, clusters unknown, so use all or a mask of CPUs 0–1.');
    const { files, cpuinfo } = listing('rk3399');
    const unknownPart = cpuinfo.replace(/0xd08/g, '0xfff');
    expect(cpuTopology(without(files, CPUFREQ, CAPACITY), unknownPart)).toEqual({ cpus: [0, 1, 2, 3, 4, 5], clusters: [], source: 'none' });
  });

  test('CPU lists as sysfs and taskset write them; a selection that is no selection is one sentence', () => {
    expect(parseCpuList('0-3,6,8-9\n')).toEqual([0, 1, 2, 3, 6, 8, 9]);
    expect(parseCpuList('0-x')).toEqual([]);
    expect(formatCpuList([9, 0, 1, 2, 3, 6, 8])).toBe('0-3,6,8-9');
    const topology = cpuTopology(listing('rk3399').files);
    expect(() => resolveCpuSelection('huge', topology, 'rk')).toThrow('cpus=huge does not fit rk: it is not all, little, mid, big or a hex mask such as 0xf0;');
  });
});
