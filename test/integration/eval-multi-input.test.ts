/**
 * Through the contract, as the studio does it: silero VAD v5 imported, a dynamic int8 variant made
 * with models.quantize, a labelled .npz of audio chunks uploaded with datasets.importFiles, and
 * evals.run on the variant (its float parent added as the reference). Without saved inputs it is
 * refused in the UI's words before any runner starts; with sizes and values saved once on the
 * float model (models.setInputs), the variant uses them too and its fidelity is what onnxruntime
 * fed by hand gives.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeNpy } from '../../src/core/datasets/npy-format';
import { directTransport } from '../../src/core/direct-transport';
import { fidelityMetrics } from '../../src/core/eval/metrics';
import { openStudio, type Studio } from '../../src/core/studio';
import { nodeWorkerSpawner } from '../../src/core/workers/run-worker';
import type { ModelEntry, StudioApi } from '../../src/shared/contract';
import { INPUT_SIZES_FIELD } from '../../src/shared/input-messages';
import { createApiClient } from '../../src/shared/rpc';
import { npz } from '../unit/datasets/helpers';
import { CHUNK, SILERO_V5, directVadScores, vadChunks } from '../unit/eval/vad-fixture';
import { recordingSpawner } from '../unit/runner/bench-helpers';

const COUNT = 16;
let dir: string;
let studio: Studio;
let api: StudioApi;
let runners: ReturnType<typeof recordingSpawner>;
let float: ModelEntry;
let int8: ModelEntry;
let datasetId: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'edgebench-eval-multi-'));
  runners = recordingSpawner();
  studio = await openStudio({ workspaceDir: dir, seedDemo: false, runnerSpawner: runners, workerSpawner: nodeWorkerSpawner() });
  api = createApiClient(directTransport(studio));
  float = await api.models.importFiles({ files: [{ name: 'silero_vad_v5.onnx', dataBase64: readFileSync(SILERO_V5).toString('base64') }] });
  int8 = await api.models.quantize({ modelId: float.id, recipe: { mode: 'dynamic' } });
  const { samples, labels } = vadChunks(COUNT);
  const archive = npz({ x: encodeNpy('<f4', [COUNT, CHUNK], samples), y: encodeNpy('|u1', [COUNT], labels) });
  const dataset = await api.datasets.importFiles({ name: 'vad chunks', files: [{ path: 'vad.npz', dataBase64: Buffer.from(archive).toString('base64') }] });
  datasetId = dataset.id;
}, 180_000);

afterAll(async () => {
  await studio?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('evals.run on a model with several inputs', () => {
  it('without saved sizes or values: refused before any runner starts, naming the input and the Models page field', async () => {
    const before = runners.pids.length;
    await expect(api.evals.run({ modelIds: [int8.id], datasetId })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message:
        `Input 'state' (float32 [2, ?, 128]) of 'silero_vad_v5' gets no samples from the dataset (they go to 'input') and has no value or size, ` +
        `so an evaluation cannot feed it; enter a value for it (or a size, fed as zeros) under ${INPUT_SIZES_FIELD}.`,
    });
    expect(runners.pids.length).toBe(before);
  });

  it('with sizes and values saved on the float model: the variant takes them too, and its fidelity is the hand-fed one', async () => {
    await api.models.setInputs({ id: float.id, inputs: { shapes: { state: [2, 1, 128] }, dims: {}, values: { sr: 16000 } } });
    const records = await api.evals.run({ modelIds: [int8.id], datasetId });
    expect(records.map((record) => [record.modelId, record.referenceId])).toEqual([
      [float.id, float.id],
      [int8.id, float.id],
    ]);
    const int8Path = path.join(dir, 'models', int8.id, int8.info.fileName);
    const expected = fidelityMetrics(await directVadScores(SILERO_V5, COUNT), await directVadScores(int8Path, COUNT), 1);
    const result = records[1]?.result;
    expect(result).toMatchObject({ samples: COUNT, width: 1, topK: 1, agreement: expected.agreement, inputShape: [1, CHUNK] });
    expect(result?.sqnrDb).toBeCloseTo(expected.sqnrDb as number, 3);
    expect(result?.maxAbsError).toBeCloseTo(expected.maxAbsError, 5);
    expect(result?.notes).toContain("Inputs fed: 'input' ← the dataset's samples, 'state' ← zeros [2, 1, 128] (size saved with the model), 'sr' ← 16000 (saved with the model).");
    // Stored, and listed for the Accuracy page.
    expect((await api.evals.list({})).filter((record) => record.datasetId === datasetId)).toHaveLength(2);
  });
});
