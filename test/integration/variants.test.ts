/**
 * Issue 4 through the contract (direct transport, the same validation as IPC and WebSocket):
 * variants made and stored with their recipe, evaluated against their float parent, per-layer
 * SQNR, linking a variant made elsewhere, and importing a dataset uploaded from the UI.
 */
import { mkdtempSync, promises as fs, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioApi } from '../../src/shared/contract';
import { createApiClient } from '../../src/shared/rpc';
import { directTransport } from '../../src/core/direct-transport';
import { nodeForkSpawner } from '../../src/core/runner/runner-client';
import { openStudio, type Studio } from '../../src/core/studio';
import { nodeWorkerSpawner } from '../../src/core/workers/run-worker';
import { weightChoices } from '../../src/core/quantize-tflite/full-int8';
import { defaultVariantForm } from '../../src/renderer/src/variant-form';
import { repoRoot } from '../helpers/run-cli';
import { concreteInputs } from '../real-models/row-inputs';
import { calibrationNpz } from '../real-models/seeded-data';
import { loadTable, type ModelRow } from '../real-models/table';

let dir: string;
let studio: Studio;
let api: StudioApi;
let floatId: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'edgebench-variants-'));
  studio = await openStudio({ workspaceDir: dir, seedDemo: true, runnerSpawner: nodeForkSpawner(), workerSpawner: nodeWorkerSpawner() });
  api = createApiClient(directTransport(studio));
  const models = await api.models.list({});
  floatId = models[0]?.id ?? '';
});

