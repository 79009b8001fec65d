/** The job results grid as data (issue 13 item 1): axes that vary, baseline speedups and colours, "not measured". */
import { describe, expect, it } from 'vitest';
import { buildResultsGrid, type GridInput } from '../../../src/renderer/src/components/results/results-grid';
import { NOT_MEASURED } from '../../../src/shared/units';
import type { RunSummary } from '../../../src/shared/run-schema';

function summary(id: string, median: number, ci: [number, number], extra: Partial<RunSummary> = {}): RunSummary {
  return {
    id, createdAt: '2026-12-07T06:00:00Z', modelName: 'demo', modelSha256: 'a', variant: 'float', targetName: 'This computer',
    runtime: 'onnxruntime 1.30.0', threads: 1, runtimeBackend: 'cpu', status: 'completed', median, p90: median, count: 30,
    verdict: 'stable', warnings: 0, peakRssBytes: 100 * 1024 * 1024, jobId: 'j', p99: median * 2,
    medianCi95: { low: ci[0], high: ci[1] }, runtimeName: 'onnxruntime', modelSizeBytes: 2048, ...extra,
  };
}

function input(sha: string, threads: number, run?: RunSummary, target = 'This computer'): GridInput {
  return { modelSha256: sha, modelLabel: `model ${sha}`, targetName: target, runtime: 'onnxruntime', threads, state: run ? 'done' : 'queued', ...(run ? { summary: run } : {}) };
}

