/**
 * Serial targets through the studio, for real: devices.simulate starts a simulated board in its
 * own process on a socat pseudo-terminal, and bench.start runs the matrix on it through the
 * serialport transport, exactly as with a board on /dev/ttyUSB0. socat must be installed (CI
 * installs it); without it these tests fail with a sentence naming it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventName, EventPayload, StudioApi, TargetEntry } from '../../../src/shared/contract';
import { createApiClient } from '../../../src/shared/rpc';
import { directTransport } from '../../../src/core/direct-transport';
import { nodeForkSpawner } from '../../../src/core/runner/runner-client';
import { openStudio, type Studio } from '../../../src/core/studio';
import { nodeWorkerSpawner } from '../../../src/core/workers/run-worker';
import { repoRoot } from '../../helpers/run-cli';
import { boardProcessOf, killBoard } from './board-process';

const DEMO_TFLITE = path.join(repoRoot, 'resources/models/demo-mnist.tflite');
const EVENT_TIMEOUT_MS = 45_000;

let dir: string;
let studio: Studio;
let api: StudioApi;
let tfliteId: string;
let onnxId: string;

function requireSocat(): void {
  const probe = spawnSync('socat', ['-V'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(`socat is not installed, and these tests serve simulated boards on socat pseudo-terminals: install it (sudo apt-get install socat). (${probe.error?.message ?? `exit ${probe.status}`})`);
  }
}

/** The next event that matches, or a failure naming what was awaited; the listener is always removed. */
function nextEvent<E extends EventName>(event: E, match: (payload: EventPayload<E>) => boolean, timeoutMs = EVENT_TIMEOUT_MS): Promise<EventPayload<E>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching ${event} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = api.on(event, (payload) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}

/** Starts a job and waits for its cells and its end; events that arrive before bench.start answers are kept. */
async function runJob(request: Parameters<StudioApi['bench']['start']>[0]) {
  const cellsDone: Array<EventPayload<'bench.cellDone'>> = [];
  const offCell = api.on('bench.cellDone', (event) => cellsDone.push(event));
  const done = nextEvent('bench.done', () => true);
  try {
    const started = await api.bench.start(request);
    const finished = await done;
    expect(finished.jobId).toBe(started.jobId);
    return { finished, cells: cellsDone.filter((c) => c.jobId === started.jobId) };
  } finally {
    offCell();
  }
}

beforeAll(async () => {
  requireSocat();
  dir = mkdtempSync(path.join(os.tmpdir(), 'edgebench-serial-studio-'));
  studio = await openStudio({ workspaceDir: dir, seedDemo: true, runnerSpawner: nodeForkSpawner(), workerSpawner: nodeWorkerSpawner() });
  api = createApiClient(directTransport(studio));
  onnxId = (await api.models.list({}))[0]?.id ?? '';
  const tflite = await api.models.importFiles({ files: [{ name: 'demo-mnist.tflite', dataBase64: readFileSync(DEMO_TFLITE).toString('base64') }] });
  tfliteId = tflite.id;
});

