/** What a worker does for each request; runs inside the worker process only. */
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../shared/errors';
import { isCalibrationArchive, readCalibrationArchive } from '../datasets/calibration-arrays';
import { readDatasetManifest } from '../datasets/dataset-manifest';
import { loadDatasetTensors } from '../datasets/load-dataset';
import { decodeModelProto } from '../formats/onnx/onnx-codec';
import { modelInputs } from '../quantize/calibrate';
import { inspectModelBuffers } from '../formats/inspect';
import { perLayerSqnr, quantizeOnnx, type CalibrationData } from '../quantize';
import { writeFileAtomic } from '../workspace/atomic-write';
import type { WorkerReply } from './worker-protocol';

type Request<T extends string> = Extract<import('./worker-protocol').WorkerRequest, { type: T }> & {
  calibrationSamples?: number;
  samples?: number;
};

/**
 * The first `limit` samples as single-sample feeds: from an .npz with one array per model input,
 * or from a dataset folder, whose samples feed the model's first input.
 */
async function datasetFeeds(modelName: string, modelBytes: Uint8Array, datasetDir: string, limit: number): Promise<CalibrationData['inputs']> {
  if (isCalibrationArchive(datasetDir)) return readCalibrationArchive(datasetDir, modelInputs(decodeModelProto(modelBytes, path.basename(modelName))), limit);
  const info = inspectModelBuffers([{ name: path.basename(modelName), data: modelBytes }]);
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
  const modelDir = path.dirname(request.modelPath);
  const sideFiles = new Map<string, Uint8Array>();
  const result = await quantizeOnnx(bytes, request.recipe, calibration, {
    fileName: path.basename(request.modelPath),
    // externalRef has already checked that a location stays inside the model's folder.
    sideFile: (location) => {
      const cached = sideFiles.get(location) ?? new Uint8Array(readFileSync(path.join(modelDir, location)));
      sideFiles.set(location, cached);
      return cached;
    },
    externalDataName: request.externalDataName ?? `${path.basename(request.outPath)}.data`,
    ...(request.targetCpu ? { cpu: request.targetCpu } : {}),
  });
  let externalDataFile: string | undefined;
  if (result.externalData) {
    externalDataFile = path.join(path.dirname(request.outPath), result.externalData.location);
    await writeFileAtomic(externalDataFile, result.externalData.bytes);
  }
  await writeFileAtomic(request.outPath, result.bytes);
  return {
    type: 'quantized',
    quantizedNodes: result.quantizedNodes,
    skipped: result.skipped,
    recipe: result.recipe,
    calibrationSamples: result.calibrationSamples,
    ...(result.opset ? { opset: result.opset } : {}),
    notes: result.notes,
    ...(externalDataFile ? { externalDataFile } : {}),
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
