/**
 * A benchmark that does not end well, on the fake runner (a test stand-in: test/helpers/fake-runner.ts),
 * so the moment it goes wrong is scripted, not raced: a cancel on a given progress, a runner that
 * crashes or whose runtime fails after N samples, a runtime stuck in a run past the stall
 * watchdog (vitest's fake timers move the watchdog's clock, so a 60 s stall costs no real time).
 *
 * Seen from where a user sees it: the studio's contract (bench.start, the bench.* events, the
 * run files in the workspace) and the matrix's cell results that the CLI prints and writes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { runLocalBenchmark, type EnvironmentProbe } from '../../../src/core/bench/run-local-benchmark';
import { directTransport } from '../../../src/core/direct-transport';
import { inspectModelFiles } from '../../../src/core/formats/inspect';
import { planMatrix, runMatrix, type CellResult } from '../../../src/core/jobs/matrix';
import { openStudio } from '../../../src/core/studio';
import type { EventName, EventPayload, StudioApi } from '../../../src/shared/contract';
import { createApiClient } from '../../../src/shared/rpc';
import { BenchSettings } from '../../../src/shared/run-schema';
import { errorOf, runIn } from '../../helpers/bench-results';
import { fakeRunnerSpawner, type FakeRunnerScript, type FakeRunnerSpawner } from '../../helpers/fake-runner';
import { DEMO_ONNX_PATH } from './bench-helpers';

const QUIET_MACHINE: EnvironmentProbe = {
  sample: () => Promise.resolve({ cpuMHz: 2600, loadAverage: 0.05 }),
  busyProcesses: () => Promise.resolve([]),
};

/** Latencies that tell every run apart: run i (from 0) took 1 + i/1 000 000 ms (so 50 runs still add up to just over 50 ms). */
const NUMBERED = Array.from({ length: 2000 }, (_, i) => 1 + i / 1e6);

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface StudioSession {
  api: StudioApi;
  spawner: FakeRunnerSpawner;
  demoId: string;
  /** Every event of the job, in order, once bench.done arrived. */
  job(start: Parameters<StudioApi['bench']['start']>[0], onEvent?: (event: StudioEvent) => void): Promise<{ jobId: string; events: StudioEvent[]; done: EventPayload<'bench.done'> }>;
}

type StudioEvent = { [E in EventName]: { name: E; payload: EventPayload<E> } }[EventName];

