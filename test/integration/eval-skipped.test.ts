/**
 * Issue 13: models the dataset does not fit are skipped with the reason, the others evaluated,
 * through `edgebench eval` and through the studio's calls (evals.check ticks the models on the
 * Accuracy page; evals.evaluate lists what it skipped; evals.run keeps returning the records).
 * Real models: the demo model as ONNX, TFLite and TF.js, MediaPipe's face detector (TFLite) and
 * Human's emotion model (TF.js), neither of which takes 28×28 digits.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStudio, type Studio } from '../../src/core/studio';
import { nodeForkSpawner } from '../../src/core/runner/runner-client';
import { nodeWorkerSpawner } from '../../src/core/workers/run-worker';
import type { StudioApi } from '../../src/shared/contract';
import { createApiClient } from '../../src/shared/rpc';
import { directTransport } from '../../src/core/direct-transport';
import { demoModelPath, repoRoot, runCli } from '../helpers/run-cli';

const digits = path.join(repoRoot, 'resources/datasets/demo-digits');
const demoTflite = path.join(repoRoot, 'resources/models/demo-mnist.tflite');
const demoTfjsDir = path.join(repoRoot, 'resources/models/demo-mnist-tfjs');
const faces = path.join(repoRoot, 'node_modules/@mediapipe/face_detection/face_detection_short_range.tflite');
const emotion = path.join(repoRoot, 'node_modules/@vladmandic/human/models/emotion.json');

interface EvalJson {
  results: Array<{ model: string; path: string; runtime: string; samples: number }>;
  skipped: Array<{ model: string; path: string; reason: string }>;
}

describe('edgebench eval with models the dataset does not fit', () => {
  it('evaluates the ONNX, TFLite and TF.js demo models and lists the other two as skipped, with the reason: exit 0', async () => {
    const result = await runCli(['eval', demoModelPath, faces, demoTflite, emotion, path.join(demoTfjsDir, 'model.json'), '--dataset', digits, '--limit', '30', '--json'], { timeoutMs: 120_000 });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as EvalJson;
    expect(json.results.map((r) => [r.model, r.runtime, r.samples])).toEqual([
      ['demo-mnist.onnx', 'onnxruntime', 30],
      ['demo-mnist.tflite', 'litert', 30],
      ['demo-mnist-tfjs', 'tfjs', 30],
    ]);
    expect(json.skipped.map((s) => [s.model, s.path])).toEqual([
      ['face_detection_short_range', faces],
      ['emotion', emotion],
    ]);
    expect(json.skipped[0]?.reason).toMatch(/^Evaluating 'face_detection_short_range': The dataset's samples are \[1,28,28\] but the model's input 'input' expects \[1,128,128,3\]/);
    expect(json.skipped[1]?.reason).toContain('[?,64,64,1]');
  });

  it('prints the skipped below the table', async () => {
    const result = await runCli(['eval', demoModelPath, faces, '--dataset', digits, '--limit', '10'], { timeoutMs: 120_000 });
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines.some((line) => line.startsWith('demo-mnist '))).toBe(true);
    expect(lines.filter((line) => line.startsWith('skipped: '))).toEqual([expect.stringContaining("'face_detection_short_range'")]);
  });

  it('nothing could be evaluated: exit 2 with one sentence, the first model\'s reason', async () => {
    const result = await runCli(['eval', faces, emotion, '--dataset', digits]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^edgebench eval: Evaluating 'face_detection_short_range': .*\[1,128,128,3\]/);
  });
});

describe('the studio: evals.check, evals.evaluate and evals.run', () => {
  let dir: string;
  let studio: Studio;
  let api: StudioApi;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'edgebench-eval-skipped-'));
    studio = await openStudio({ workspaceDir: dir, seedDemo: true, runnerSpawner: nodeForkSpawner(), workerSpawner: nodeWorkerSpawner() });
    api = createApiClient(directTransport(studio));
    const upload = async (files: string[]): Promise<string> => {
      const entry = await api.models.importFiles({ files: await Promise.all(files.map(async (file) => ({ name: path.basename(file), dataBase64: (await fs.readFile(file)).toString('base64') }))) });
      return entry.id;
    };
    ids.tflite = await upload([demoTflite]);
    ids.tfjs = await upload([path.join(demoTfjsDir, 'model.json'), path.join(demoTfjsDir, 'group1-shard1of1.bin')]);
    ids.faces = await upload([faces]);
    ids.onnx = (await api.models.list({})).find((m) => m.info.format === 'onnx')?.id ?? '';
  }, 60_000);

  afterAll(async () => {
    await studio.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('evals.check: the demo model in three formats can take the digits, the face detector cannot, and says why', async () => {
    const checks = new Map((await api.evals.check({ datasetId: 'demo-digits' })).map((c) => [c.modelId, c]));
    expect([ids.onnx, ids.tflite, ids.tfjs].map((id) => checks.get(id ?? '')?.evaluable)).toEqual([true, true, true]);
    expect(checks.get(ids.faces ?? '')).toMatchObject({ evaluable: false, reason: expect.stringContaining('[1,128,128,3]') });
  });

  it('evals.evaluate: records for the three, the face detector skipped with the reason; evals.run: the same records', async () => {
    const modelIds = [ids.onnx, ids.faces, ids.tflite, ids.tfjs] as string[];
    const outcome = await api.evals.evaluate({ modelIds, datasetId: 'demo-digits', limit: 20 });
    expect(outcome.records.map((r) => r.modelId)).toEqual([ids.onnx, ids.tflite, ids.tfjs]);
    expect(outcome.skipped).toEqual([{ modelId: ids.faces, reason: expect.stringContaining('[1,128,128,3]') }]);
    const records = await api.evals.run({ modelIds, datasetId: 'demo-digits', limit: 20 });
    expect(records.map((r) => r.modelId)).toEqual([ids.onnx, ids.tflite, ids.tfjs]);
    await expect(api.evals.evaluate({ modelIds: [ids.faces as string], datasetId: 'demo-digits' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
  }, 120_000);
});
