/** models.graph through the contract on a real workspace: the graph of an imported ONNX, TFLite and TF.js model, and an unknown id. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioApi } from '../../src/shared/contract';
import { createApiClient } from '../../src/shared/rpc';
import { directTransport } from '../../src/core/direct-transport';
import { nodeForkSpawner } from '../../src/core/runner/runner-client';
import { openStudio, type Studio } from '../../src/core/studio';
import { nodeWorkerSpawner } from '../../src/core/workers/run-worker';
import { readModelGraphFile } from '../../src/core/formats/graph/model-graph';
import { repoRoot } from '../helpers/run-cli';

const ONNX = path.join(repoRoot, 'node_modules/@ricky0123/vad-web/dist/silero_vad_legacy.onnx');
const TFLITE = path.join(repoRoot, 'node_modules/@mediapipe/face_detection/face_detection_short_range.tflite');
const TFJS = path.join(repoRoot, 'node_modules/@vladmandic/human/models/blazeface.json');

let dir: string;
let studio: Studio;
let api: StudioApi;

const upload = (file: string) => ({ name: path.basename(file), dataBase64: readFileSync(file).toString('base64') });

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'edgebench-graph-contract-'));
  studio = await openStudio({ workspaceDir: dir, seedDemo: false, runnerSpawner: nodeForkSpawner(), workerSpawner: nodeWorkerSpawner() });
  api = createApiClient(directTransport(studio));
});

afterAll(async () => {
  await studio?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('models.graph', () => {
  it.each([
    ['ONNX with If bodies', [ONNX]],
    ['TFLite', [TFLITE]],
    ['TF.js with its shard', [TFJS, TFJS.replace(/\.json$/, '.bin')]],
  ])('%s: the same graph as reading the file, weights with statistics', async (_what, files) => {
    const entry = await api.models.importFiles({ files: files.map(upload) });
    const graph = await api.models.graph({ id: entry.id });
    const direct = await readModelGraphFile(files[0] as string);
    expect(graph.nodes).toEqual(direct.nodes);
    expect(graph.edges).toEqual(direct.edges);
    expect(graph.subgraphs).toEqual(direct.subgraphs);
    expect(Object.values(graph.tensors).some((t) => t.role === 'weight' && t.stats !== undefined)).toBe(true);
  });

  it('an unknown model id is refused in one sentence', async () => {
    await expect(api.models.graph({ id: 'no-such-model' })).rejects.toThrow(/no-such-model/);
  });
});
