/**
 * Repeats in fresh processes (issue 12), through the matrix the CLI and the studio run, on the fake
 * runner (a labelled test stand-in speaking the real runner protocol) whose speed shifts from one
 * process to the next as a machine's clock, placement or steal time does. Every figure follows
 * from the script: no timing, no race.
 */
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runLocalBenchmark, type BenchProgress, type EnvironmentProbe } from '../../src/core/bench/run-local-benchmark';
import { inspectModelFiles } from '../../src/core/formats/inspect';
import { planMatrix, runMatrix, type CellResult, type MatrixCell, type MatrixHooks } from '../../src/core/jobs/matrix';
import type { ModelInfo } from '../../src/shared/model-info';
import { BenchSettings, type RunFile } from '../../src/shared/run-schema';
import { errorOf, runIn } from '../helpers/bench-results';
import { fakeRunnerSpawner, type FakeRunnerScript, type FakeRunnerSpawner } from '../helpers/fake-runner';

const DEMO = fileURLToPath(new URL('../../resources/models/demo-mnist.onnx', import.meta.url));

/** A machine that reads steady (the fake runner's shift is all there is). */
const QUIET: EnvironmentProbe = { sample: () => Promise.resolve({ cpuMHz: 2600, loadAverage: 0.05 }), busyProcesses: () => Promise.resolve([]) };

/** Steady within a process: within-run CIs about ±1 %. */
const STEADY = [0.99, 1.0, 1.01];

let info: ModelInfo;
beforeAll(async () => {
  info = await inspectModelFiles([DEMO]);
});

function settingsWith(overrides: Partial<BenchSettings>): BenchSettings {
  return BenchSettings.parse({ warmupRuns: 1, runs: 300, minTimeMs: 0, threads: 1, profileRuns: 0, dims: { batch: 1 }, ...overrides });
}

/** The demo model at each thread count (one cell each), run with `settings` on `spawner`'s fake runners. */
async function matrix(spawner: FakeRunnerSpawner, settings: BenchSettings, threads: number[], hooks: Partial<MatrixHooks> = {}) {
  const cells = planMatrix([{ name: 'demo-mnist', path: DEMO, variant: 'float', info }], undefined, threads);
  const done: CellResult[] = [];
  const outcome = await runMatrix('job-repeats', cells, settings, {
    target: { kind: 'local', name: 'This computer', runCell: (job, opts) => runLocalBenchmark(job, { ...opts, spawner, environment: QUIET }) },
    onCellDone: (result) => {
      done.push(result);
    },
    ...hooks,
  });
  return { ...outcome, done };
}

async function oneRun(script: FakeRunnerScript, repeats: number): Promise<RunFile> {
  const { results } = await matrix(fakeRunnerSpawner(script), settingsWith({ repeats }), [1]);
  return runIn(results[0], 'completed');
}

const inside = (ms: number, ci: { low: number; high: number } | null | undefined): boolean => ci != null && ms >= ci.low && ms <= ci.high;

/** Which thread count each fake runner process was loaded for, in the order they started. */
function loadOrder(spawner: FakeRunnerSpawner): number[] {
  return spawner.runners.map((runner) => {
    const load = runner.session.state.requests.find((request) => request.type === 'load');
    return load?.type === 'load' ? load.threads : -1;
  });
}

