/**
 * The New-benchmark form's CPU checks against the ticked targets' probed CPU counts: a mask that
 * names none of a target's CPUs is refused in the form (before Start), in one sentence naming the
 * target and what to do; more threads than a mask's CPUs is a hint, and Start still goes.
 */
import { describe, expect, test } from 'vitest';
import type { TargetEntry } from '../../../src/shared/contract';
import { cpuSelectionProblem, DEFAULT_FORM, sharedCpuHint, targetCpuCounts, validateBenchForm, type BenchFormValues } from '../../../src/renderer/src/bench-form';

const hardware = (cores: number): TargetEntry['hardware'] => ({ arch: 'x64', cpuModel: 'test', cores, memoryBytes: 1, os: 'Linux', cpuFeatures: [] });
const targets: TargetEntry[] = [
  { id: 'local', kind: 'local', name: 'This computer', hardware: hardware(2), config: null, spec: 'local' },
  { id: 'b', kind: 'ssh', name: 'rk3399', hardware: hardware(6), config: null, spec: 'ssh://pi@b' },
  { id: 'c', kind: 'ssh', name: 'unprobed', hardware: null, config: null, spec: 'ssh://pi@c' },
];
const form = (cpus: string, targetIds: string[], threads = '0'): BenchFormValues => ({
  ...DEFAULT_FORM,
  threads,
  cpus,
  modelIds: ['m'],
  targetIds,
  formats: ['onnx'],
  cpuCounts: targetCpuCounts(targets, targetIds),
});

describe('CPU selections against the ticked targets', () => {
  test('only ticked, probed targets are checked', () => {
    expect(targetCpuCounts(targets, ['local', 'c'])).toEqual([{ name: 'This computer', cpus: 2 }]);
  });

  test('a mask beyond a 2-CPU computer is refused in the form, naming it and what to type', () => {
    const result = validateBenchForm(form('0x100', ['local']));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.cpus).toBe('This computer has CPUs 0–1 only, so mask 0x100 names none of them: use a mask within 0x3, or all.');
    expect(result.errors.cpus).not.toContain('capacity');
  });

  test('a mask one target meets and another does not names the one that cannot', () => {
    expect(cpuSelectionProblem(['0x30'], [{ name: 'rk3399', cpus: 6 }, { name: 'This computer', cpus: 2 }])).toMatch(/^This computer has CPUs 0–1 only, so mask 0x30/);
    expect(cpuSelectionProblem(['0x30'], [{ name: 'rk3399', cpus: 6 }])).toBeNull();
  });

  test('masks with a CPU the target has, cluster names, and unprobed targets pass', () => {
    expect(validateBenchForm(form('0x1, 0x3, 0x102, all, big', ['local'])).ok).toBe(true);
    expect(validateBenchForm(form('0x100', ['c'])).ok).toBe(true);
  });

  test('two threads on one CPU is a hint, not an error', () => {
    const values = form('0x1', ['local'], '2');
    expect(validateBenchForm(values).ok).toBe(true);
    expect(sharedCpuHint([2], ['0x1'], values.cpuCounts ?? [])).toBe('2 threads on 0x1 will share one CPU, taking turns rather than running side by side; give as many CPUs as threads to time them in parallel.');
    expect(sharedCpuHint([1, 2], ['0x3'], values.cpuCounts ?? [])).toBeNull();
    expect(sharedCpuHint([0], ['0x1'], values.cpuCounts ?? [])).toBeNull();
    expect(sharedCpuHint([4], ['big'], values.cpuCounts ?? [])).toBeNull();
  });
});