afterAll(async () => {
  await studio?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a simulated EdgeBench board as a serial target', () => {
  let board: TargetEntry;

  it('starts on a pseudo-terminal, is listed as a serial target, and its connection test names it', async () => {
    board = await api.devices.simulate({ protocol: 'edgebench' });
    expect(board).toMatchObject({ kind: 'serial', config: { kind: 'serial', protocol: 'edgebench', baudRate: 'auto' } });
    expect(board.spec).toMatch(/^serial:\/\/.+protocol=edgebench$/);
    expect((await api.targets.list({})).map((t) => t.id)).toContain(board.id);

    const test = await api.targets.test({ id: board.id });
    expect(test.ok).toBe(true);
    expect(test.message).toMatch(/^Simulated board \(ESP32-S3 model\) at 921600 baud/);
    expect(test.hardware).toMatchObject({ arch: 'xtensa', cores: 2 });
    expect(test.details).toMatchObject({ simulated: 'yes', protocol: 'edgebench', arenaKiB: '256' });
  });

  it('benchmarks the demo .tflite on it: a serial run with TFLite Micro latencies from the board, with live log and upload progress', async () => {
    const logs: Array<EventPayload<'device.log'>> = [];
    const uploads: Array<EventPayload<'device.upload'>> = [];
    const offs = [api.on('device.log', (e) => e.targetId === board.id && logs.push(e)), api.on('device.upload', (e) => e.targetId === board.id && uploads.push(e))];
    const { finished, cells } = await runJob({ modelIds: [tfliteId], targetIds: [board.id], settings: { runs: 40, warmupRuns: 3 } });
    offs.forEach((off) => off());

    expect(cells.map((c) => (c.ok ? 'ok' : c.error.message))).toEqual(['ok']);
    expect(finished).toMatchObject({ cancelled: false, failed: 0 });
    const run = await api.runs.get({ id: finished.runIds[0] ?? '' });
    expect(run.target).toMatchObject({ kind: 'serial', name: 'Simulated board (ESP32-S3 model)', hardware: { arch: 'xtensa', cpuModel: 'Simulated board (ESP32-S3 model)' } });
    expect(run.runtime).toMatchObject({ name: 'tflite-micro', threads: 1 });
    expect(run.latencyMs.count).toBe(40);
    expect(run.latencyMs.samples.every((ms) => ms > 0)).toBe(true);
    expect(run.firstInferenceMs).toBeGreaterThan(0);
    expect(run.inputs).toEqual([{ name: expect.any(String), dtype: 'float32', shape: [1, 28, 28, 1], fill: 'random' }]);
    // The arena the board used plus the model it holds in RAM.
    expect(run.memory.peakRssBytes).toBeGreaterThan(readFileSync(DEMO_TFLITE).length);

    const size = readFileSync(DEMO_TFLITE).length;
    expect(uploads.at(-1)).toMatchObject({ sentBytes: size, totalBytes: size });
    expect(logs.some((l) => l.direction === 'tx' && l.text.startsWith('MODEL_CHUNK'))).toBe(true);
    expect(logs.some((l) => l.direction === 'rx' && l.text.startsWith('RESULT'))).toBe(true);
  });

  it('refuses an ONNX model on the board with a sentence saying to pick its .tflite variant', async () => {
    const { cells } = await runJob({ modelIds: [onnxId], targetIds: [board.id], settings: { runs: 10 } });
    expect(cells).toHaveLength(1);
    const cell = cells[0];
    if (cell?.ok !== false) throw new Error('the ONNX cell should have failed');
    expect(cell.state).toBe('failed');
    expect(cell.error.code).toBe('BAD_INPUT');
    expect(cell.error.message).toMatch(/is a onnx model, but .* runs TensorFlow Lite Micro: EdgeBench boards run TFLite models, so pick the model's \.tflite variant/);
  });

  it('cancelling mid-run ends the job at once as cancelled, and the board takes the next job', async () => {
    const measuring = nextEvent('bench.progress', (p) => p.phase === 'measuring' && p.completed > 0);
    const done = nextEvent('bench.done', () => true);
    const { jobId } = await api.bench.start({ modelIds: [tfliteId], targetIds: [board.id], settings: { runs: 100_000, warmupRuns: 1 } });
    await measuring;
    expect(await api.bench.cancel({ jobId })).toEqual({ cancelled: true });
    expect(await done).toMatchObject({ jobId, cancelled: true, runIds: [] });
  });

  it('a board whose process dies mid-run fails the cell with a sentence about the closed port and the samples kept, without hanging, and leaves the targets', async () => {
    // The board may still be finishing the cancelled job's RUN; a fresh board keeps this test about the crash.
    const fresh = await api.devices.simulate({ protocol: 'edgebench' });
    // Past the first RUN request's 1000 timed invokes: its latencies have reached the studio.
    const measuring = nextEvent('bench.progress', (p) => p.phase === 'measuring' && p.completed > 1000);
    const job = runJob({ modelIds: [tfliteId], targetIds: [fresh.id], settings: { runs: 100_000, warmupRuns: 1 } });
    await measuring;
    const pid = boardProcessOf(fresh.config?.kind === 'serial' ? fresh.config.path : '');
    killBoard(pid);
    const { finished, cells } = await job;
    const cell = cells[0];
    if (cell?.ok !== false) throw new Error('the cell should have failed');
    expect(cell.state).toBe('partial');
    expect(cell.error.code).toBe('TARGET');
    expect(cell.error.message).toMatch(/closed|vanished|disappeared/);
    expect(cell.error.message).toMatch(/The studio kept \d+ samples measured before the board stopped answering/);
    expect(Number(cell.error.context.partialSamples)).toBeGreaterThanOrEqual(1000);
    // The kept samples are saved as a partial run of the job, listed with the others.
    expect(finished).toMatchObject({ cancelled: false, failed: 1, runIds: [cell.partialRunId] });
    const run = await api.runs.get({ id: cell.partialRunId ?? '' });
    expect(run).toMatchObject({ status: 'partial', verdict: 'unstable', target: { kind: 'serial' }, stopped: { code: 'TARGET', before: 'the board stopped answering' } });
    expect(run.latencyMs.count).toBe(Number(cell.error.context.partialSamples));
    expect((await api.runs.list({})).find((summary) => summary.id === run.id)?.status).toBe('partial');
    await expect.poll(async () => (await api.targets.list({})).some((t) => t.id === fresh.id)).toBe(false);
  });
});

describe('a simulated MLPerf Tiny board as a serial target', () => {
  it('runs the demo model in performance mode: 5 windows of at least 1 s of device time, the median of the windows reported', async () => {
    const board = await api.devices.simulate({ protocol: 'mlperf-tiny' });
    const test = await api.targets.test({ id: board.id });
    expect(test.ok).toBe(true);
    expect(test.message).toMatch(/^Simulated board \(MLPerf Tiny emulator\) at \d+ baud, MLPerf Tiny firmware/);

    // Any format: the model only tells the input size (1×28×28×1 float32 = 3136 bytes).
    const { finished, cells } = await runJob({ modelIds: [onnxId], targetIds: [board.id], settings: { mode: 'quick', minTimeMs: 1000, warmupRuns: 2 } });
    expect(cells.map((c) => (c.ok ? 'ok' : c.error.message))).toEqual(['ok']);
    const run = await api.runs.get({ id: finished.runIds[0] ?? '' });
    expect(run.target).toMatchObject({ kind: 'serial', name: 'Simulated MLPerf Tiny board', hardware: { cpuModel: 'Simulated board (MLPerf Tiny emulator)' } });
    expect(run.runtime).toMatchObject({ name: 'mlperf-tiny firmware', version: '0.0.1', backend: 'Simulated board (MLPerf Tiny emulator)' });
    expect(run.report?.windows).toHaveLength(5);
    expect(run.report?.windows.every((w) => w.durationMs >= 1000)).toBe(true);
    expect(run.latencyMs.count).toBe(5);
    // The emulator's nominal 48 ms per inference, ±2% jitter.
    expect(run.report?.medianOfWindowsMs).toBeGreaterThan(47);
    expect(run.report?.medianOfWindowsMs).toBeLessThan(49);
    expect(run.warnings.map((w) => w.code)).toContain('window-means');
    expect(run.warnings.map((w) => w.code)).not.toContain('few-samples');
  });
});