describe('the results grid', () => {
  const inputs = [
    input('a', 1, summary('a1', 2, [1.9, 2.1])),
    input('a', 2, summary('a2', 1, [0.95, 1.05])),
    input('b', 1, summary('b1', 4, [3.9, 4.1])),
    input('b', 2, summary('b2', 2.05, [1.95, 2.2])),
  ];

  it('says on the cell when its figures are doubtful: guessed input sizes loudly, then an unstable verdict; nothing on a stable run', () => {
    const grid = buildResultsGrid(
      [
        input('a', 1, summary('stable', 2, [1.9, 2.1])),
        input('a', 2, summary('unstable', 2, [1.9, 2.1], { verdict: 'unstable', warnings: 2 })),
        input('a', 3, summary('guessed', 2, [1.9, 2.1], { verdict: 'unstable', warnings: 1, guessedInputs: ['input_1'] })),
      ],
      new Map(),
      null,
    );
    const cells = grid.rows[0]!.cells;
    expect(cells.map((c) => c?.caution?.text ?? null)).toEqual([null, 'unstable', 'INPUT SIZES GUESSED']);
    expect(cells[2]?.caution?.title).toMatch(/guessed sizes of 'input_1'.*Input sizes on the Models page/);
  });

  it('badges what the accelerator record says ran, with the op placement and who said so; nothing on a CPU-only run', () => {
    const edgeTpu = { requested: ['edgetpu'], used: ['edgetpu'], ops: { source: 'edgetpu_compiler' as const, onAccelerator: 10, onCpu: 4, cpuOps: [{ opType: 'TRANSPOSE', count: 2 }] } };
    const grid = buildResultsGrid(
      [input('a', 1, summary('tpu', 2, [1.9, 2.1], { accelerator: edgeTpu })), input('a', 2, summary('asked', 2, [1.9, 2.1], { accelerator: { requested: ['CUDAExecutionProvider'], used: [] } })), input('a', 3, summary('cpu', 2, [1.9, 2.1]))],
      new Map(),
      null,
    );
    const [tpu, asked, cpu] = grid.rows[0]!.cells;
    expect(tpu?.accelerator).toEqual({ text: 'edgetpu', ops: "10 ops on the accelerator, 4 on the CPU (edgetpu_compiler's log)", missing: false, title: "Asked for edgetpu; ran on edgetpu. 10 ops on the accelerator, 4 on the CPU (edgetpu_compiler's log)." });
    expect(asked?.accelerator).toMatchObject({ text: 'CUDAExecutionProvider: nothing reported', ops: null, missing: true });
    expect(cpu?.accelerator).toBeUndefined();
  });

  it('has one row per model and one column per value of the axes that vary (threads only here)', () => {
    const grid = buildResultsGrid(inputs, new Map(), null);
    expect(grid.axes).toEqual(['threads']);
    expect(grid.columns.map((c) => c.label)).toEqual(['1 thread', '2 threads']);
    expect(grid.rows.map((r) => r.label)).toEqual(['model a', 'model b']);
    const twoTargets = buildResultsGrid([...inputs, input('a', 1, summary('c', 1, [1, 1]), 'pi')], new Map(), null);
    expect(twoTargets.axes).toEqual(['target', 'threads']);
    expect(twoTargets.columns.map((c) => c.label)).toContain('pi · 1 thread');
  });

  it('a CPU axis is a column per selection beside threads, keyed apart; a job pinned to one selection still says it', () => {
    const pinned = (cpus: string, threads: number, id: string, median: number): GridInput => ({ ...input('a', threads, summary(id, median, [median, median], { cpus })), cpus });
    const grid = buildResultsGrid([pinned('all', 1, 'all', 2), pinned('big', 1, 'big', 1), pinned('little', 1, 'little', 4)], new Map(), null);
    expect(grid.axes).toEqual(['cpus']);
    expect(grid.columns.map((c) => c.label)).toEqual(['CPUs all', 'CPUs big', 'CPUs little']);
    expect(grid.rows[0]?.cells.map((c) => c?.speedupText)).toEqual(['baseline', '2.00× faster', '2.00× slower']);
    expect(grid.rows[0]?.cells[1]?.key).toMatch(/~1~cpus=big$/);
    // Without a CPU axis the keys are as before (a job URL's baseline still finds its cell).
    expect(buildResultsGrid(inputs, new Map(), null).rows[0]?.cells[0]?.key).toMatch(/~onnxruntime~1$/);
    const oneSelection = buildResultsGrid([pinned('big', 1, 'b1', 1), pinned('big', 2, 'b2', 1)], new Map(), null);
    expect(oneSelection.columns.map((c) => c.label)).toEqual(['1 thread · CPUs big', '2 threads · CPUs big']);
    expect(buildResultsGrid([pinned('big', 1, 'b1', 1)], new Map(), null).columns.map((c) => c.label)).toEqual(['This computer · onnxruntime · 1 thread · CPUs big']);
  });

  it('compares with the first cell by default, and with the cell the user picks', () => {
    const grid = buildResultsGrid(inputs, new Map(), null);
    const [a1, a2] = grid.rows[0]?.cells ?? [];
    const [b1, b2] = grid.rows[1]?.cells ?? [];
    expect(a1?.tone).toBe('baseline');
    expect(a2).toMatchObject({ speedup: 2, tone: 'faster', speedupText: '2.00× faster' });
    expect(b1).toMatchObject({ speedup: 0.5, tone: 'slower', speedupText: '2.00× slower', level: 0.5 });
    // 2.05 ms against 2 ms with overlapping CIs: similar, not slower.
    expect(b2?.tone).toBe('similar');
    expect(b2?.level).toBe(0);

    const picked = buildResultsGrid(inputs, new Map(), b1?.key ?? null);
    expect(picked.baselineKey).toBe(b1?.key);
    expect(picked.rows[0]?.cells[0]).toMatchObject({ speedup: 2, tone: 'faster' });
    expect(picked.rows[1]?.cells[0]?.tone).toBe('baseline');
  });

  it('says "not measured" for what a cell lacks, and what state a cell without a run is in', () => {
    const bare = summary('x', 1, [1, 1], { peakRssBytes: 0 });
    delete bare.modelSizeBytes;
    const grid = buildResultsGrid([input('a', 1), input('a', 2, bare)], new Map(), null);
    const [queued, run] = grid.rows[0]?.cells ?? [];
    expect(queued).toMatchObject({ median: NOT_MEASURED, status: { kind: 'queued' } });
    expect(grid.baselineNote).toMatch(/no measured median/);
    expect(run).toMatchObject({ peakRss: NOT_MEASURED, size: NOT_MEASURED, accuracy: { text: NOT_MEASURED }, speedup: null, tone: 'none' });
    // 30 samples: too few for a p99.
    expect(run?.p99.text).toBe('too few samples');
  });

  it("tags a simulated board's median SIMULATED and does not show its reported memory as a measurement", () => {
    const simulated = summary('s', 3.41, [3.4, 3.42], { simulated: true, peakRssBytes: 50_000 });
    const cell = buildResultsGrid([input('a', 1, simulated)], new Map(), null).rows[0]?.cells[0];
    expect(cell?.median).toBe('3.41 ms (SIMULATED)');
    expect(cell?.peakRss).toBe('not measured on the board (SIMULATED)');
  });

  it('uses the between-run CI when the run had repeats, and shows accuracy where an evaluation exists', () => {
    const repeated = summary('r', 1, [0.9, 1.1], { betweenRun: { repeats: 5, ci95: { low: 0.8, high: 1.2 }, disagree: false } });
    const grid = buildResultsGrid([input('a', 1, repeated)], new Map([['a', { text: '97.10%', title: 'top-1' }]]), null);
    const cell = grid.rows[0]?.cells[0];
    expect(cell?.ci).toEqual({ text: '0.800 – 1.20 ms', kind: 'between-run' });
    expect(cell?.accuracy.text).toBe('97.10%');
  });
});