/** A freshly seeded studio whose runners are fake ones following `scripts`. */
async function studioWith(scripts: FakeRunnerScript | FakeRunnerScript[]): Promise<StudioSession> {
  const dir = mkdtempSync(path.join(tmpdir(), 'edgebench-fake-studio-'));
  const spawner = fakeRunnerSpawner(scripts);
  const studio = await openStudio({ workspaceDir: path.join(dir, 'workspace'), seedDemo: true, runnerSpawner: spawner, workerSpawner: spawner });
  cleanups.push(async () => {
    await studio.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const api = createApiClient(directTransport(studio));
  const demo = (await api.models.list({})).find((model) => model.info.format === 'onnx');
  if (demo === undefined) throw new Error('the seeded workspace has no ONNX demo model');
  return {
    api,
    spawner,
    demoId: demo.id,
    async job(start, onEvent) {
      const events: StudioEvent[] = [];
      let finish: (done: EventPayload<'bench.done'>) => void = () => undefined;
      const finished = new Promise<EventPayload<'bench.done'>>((resolve) => (finish = resolve));
      const record = <E extends EventName>(name: E) =>
        api.on(name, (payload: EventPayload<E>) => {
          const event = { name, payload } as StudioEvent;
          events.push(event);
          onEvent?.(event);
          if (name === 'bench.done') finish(payload as EventPayload<'bench.done'>);
        });
      const offs = [record('bench.progress'), record('bench.cellDone'), record('bench.done')];
      try {
        const { jobId } = await api.bench.start(start);
        const done = await finished;
        return { jobId, events, done };
      } finally {
        for (const off of offs) off();
      }
    },
  };
}

describe('through the studio: what the user sees', () => {
  test('cancel on the first measuring progress past 100 runs: the runner is killed right there, nothing is saved', async () => {
    const studio = await studioWith({ latencyMs: [1] });
    let jobId = '';
    const { done, events } = await studio.job({ modelIds: [studio.demoId], targetIds: ['local'], settings: { runs: 1000, warmupRuns: 1, profileRuns: 0 } }, (event) => {
      if (event.name === 'bench.progress' && event.payload.phase === 'measuring' && event.payload.completed >= 100 && jobId === '') {
        jobId = event.payload.jobId;
        void studio.api.bench.cancel({ jobId });
      }
    });
    expect(done).toEqual({ jobId, cancelled: true, runIds: [], failed: 0 });
    expect(events.some((e) => e.name === 'bench.cellDone')).toBe(false);
    const [runner] = studio.spawner.runners;
    expect(runner?.killedWith).toBe('SIGKILL');
    // 1 ms runs report every 50 ms: the cancel came on the progress at 100 runs, and the runner measured no further.
    expect(runner?.session.state.samples).toBe(100);
    expect(await studio.api.runs.list({})).toEqual([]);
  });

  test('a runner that crashes after 255 samples: the cell fails with its last words, and a partial run of the 250 it reported is saved', async () => {
    const studio = await studioWith({ latencyMs: NUMBERED, fault: { kind: 'crash', afterSamples: 255, lastWords: ['fake runtime: SIGSEGV in Conv'] } });
    const { done, events } = await studio.job({ modelIds: [studio.demoId], targetIds: ['local'], settings: { runs: 1000, warmupRuns: 1, profileRuns: 0 } });
    const cellDone = events.find((e) => e.name === 'bench.cellDone')?.payload;
    if (cellDone === undefined || cellDone.ok) throw new Error(`the cell should have failed: ${JSON.stringify(cellDone)}`);
    expect(cellDone.error.code).toBe('RUNNER');
    expect(cellDone.error.message).toMatch(/^The runner process exited with signal SIGSEGV while measuring; its last words: fake runtime: SIGSEGV in Conv\. The studio kept 250 samples measured before the runner stopped/);
    expect(cellDone.runnerLog).toEqual(['fake runtime: SIGSEGV in Conv']);
    expect(done).toMatchObject({ cancelled: false, failed: 1, runIds: [cellDone.partialRunId] });

    const run = await studio.api.runs.get({ id: cellDone.partialRunId ?? '?' });
    // Progress every 50 runs (1 ms each): the 5 runs after the last progress died with the runner.
    expect(run.latencyMs.samples).toEqual(NUMBERED.slice(0, 250));
    expect(run).toMatchObject({ status: 'partial', verdict: 'unstable', stopped: { code: 'RUNNER', before: 'the runner stopped' } });
    expect(run.stopped?.reason).toBe('The runner process exited with signal SIGSEGV while measuring; its last words: fake runtime: SIGSEGV in Conv.');
    expect(run.warnings[0]?.message).toContain('These numbers cover the 250 runs measured before the runner stopped (at least 1000 were planned)');
    // The runner never sent its peak: the RSS after loading stands in, and a warning says it is a lower bound.
    expect(run.memory.peakRssBytes).toBe(48 * 2 ** 20);
    expect(run.warnings.map((w) => w.code)).toContain('peak-memory-unknown');
  });

  test('a report-mode job: five 10 s windows of fake time, their medians and the median of medians in the saved run', async () => {
    // Report mode implies 5 repeats (issue 12): each window is a fresh process, here each at another speed.
    const studio = await studioWith({ latencyMs: [1], processSpeeds: [4.0, 4.4, 100, 3.6, 4.2] });
    const { done, events } = await studio.job({ modelIds: [studio.demoId], targetIds: ['local'], settings: { mode: 'report', runs: 10, warmupRuns: 1, profileRuns: 0 } });
    expect(done).toMatchObject({ cancelled: false, failed: 0 });
    expect(studio.spawner.runners).toHaveLength(5);
    const run = await studio.api.runs.get({ id: done.runIds[0] ?? '?' });
    expect(run.report?.windows.map((w) => [w.runs, w.medianMs])).toEqual([[2500, 4.0], [2273, 4.4], [100, 100], [2778, 3.6], [2381, 4.2]]);
    expect(run.report?.medianOfWindowsMs).toBe(4.2);
    // Progress counts each repeat's runs and only ever moves forward over all of them.
    const measuring = events.flatMap((e) => (e.name === 'bench.progress' && e.payload.phase === 'measuring' ? [e.payload] : []));
    expect(measuring.at(-1)?.completed).toBe(2381);
    for (let i = 1; i < measuring.length; i++) expect(measuring[i]?.fraction).toBeGreaterThanOrEqual(measuring[i - 1]?.fraction ?? 0);
    // Each event says which fresh process it is, in order, so the studio can show "Repeat 3 of 5".
    expect([...new Set(measuring.map((p) => `${p.repeat}/${p.repeats}`))]).toEqual(['1/5', '2/5', '3/5', '4/5', '5/5']);
  });

  test('a runtime stuck in a run: after 60 s of silence (the default stall timeout) the runner is stopped and what it measured is saved', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const studio = await studioWith({ latencyMs: NUMBERED, fault: { kind: 'hang', afterSamples: 120 } });
    const job = studio.job({ modelIds: [studio.demoId], targetIds: ['local'], settings: { runs: 1000, warmupRuns: 1, profileRuns: 0 } });
    await (await until(() => studio.spawner.runners[0])).stopped;
    // One millisecond short of the watchdog, the runner is still given its chance.
    await vi.advanceTimersByTimeAsync(59_999);
    expect(studio.spawner.runners[0]?.killedWith).toBeNull();
    await vi.advanceTimersByTimeAsync(1);
    const { done, events } = await job;
    expect(studio.spawner.runners[0]?.killedWith).toBe('SIGKILL');
    const cellDone = events.find((e) => e.name === 'bench.cellDone')?.payload;
    if (cellDone === undefined || cellDone.ok) throw new Error('the cell should have failed');
    expect(cellDone.error.message).toMatch(/^The runner stopped responding for 60 s while measuring \(the runtime may be stuck in an inference\); it was stopped\./);
    expect(done.failed).toBe(1);
    const run = await studio.api.runs.get({ id: cellDone.partialRunId ?? '?' });
    // Progress at 50 and 100 runs; the 20 after were never reported.
    expect(run.latencyMs.samples).toEqual(NUMBERED.slice(0, 100));
    expect(run.stopped).toMatchObject({ code: 'RUNNER', before: 'the runner stopped' });
  });
});

describe('the matrix the CLI runs: --stall-timeout, a failing runtime, and the next cell', () => {
  /** Two cells (threads 1 and 2) of the demo model, each on its own fake runner following scripts[i], on a quiet machine. */
  async function twoCells(spawner: FakeRunnerSpawner, stallSeconds?: number): Promise<CellResult[]> {
    const info = await inspectModelFiles([DEMO_ONNX_PATH]);
    const cells = planMatrix([{ name: 'demo-mnist', path: DEMO_ONNX_PATH, variant: 'float', info }], undefined, [1, 2]);
    const settings = BenchSettings.parse({ warmupRuns: 1, runs: 1000, minTimeMs: 0, threads: 1, profileRuns: 0, dims: { batch: 1 } });
    const outcome = await runMatrix('job-fake', cells, settings, {
      // As `edgebench bench --stall-timeout S` passes it.
      timeouts: stallSeconds ? { stallMs: stallSeconds * 1000 } : undefined,
      target: { kind: 'local', name: 'This computer', runCell: (job, opts) => runLocalBenchmark(job, { ...opts, spawner, environment: QUIET_MACHINE }) },
    });
    expect(outcome.cancelled).toBe(false);
    return outcome.results;
  }

  test('--stall-timeout 5: a runner silent for 5 s is stopped; its cell keeps its 100 samples; the next cell runs', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const spawner = fakeRunnerSpawner([{ latencyMs: NUMBERED, fault: { kind: 'hang', afterSamples: 120 } }, { latencyMs: [1] }]);
    const running = twoCells(spawner, 5);
    // Once the first runner hung and its last progress was read, the watchdog's 5 s start.
    await (await until(() => spawner.runners[0])).stopped;
    await vi.advanceTimersByTimeAsync(4_999);
    expect(spawner.runners[0]?.killedWith).toBeNull();
    await vi.advanceTimersByTimeAsync(1);
    const results = await running;
    const [stalled, next] = results;
    expect(errorOf(stalled)?.message).toMatch(/^The runner stopped responding for 5 s while measuring/);
    expect(runIn(stalled, 'partial').latencyMs.samples).toEqual(NUMBERED.slice(0, 100));
    expect(spawner.runners[0]?.killedWith).toBe('SIGKILL');
    expect(runIn(next, 'completed').latencyMs.count).toBe(1000);
  });

  test('a runtime that fails after 300 runs: the runner lives on, the cell keeps the 300 it reported first', async () => {
    const spawner = fakeRunnerSpawner([{ latencyMs: NUMBERED, fault: { kind: 'fail', afterSamples: 300, message: 'fake runtime: out of memory in MatMul' } }, { latencyMs: [1] }]);
    const results = await twoCells(spawner);
    const [failed, next] = results;
    expect(errorOf(failed)).toMatchObject({ code: 'RUNTIME', context: { runnerCode: 'RUN_FAILED' } });
    const run = runIn(failed, 'partial');
    expect(run.stopped).toEqual({ code: 'RUNTIME', reason: 'fake runtime: out of memory in MatMul.', before: 'the runtime failed' });
    expect(run.latencyMs.samples).toEqual(NUMBERED.slice(0, 300));
    expect(run.job).toEqual({ id: 'job-fake', cell: 0, cells: 2 });
    // An error reply is not a crash: the runner was not killed, and the studio closed it (it had nothing more to say).
    expect(spawner.runners[0]?.session.state.stoppedBy).toBeNull();
    expect(runIn(next, 'completed').status).toBe('completed');
  });
});

/**
 * Waits until `probe` gives something, turn by turn of the event loop (setImmediate and Date,
 * which these fake timers leave real), for up to 30 s of real time: reading the workspace before
 * the runner starts is file I/O, which a loaded machine can make take a while.
 */
async function until<T>(probe: () => T | undefined, withinMs = 30_000): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting after ${withinMs} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
