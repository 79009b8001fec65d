/**
 * A CPU selection a machine cannot meet is refused in the user's terms: CPUs the kernel tells apart
 * only by cpu_capacity (this kind of x86 VM: two CPUs, capacity 1024, no cpufreq) are said as CPU
 * numbers and kinds, never as "capacity 1024", a number the studio shows nowhere else.
 */
import { describe, expect, test } from 'vitest';
import { cpuTopology, resolveCpuSelection } from '../../../src/core/targets/cpu-clusters';

const capacities = (values: number[]): Map<string, string> =>
  new Map([['/sys/devices/system/cpu/online', `0-${values.length - 1}`], ...values.map((v, cpu): [string, string] => [`/sys/devices/system/cpu/cpu${cpu}/cpu_capacity`, String(v)])]);

describe('CPU refusals in words', () => {
  test('two alike CPUs known by cpu_capacity alone', () => {
    const vm = cpuTopology(capacities([1024, 1024]), '');
    expect(() => resolveCpuSelection('0x100', vm, 'This computer')).toThrow(
      'cpus=0x100 does not fit This computer: mask 0x100 selects none of its CPUs; its CPUs are 0-1, all of one kind, so use all or a mask of CPUs 0–1.',
    );
  });

  test('little and big known by cpu_capacity alone', () => {
    const board = cpuTopology(capacities([381, 381, 381, 381, 1024, 1024]), '');
    expect(() => resolveCpuSelection('0x100', board, 'rk')).toThrow('its CPUs are 0-3 little + 4-5 big, so use all, little, big or a mask of CPUs 0–5.');
  });
});