describe('repeats in fresh processes on a machine whose speed shifts between processes', () => {
  it('the within-run CI of one process misses the next process; the between-run CI of 5 repeats holds the next run', async () => {
    // One process each: 1.0× then 1.3×. The first CI is about 1.00 ms ± 1 %: the second run's 1.3 ms is far outside.
    const first = await oneRun({ latencyMs: STEADY, processSpeeds: [1.0] }, 1);
    const second = await oneRun({ latencyMs: STEADY, processSpeeds: [1.3] }, 1);
    expect(first.latencyMs.medianCi95.high).toBeLessThan(1.02);
    expect(inside(second.latencyMs.median, first.latencyMs.medianCi95)).toBe(false);

    // Five fresh processes each, the machine drifting among the same speeds in another order.
    const repeated = await oneRun({ latencyMs: STEADY, processSpeeds: [1.0, 1.3, 0.9, 1.1, 1.2] }, 5);
    const again = await oneRun({ latencyMs: STEADY, processSpeeds: [1.2, 0.9, 1.1, 1.3, 1.0] }, 5);
    const [firstRepeat, ...laterRepeats] = repeated.repeats ?? [];
    // The first repeat's own CI (and the pooled samples' CI) are narrow and miss where the other processes land...
    for (const later of laterRepeats) expect(inside(later.medianMs, firstRepeat?.medianCi95)).toBe(false);
    expect(inside(again.latencyMs.median, repeated.latencyMs.medianCi95) && inside(0.9, repeated.latencyMs.medianCi95)).toBe(false);
    // ...the between-run CI covers the next run's between-run median, and the verdict says the machine shifted.
    expect(repeated.betweenRun?.medianMs).toBeCloseTo(1.1, 12);
    expect(again.betweenRun?.medianMs).toBeCloseTo(1.1, 12);
    expect(inside(again.betweenRun?.medianMs ?? 0, repeated.betweenRun?.ci95)).toBe(true);
    expect(repeated.betweenRun?.disagree).toBe(true);
    expect(repeated.verdict).toBe('unstable');
    expect(repeated.warnings.map((w) => w.code)).toContain('between-run-variation');
    expect(repeated.warnings.find((w) => w.code === 'between-run-variation')?.message).toContain(
      'between-run variation: the medians of 5 fresh runs range 0.9–1.3 ms; this machine does not hold a steady speed.',
    );
  });

  it('the run file pools every repeat: samples in order, each repeat\'s share, median, CI and init, and the settings asked for', async () => {
    const run = await oneRun({ latencyMs: STEADY, processSpeeds: [1.0, 2.0, 1.0], initMs: 7 }, 3);
    expect(run.latencyMs.count).toBe(900);
    expect(run.settings.repeats).toBe(3);
    expect(run.repeats?.map((r) => [r.index, r.sampleOffset, r.count, r.medianMs, r.initMs])).toEqual([
      [0, 0, 300, 1.0, 7],
      [1, 300, 300, 2.0, 7],
      [2, 600, 300, 1.0, 7],
    ]);
    expect(run.latencyMs.samples.slice(300, 303)).toEqual([1.98, 2.0, 2.02]);
    expect(run.repeats?.[1]?.medianCi95).toEqual({ low: 2.0, high: 2.0 });
    expect(run.betweenRun).toMatchObject({ repeats: 3, medianMs: 1.0, rangeMs: { min: 1.0, max: 2.0 }, disagree: true });
    expect(run.status).toBe('completed');
  });

  it('steady repeats agree: a between-run CI around the median, and the verdict stays stable', async () => {
    const run = await oneRun({ latencyMs: STEADY }, 5);
    expect(run.betweenRun?.disagree).toBe(false);
    expect(run.betweenRun?.ci95?.low).toBeCloseTo(1.0, 9);
    expect(run.betweenRun?.ci95?.high).toBeCloseTo(1.0, 9);
    expect(run.verdict).toBe('stable');
  });
});

