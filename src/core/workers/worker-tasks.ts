/** What a worker does for each request; runs inside the worker process only. */
import { promises as fs } from 'node:fs';
import { StudioError } from '../../shared/errors';
import { readDatasetManifest } from '../datasets/dataset-manifest';
import { loadDatasetTensors } from '../datasets/load-dataset';
import { inspectModelBuffers } from '../formats/inspect';
import { perLayerSqnr, quantizeOnnx, type CalibrationData } from '../quantize';
import { writeFileAtomic } from '../workspace/atomic-write';
import type { WorkerReply } from './worker-protocol';

type Request<T extends string> = Extract<import('./worker-protocol').WorkerRequest, { type: T }> & {
  calibrationSamples?: number;
  samples?: number;
};

/** The dataset's first `limit` samples as single-sample feeds for the model's first input. */
async function datasetFeeds(modelName: string, modelBytes: Uint8Array, datasetDir: string, limit: number): Promise<CalibrationData['inputs']> {
  const info = inspectModelBuffers([{ name: modelName, data: modelBytes }]);
  const input = info.inputs[0];
  if (!input) throw new StudioError('BAD_INPUT', `'${modelName}' has no inputs to feed the dataset to.`);
  const manifest = await readDatasetManifest(datasetDir);
  if (manifest.samples === 0) {
    throw new StudioError('BAD_INPUT', `The dataset '${manifest.name}' is empty; calibration needs samples. Import a dataset with samples.`, {
      dataset: datasetDir,
    });
  }
  const tensors = await loadDatasetTensors(datasetDir, { limit, inputShape: input.shape ?? undefined, inputName: input.name });
  const perSample = tensors.batchShape.reduce((a, b) => a * b, 1);
  const feeds: CalibrationData['inputs'] = [];
  for (let i = 0; i < tensors.count; i++) {
    const slice = tensors.data.subarray(i * perSample, (i + 1) * perSample);
    feeds.push({ [input.name]: { dims: [1, ...tensors.batchShape], data: Float32Array.from(slice) } });
  }
  return feeds;
}

export async function runQuantize(request: Request<'quantize'>, progress: (message: string) => void): Promise<WorkerReply> {
  const bytes = new Uint8Array(await fs.readFile(request.modelPath));
  let calibration: CalibrationData | undefined;
  if (request.recipe.mode === 'static') {
    if (!request.datasetDir) {
      throw new StudioError('BAD_INPUT', 'Static int8 quantization needs a calibration dataset; pass --calibration DATASET (or choose one in the studio).', {
        flag: 'calibration',
      });
    }
    progress('loading calibration samples');
    calibration = { inputs: await datasetFeeds(request.modelPath, bytes, request.datasetDir, request.calibrationSamples ?? 200) };
  }
  progress(request.recipe.mode === 'static' ? 'calibrating and quantizing' : 'quantizing');
  const result = await quantizeOnnx(bytes, request.recipe, calibration);
  await writeFileAtomic(request.outPath, result.bytes);
  return {
    type: 'quantized',
    quantizedNodes: result.quantizedNodes,
    skipped: result.skipped,
    recipe: result.recipe,
    calibrationSamples: result.calibrationSamples,
  };
}

export async function runLayerSqnr(request: Request<'layerSqnr'>, progress: (message: string) => void): Promise<WorkerReply> {
  const floatBytes = new Uint8Array(await fs.readFile(request.floatPath));
  const qdqBytes = new Uint8Array(await fs.readFile(request.qdqPath));
  progress('loading samples');
  const feeds = await datasetFeeds(request.floatPath, floatBytes, request.datasetDir, request.samples ?? 50);
  progress('comparing activations');
  return { type: 'layerSqnr', layers: await perLayerSqnr(floatBytes, qdqBytes, feeds) };
}
