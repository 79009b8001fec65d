/**
 * The matrix's CPU axis: one cell per CPU selection (after threads), each cell's settings carrying
 * its selection to the target, refused on a target that cannot pin and for a selection that is
 * none; the target's own check runs before any cell; the run's pinning in words.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseArgs } from '../../../src/cli/args';
import { benchFlags } from '../../../src/cli/commands/bench';
import { cpuSelectionsFromArgs } from '../../../src/cli/bench-flags';
import { planMatrix, runMatrix, type MatrixModel } from '../../../src/core/jobs/matrix';
import { summarizeRun } from '../../../src/core/workspace/workspace';
import { cellCount, cpusFieldFor, DEFAULT_FORM, parseCpuSelections, validateBenchForm, type BenchFormValues } from '../../../src/renderer/src/bench-form';
import { describeCpuPinning } from '../../../src/shared/cpu-pinning';
import { StudioError } from '../../../src/shared/errors';
import { BenchSettings, RunFile } from '../../../src/shared/run-schema';

const model: MatrixModel = { name: 'm', path: '/m.onnx', variant: 'float', info: { format: 'onnx', sha256: 'a'.repeat(64), sizeBytes: 1, inputs: [], outputs: [] } as unknown as MatrixModel['info'] };
const board = { kind: 'ssh' as const, name: 'rk3399' };
const demoRun = (): RunFile => RunFile.parse(JSON.parse(readFileSync(join(__dirname, '../../fixtures/runs/demo-mnist-onnx.json'), 'utf8')));

describe('the CPU axis', () => {
  test('model × runtime × threads × CPUs, selections once each and in lower case', () => {
    const cells = planMatrix([model], undefined, [1, 2], 0, { selections: ['all', 'BIG', 'big', '0x0f'], target: board });
    expect(cells.map((cell) => [cell.threads, cell.cpus])).toEqual([
      [1, 'all'],
      [1, 'big'],
      [1, '0x0f'],
      [2, 'all'],
      [2, 'big'],
      [2, '0x0f'],
    ]);
    // Without an axis nothing changes: no cpus on the cells.
    expect(planMatrix([model], undefined, [1])).toEqual([{ index: 0, model, runtime: 'onnxruntime', threads: 1 }]);
  });

  test('a target that cannot pin, and a selection that is none, are one sentence each before any cell', () => {
    expect(() => planMatrix([model], undefined, [1], 0, { selections: ['big'], target: { kind: 'serial', name: '/dev/ttyACM0' } })).toThrow(
      '/dev/ttyACM0 cannot pin a benchmark to CPUs; leave the CPU selection out for it, or sweep CPUs on an SSH board or an Android device.',
    );
    expect(() => planMatrix([model], undefined, [1], 0, { selections: ['all', 'fast'], target: board })).toThrow("'fast' is not a CPU selection: use all, little, mid, big or a hex mask such as 0x0f, separated by commas.");
  });

  test("each cell's settings carry its selection to the target; the target's check sees every cell first and can refuse them all", async () => {
    const cells = planMatrix([model], undefined, [1], 0, { selections: ['little', 'big'], target: board });
    const asked: Array<string | undefined> = [];
    const checked: string[][] = [];
    const settings = BenchSettings.parse({ warmupRuns: 0, runs: 1, minTimeMs: 0, threads: 1 });
    const refused = new StudioError('BAD_INPUT', 'rk3399 has no taskset.');
    const target = {
      ...board,
      checkCells: async (all: readonly { cpus?: string }[]) => {
        checked.push(all.map((cell) => cell.cpus ?? ''));
        if (all.length > 2) throw refused;
      },
      runCell: async (job: { settings: BenchSettings }) => {
        asked.push(job.settings.cpus);
        throw new StudioError('RUNTIME', 'not measured in this test');
      },
    };
    const outcome = await runMatrix('job', cells, settings, { target });
    expect(checked).toEqual([['little', 'big']]);
    expect(asked).toEqual(['little', 'big']);
    expect(outcome.results.map((result) => [result.cell.cpus, result.state])).toEqual([
      ['little', 'failed'],
      ['big', 'failed'],
    ]);
    await expect(runMatrix('job', [...cells, { ...(cells[0] as (typeof cells)[0]), index: 2 }], settings, { target })).rejects.toBe(refused);
    expect(asked).toHaveLength(2);
  });

  test('--cpus: a list of selections; a wrong one is one sentence', () => {
    const args = (value: string) => parseArgs('bench', ['m.onnx', '--cpus', value], benchFlags);
    expect(cpuSelectionsFromArgs(args('all,BIG, 0x0f,big'))).toEqual(['all', 'big', '0x0f']);
    expect(cpuSelectionsFromArgs(parseArgs('bench', ['m.onnx'], benchFlags))).toBeUndefined();
    expect(() => cpuSelectionsFromArgs(args('all,,big'))).toThrow("--cpus expects all, little, mid, big or a hex mask such as 0x0f, separated by commas (e.g. --cpus all,big,little); got 'all,,big'.");
  });

  test("the run's pinning in words, and the selection in its summary; an older run without it still loads", () => {
    const base = demoRun();
    const pinned = RunFile.parse({
      ...base,
      settings: { ...base.settings, cpus: 'big' },
      cpuPinning: { cpus: [4, 5], clusters: '6 CPUs: 4 × 1.42 GHz + 2 × 1.80 GHz (from cpufreq)', allowedCpus: [4, 5] },
    });
    expect(describeCpuPinning(pinned)).toBe('big: CPUs 4-5 of 6 CPUs: 4 × 1.42 GHz + 2 × 1.80 GHz (from cpufreq); the runner was allowed on 4-5');
    expect(describeCpuPinning({ ...pinned, cpuPinning: { ...pinned.cpuPinning!, allowedCpus: [0, 1, 2, 3, 4, 5] } })).toMatch(/; but the runner was allowed on 0-5$/);
    expect(summarizeRun(pinned).cpus).toBe('big');
    const older = RunFile.parse(base);
    expect(describeCpuPinning(older)).toBeNull();
    expect(summarizeRun(older)).not.toHaveProperty('cpus');
  });

  test("the bench form's CPUs field: shown for targets that pin, one cell per selection, names a ticked target that cannot pin", () => {
    const targets = [
      { id: 'local', kind: 'local' as const, name: 'This computer' },
      { id: 'rk', kind: 'ssh' as const, name: 'rk3399' },
      { id: 'esp', kind: 'serial' as const, name: 'esp32-s3' },
    ];
    // This computer pins on Linux (taskset); elsewhere the engine refuses the selection in one sentence when the job starts.
    expect(cpusFieldFor(targets, ['local'])).toEqual({ shown: true, cannot: [] });
    expect(cpusFieldFor(targets, ['esp'])).toEqual({ shown: false, cannot: ['esp32-s3'] });
    expect(cpusFieldFor(targets, ['rk'])).toEqual({ shown: true, cannot: [] });
    // This computer on macOS (its entry's cannotPin, from the server): the field is shown disabled with that sentence, and sends nothing;
    // ticked with a board that can pin, the field is live and This computer is named as the one that cannot.
    const mac = "This computer runs macOS, where the studio cannot pin a benchmark to CPUs (it pins with Linux's taskset, and macOS offers no affinity call it could use instead); leave the CPU selection out, or sweep CPUs on an SSH board or an Android device.";
    const onMac = targets.map((t) => (t.id === 'local' ? { ...t, cannotPin: mac } : t));
    expect(cpusFieldFor(onMac, ['local'])).toEqual({ shown: true, cannot: ['This computer'], disabledReason: mac });
    expect(cpusFieldFor(onMac, ['local', 'rk'])).toEqual({ shown: true, cannot: ['This computer'] });
    expect(cpusFieldFor(onMac, ['local', 'esp'])).toEqual({ shown: true, cannot: ['This computer', 'esp32-s3'], disabledReason: mac });
    expect(parseCpuSelections('all, BIG 0x0f')).toEqual(['all', 'big', '0x0f']);
    expect(parseCpuSelections('all, fast')).toBe("'fast' is not a CPU selection: use all, little, mid, big or a hex mask such as 0x0f, separated by commas.");
    expect(parseCpuSelections('big, big')).toBe('List each CPU selection once.');
    const values = (cpus: string, targetIds: string[], unpinnable: string[] = []): BenchFormValues => ({ ...DEFAULT_FORM, modelIds: ['m'], targetIds, formats: ['onnx'], threads: '1, 2', cpus, unpinnable });
    const sweep = validateBenchForm(values('all, big, little', ['rk']));
    expect(sweep.ok && sweep.request.cpus).toEqual(['all', 'big', 'little']);
    expect(cellCount(values('all, big, little', ['rk']))).toBe(6);
    const unpinned = validateBenchForm(values('', ['rk']));
    expect(unpinned.ok && 'cpus' in unpinned.request).toBe(false);
    const mixed = validateBenchForm(values('big', ['esp', 'rk'], ['esp32-s3']));
    expect(mixed.ok ? null : mixed.errors.cpus).toBe('esp32-s3 cannot pin a benchmark to CPUs: untick it, or leave CPUs empty.');
  });
});