describe('repeats in a matrix', () => {
  it('interleave across cells, A B C A B C, and each cell ends in one run, after its last repeat', async () => {
    const spawner = fakeRunnerSpawner({ latencyMs: STEADY });
    const progress: Array<{ cell: number; p: BenchProgress }> = [];
    const { results, done, cancelled } = await matrix(spawner, settingsWith({ repeats: 2, runs: 50 }), [1, 2, 3], {
      onProgress: (cell: MatrixCell, p: BenchProgress) => progress.push({ cell: cell.index, p }),
    });
    expect(cancelled).toBe(false);
    expect(loadOrder(spawner)).toEqual([1, 2, 3, 1, 2, 3]);
    expect(done.map((r) => r.cell.index)).toEqual([0, 1, 2]);
    expect(results.map((r) => runIn(r, 'completed').repeats?.length)).toEqual([2, 2, 2]);
    // Progress says which repeat, and each cell's bar only moves forward over both of its repeats.
    for (const cell of [0, 1, 2]) {
      const mine = progress.filter((e) => e.cell === cell).map((e) => e.p);
      expect(new Set(mine.map((p) => `${p.repeat}/${p.repeats}`))).toEqual(new Set(['1/2', '2/2']));
      const fractions = mine.map((p) => p.fraction);
      expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
      expect(Math.max(...mine.filter((p) => p.repeat === 1).map((p) => p.fraction))).toBeLessThanOrEqual(0.5);
    }
  });

  it('a repeat that crashes after others measured: that cell is partial with the repeats measured, and runs no more; the others go on', async () => {
    // Processes start A1 B1 A2 B2 A3 B3; A2 (the third) crashes after 120 runs, of which it reported 100.
    const ok: FakeRunnerScript = { latencyMs: [1] };
    const spawner = fakeRunnerSpawner([ok, ok, { latencyMs: [1], fault: { kind: 'crash', afterSamples: 120 } }, ok]);
    const { results, done } = await matrix(spawner, settingsWith({ repeats: 3 }), [1, 2]);
    expect(loadOrder(spawner)).toEqual([1, 2, 1, 2, 2]);
    const [a, b] = results;
    const partial = runIn(a, 'partial');
    expect(partial.repeats?.map((r) => r.count)).toEqual([300, 100]);
    expect(partial.latencyMs.count).toBe(400);
    expect(partial.stopped?.before).toBe('the runner stopped in repeat 2 of 3');
    expect(errorOf(a)?.message).toContain('The studio kept 400 samples measured before the runner stopped in repeat 2 of 3 (median 1 ms).');
    expect(errorOf(a)?.message.match(/The studio kept/g)).toHaveLength(1);
    expect(partial.warnings[0]?.message).toContain('at least 300 were planned in each of 3 fresh runs');
    expect(runIn(b, 'completed').repeats).toHaveLength(3);
    // A is done as soon as it stopped, before B's last repeat.
    expect(done.map((r) => r.cell.index)).toEqual([0, 1]);
  });

  it('a repeat that fails before measuring anything: the cell keeps its earlier repeats as a partial run', async () => {
    const ok: FakeRunnerScript = { latencyMs: [1] };
    const gone: FakeRunnerScript = { latencyMs: [1], runtimes: {}, unavailable: { onnxruntime: 'fake: the runtime went away' } };
    const { results } = await matrix(fakeRunnerSpawner([ok, gone]), settingsWith({ repeats: 3 }), [1]);
    const partial = runIn(results[0], 'partial');
    expect(partial.repeats).toHaveLength(1);
    expect(partial.betweenRun).toBeUndefined();
    expect(partial.stopped).toMatchObject({ code: 'RUNTIME', before: 'repeat 2 of 3 failed' });
    expect(errorOf(results[0])?.message).toMatch(/^onnxruntime cannot run on this computer: fake: the runtime went away\. The studio kept 300 samples/);
  });

  it('a first repeat that fails leaves the cell failed, and it runs no more repeats', async () => {
    const gone: FakeRunnerScript = { latencyMs: [1], runtimes: {}, unavailable: { onnxruntime: 'fake: no runtime' } };
    const spawner = fakeRunnerSpawner([gone, { latencyMs: [1] }]);
    const { results } = await matrix(spawner, settingsWith({ repeats: 3 }), [1, 2]);
    expect(results.map((r) => r.state)).toEqual(['failed', 'completed']);
    expect(loadOrder(spawner)).toEqual([-1, 2, 2, 2]);
  });

  it('cancel during a later repeat: that cell is cancelled, unfinished cells are dropped, nothing more starts', async () => {
    const controller = new AbortController();
    const spawner = fakeRunnerSpawner({ latencyMs: [1] });
    const { results, done, cancelled } = await matrix(spawner, settingsWith({ repeats: 3 }), [1, 2], {
      signal: controller.signal,
      onProgress: (cell: MatrixCell, p: BenchProgress) => {
        if (cell.index === 1 && p.repeat === 2 && p.phase === 'measuring' && p.completed > 0) controller.abort();
      },
    });
    expect(cancelled).toBe(true);
    expect(results.map((r) => [r.cell.index, r.state])).toEqual([[1, 'cancelled']]);
    expect(done).toHaveLength(1);
    expect(spawner.runners).toHaveLength(4);
  });

  it('one repeat gives the run file of before repeats existed: no repeats, no betweenRun, one process per cell', async () => {
    const spawner = fakeRunnerSpawner({ latencyMs: STEADY });
    const { results } = await matrix(spawner, settingsWith({}), [1]);
    const run = runIn(results[0], 'completed');
    expect(spawner.runners).toHaveLength(1);
    expect(run).not.toHaveProperty('repeats');
    expect(run).not.toHaveProperty('betweenRun');
    const cells = planMatrix([{ name: 'demo-mnist', path: DEMO, variant: 'float', info }], undefined, [1]);
    const cell = cells[0];
    if (cell === undefined) throw new Error('no cell');
    const direct = await runLocalBenchmark(
      {
        modelPath: DEMO,
        model: { name: 'demo-mnist', format: info.format, sha256: info.sha256, sizeBytes: info.sizeBytes, variant: 'float', path: DEMO },
        inputsInfo: info.inputs,
        runtime: cell.runtime,
        settings: settingsWith({}),
        targetName: 'This computer',
        targetKind: 'local',
      },
      { spawner: fakeRunnerSpawner({ latencyMs: STEADY }), environment: QUIET },
    );
    const strip = ({ id: _id, createdAt: _at, job: _job, ...rest }: RunFile) => rest;
    expect(strip(run)).toEqual(strip(runIn(direct, 'completed')));
  });

  it('report mode with repeats: each repeat is one fresh process measuring one 10 s window; the windows are the repeats\'', async () => {
    const spawner = fakeRunnerSpawner({ latencyMs: [2], processSpeeds: [1, 1.5, 1, 1, 1] });
    const { results } = await matrix(spawner, settingsWith({ mode: 'report', runs: 10, repeats: 5 }), [1]);
    const run = runIn(results[0], 'completed');
    expect(spawner.runners).toHaveLength(5);
    for (const runner of spawner.runners) expect(runner.session.state.requests.filter((r) => r.type === 'measure')).toHaveLength(1);
    expect(run.report?.windows.map((w) => w.medianMs)).toEqual([2, 3, 2, 2, 2]);
    expect(run.report?.windows.every((w) => w.durationMs >= 10_000)).toBe(true);
    expect(run.report?.medianOfWindowsMs).toBe(2);
    expect(run.betweenRun?.medianMs).toBe(2);
    expect(run.warnings.map((w) => w.code)).not.toContain('report-window-short');
  });

  it('report mode with repeats whose windows hit the cap on runs: the short-window warning counts all the repeats\' windows', async () => {
    // 0.01 ms runs: 100 000 runs (the cap) make 1 s, short of the rule's 10 s.
    const spawner = fakeRunnerSpawner({ latencyMs: [0.01] });
    const { results } = await matrix(spawner, settingsWith({ mode: 'report', runs: 10, repeats: 3 }), [1]);
    const run = runIn(results[0], 'completed');
    expect(run.report?.windows.map((w) => w.runs)).toEqual([100_000, 100_000, 100_000]);
    expect(run.warnings.filter((w) => w.code === 'report-window-short').map((w) => w.message)).toEqual([
      expect.stringMatching(/^3 of 3 report windows stopped at the cap on measured runs before reaching 10 s \(the shortest measured 1\.00 s\)/),
    ]);
  });
});