afterAll(async () => {
  await studio.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('variants of the demo model', () => {
  it('int8 variants are at most 30% of the float size, keep their recipe, and the same recipe gives the same variant', async () => {
    const float = await api.models.get({ id: floatId });
    const dynamic = await api.models.quantize({ modelId: floatId, recipe: { mode: 'dynamic', perChannel: true } });
    const staticVariant = await api.models.quantize({
      modelId: floatId,
      recipe: { mode: 'static', method: 'minmax', perChannel: true },
      datasetId: 'demo-digits',
      calibrationSamples: 100,
    });
    for (const variant of [dynamic, staticVariant]) {
      expect(variant.info.sizeBytes / float.info.sizeBytes).toBeLessThanOrEqual(0.3);
      expect(variant.origin).toMatchObject({ kind: 'quantized', parentId: floatId });
      expect(variant.info.inputs.map((i) => i.name)).toEqual(float.info.inputs.map((i) => i.name));
    }
    expect(staticVariant.origin?.kind === 'quantized' && staticVariant.origin.calibration).toMatchObject({ datasetId: 'demo-digits', samples: 100 });
    expect(staticVariant.variant).toBe('int8 static (minmax, per-channel)');

    const again = await api.models.quantize({
      modelId: floatId,
      recipe: { mode: 'static', method: 'minmax', perChannel: true },
      datasetId: 'demo-digits',
      calibrationSamples: 100,
    });
    expect(again.id).toBe(staticVariant.id);
    expect(again.info.sha256).toBe(staticVariant.info.sha256);
  });

  it('evaluation: int8 loses at most 1 point of top-1, fp16 matches float within 0.2 points; results are stored', async () => {
    const fp16 = await api.models.quantize({ modelId: floatId, recipe: { mode: 'fp16' } });
    const variants = (await api.models.list({})).filter((m) => m.origin?.kind === 'quantized');
    const records = await api.evals.run({ modelIds: variants.map((v) => v.id), datasetId: 'demo-digits' });
    const byId = new Map(records.map((r) => [r.modelId, r.result]));
    const floatTop1 = byId.get(floatId)?.top1 ?? 0;
    expect(floatTop1).toBeGreaterThan(0.95);
    for (const variant of variants) {
      const result = byId.get(variant.id);
      expect(result?.top1).not.toBeNull();
      expect(floatTop1 - (result?.top1 ?? 0)).toBeLessThanOrEqual(variant.id === fp16.id ? 0.002 : 0.01);
      expect(result?.agreement).toBeGreaterThan(0.98);
      expect(result?.reference).toBe((await api.models.get({ id: floatId })).name);
    }
    expect((await api.evals.list({})).length).toBe(records.length);
  });

  it('per-layer SQNR of a static variant lists its layers worst first', async () => {
    const staticVariant = (await api.models.list({})).find((m) => m.origin?.kind === 'quantized' && m.origin.recipe.mode === 'static');
    const layers = await api.evals.layerSqnr({ modelId: staticVariant?.id ?? '', datasetId: 'demo-digits', samples: 20 });
    expect(layers.length).toBeGreaterThan(0);
    const values = layers.map((l) => l.sqnrDb);
    expect([...values].sort((a, b) => a - b)).toEqual(values);
    await expect(api.evals.layerSqnr({ modelId: floatId, datasetId: 'demo-digits', samples: 5 })).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });

  it('a TFLite model made elsewhere can be linked to its float model, and is quantized with TFLite\'s modes', async () => {
    const data = await fs.readFile(path.join(repoRoot, 'resources/models/demo-mnist.tflite'));
    const tflite = await api.models.importFiles({ files: [{ name: 'demo-mnist.tflite', dataBase64: data.toString('base64') }] });
    const linked = await api.models.link({ modelId: tflite.id, parentId: floatId });
    expect(linked.origin).toEqual({ kind: 'linked', parentId: floatId });
    expect((await api.models.get({ id: tflite.id })).origin).toEqual({ kind: 'linked', parentId: floatId });
    // A TFLite model is quantized with TFLite's own modes (issue 14): the same call, another engine.
    const dynamic = await api.models.quantize({ modelId: tflite.id, recipe: { mode: 'dynamic' } });
    expect(dynamic.info.format).toBe('tflite');
    expect(dynamic.origin).toMatchObject({ kind: 'quantized', parentId: tflite.id, recipe: { mode: 'dynamic', perChannel: true }, quantizedNodes: 2 });
    expect(dynamic.origin?.kind === 'quantized' && dynamic.origin.skipped).toEqual([{ node: 'op:0', opType: 'CONV_2D', reason: expect.stringContaining("under TFLite's 1024-element threshold") }]);
    expect(dynamic.info.sizeBytes / tflite.info.sizeBytes).toBeLessThan(0.33);
    await expect(api.models.quantize({ modelId: tflite.id, recipe: { mode: 'fp16', io: 'int8' } })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(api.models.quantize({ modelId: tflite.id, recipe: { mode: 'static', io: 'int8' } })).rejects.toThrow(/needs a calibration dataset/);
    await expect(api.models.quantize({ modelId: floatId, recipe: { mode: 'static', io: 'int8' }, datasetId: 'demo-digits' })).rejects.toThrow(/I\/O type applies to TFLite full-integer variants/);
    await expect(api.models.quantize({ modelId: floatId, recipe: { mode: 'static', denseWeights: 'per-channel' }, datasetId: 'demo-digits' })).rejects.toThrow(/dense-layer weights choice applies to TFLite full-integer variants/);
    // Entropy ranges are refused by the quantizer itself, with its reason, as the CLI's --method entropy is.
    await expect(api.models.quantize({ modelId: tflite.id, recipe: { mode: 'static', method: 'entropy', io: 'int8' }, datasetId: 'demo-digits', calibrationSamples: 4 })).rejects.toThrow(/Entropy calibration is not offered for TFLite full-integer mode/);
  });

  it("the Variants form's full-integer defaults are the quantizer's own (what the CLI gets without --method, --dense-weights or --no-bias-correction)", () => {
    const form = defaultVariantForm([]);
    const cli = weightChoices({});
    expect({ method: form.method, denseWeights: form.denseWeights, biasCorrection: form.biasCorrection }).toEqual({
      method: cli.method,
      denseWeights: cli.perChannelDense ? 'per-channel' : 'per-tensor',
      biasCorrection: cli.biasCorrection,
    });
  });

  it('static quantization without a dataset says what is missing', async () => {
    await expect(api.models.quantize({ modelId: floatId, recipe: { mode: 'static' } })).rejects.toThrow(/calibration dataset/);
  });
});

describe('a model with several inputs', () => {
  it('silero VAD v5 (input, state, sr) is calibrated from a dataset uploaded as an .npz with one array per input', async () => {
    const sileroFile = path.join(repoRoot, 'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx');
    const silero = await api.models.importFiles({ files: [{ name: 'silero_vad_v5.onnx', dataBase64: (await fs.readFile(sileroFile)).toString('base64') }] });
    const row = loadTable('onnx').find((r) => r.id === 'silero-vad-v5') as ModelRow;
    const npz = Buffer.from(calibrationNpz(concreteInputs(row), 6, 3));
    const dataset = await api.datasets.importFiles({ name: 'silero speech', files: [{ path: 'silero-speech.npz', dataBase64: npz.toString('base64') }] });
    expect(dataset).toMatchObject({ samples: 6, labeled: false });
    const variant = await api.models.quantize({ modelId: silero.id, recipe: { mode: 'static', perChannel: true }, datasetId: dataset.id, calibrationSamples: 6 });
    expect(variant.origin).toMatchObject({ kind: 'quantized', parentId: silero.id, calibration: { datasetId: dataset.id, samples: 6 } });
    expect(variant.origin?.kind === 'quantized' ? variant.origin.quantizedNodes : 0).toBeGreaterThanOrEqual(11);
  });
});

describe('datasets uploaded from the UI', () => {
  it('a folder of class sub-folders becomes a dataset', async () => {
    const root = path.join(repoRoot, 'test/fixtures/datasets/shapes');
    const files: Array<{ path: string; dataBase64: string }> = [];
    for (const cls of await fs.readdir(root)) {
      const classDir = path.join(root, cls);
      if (!(await fs.stat(classDir)).isDirectory()) continue;
      for (const name of await fs.readdir(classDir)) {
        files.push({ path: `shapes/${cls}/${name}`, dataBase64: (await fs.readFile(path.join(classDir, name))).toString('base64') });
      }
    }
    const entry = await api.datasets.importFiles({ name: 'Shapes', files });
    expect(entry.samples).toBe(files.length);
    expect(entry.labeled).toBe(true);
    expect((await api.datasets.list({})).map((d) => d.name)).toContain('Shapes');
    await expect(api.datasets.importFiles({ name: 'Bad', files: [{ path: '../escape.csv', dataBase64: '' }] })).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });
});
