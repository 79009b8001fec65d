/** What a worker does for each request; runs inside the worker process only. */
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { calibrationFeeds } from '../datasets/calibration-arrays';
import { decodeModelProto } from '../formats/onnx/onnx-codec';
import { modelInputs } from '../quantize/calibrate';
import { perLayerSqnr, quantizeOnnx, type CalibrationData } from '../quantize';
import { decodeTfliteModel } from '../formats/tflite/tflite-model';
import { tensorTypeName } from '../formats/tflite/tflite-schema';
import { StudioError } from '../../shared/errors';
import { writeFileAtomic } from '../workspace/atomic-write';
import type { WorkerReply } from './worker-protocol';

type Request<T extends string> = Extract<import('./worker-protocol').WorkerRequest, { type: T }> & {
  calibrationSamples?: number;
  samples?: number;
};

/** The first `limit` samples as single-sample feeds for the model's inputs (see calibrationFeeds). */
async function datasetFeeds(modelName: string, modelBytes: Uint8Array, source: string, limit: number): Promise<CalibrationData['inputs']> {
  return calibrationFeeds(source, modelInputs(decodeModelProto(modelBytes, path.basename(modelName))), limit);
}

export async function runQuantize(request: Request<'quantize'>, progress: (message: string) => void): Promise<WorkerReply> {
  const bytes = new Uint8Array(await fs.readFile(request.modelPath));
  // Loaded only once the quantizer knows the model has something to quantize; without a dataset it
  // says what is wrong (nothing to quantize, or no calibration data).
  const { datasetDir } = request;
  const calibration =
    request.recipe.mode === 'static' && datasetDir
      ? async (): Promise<CalibrationData> => {
          progress('loading calibration samples');
          const inputs = await datasetFeeds(request.modelPath, bytes, datasetDir, request.calibrationSamples ?? 200);
          progress('calibrating and quantizing');
          return { inputs };
        }
      : undefined;
  progress('quantizing');
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

/**
 * A TFLite variant: calibration samples (int8 mode) from the dataset or .npz, keyed by the
 * model's input names in its own layout (NHWC for images), then quantizeTflite. A refusal becomes
 * BAD_INPUT with its sentence, which the CLI turns into exit 2.
 */
export async function runQuantizeTflite(request: Request<'quantizeTflite'>, progress: (message: string) => void): Promise<WorkerReply> {
  const bytes = new Uint8Array(await fs.readFile(request.modelPath));
  const { quantizeTflite, TfliteQuantRefusal } = await import('../quantize-tflite');
  let calibration: CalibrationData | undefined;
  if (request.mode === 'int8' && request.datasetDir) {
    progress('loading calibration samples');
    const model = decodeTfliteModel(bytes, path.basename(request.modelPath));
    const subgraph = model.subgraphs[0];
    const inputs = (subgraph?.inputs ?? []).map((index) => {
      const tensor = subgraph?.tensors[index];
      return { name: tensor?.name ?? `input_${index}`, dtype: tensorTypeName(tensor?.type ?? 0), shape: [...(tensor?.shape ?? [])] };
    });
    calibration = { inputs: await calibrationFeeds(request.datasetDir, inputs, request.calibrationSamples ?? 200) };
  }
  progress(request.mode === 'int8' ? 'calibrating' : 'quantizing');
  let lastReport = 0;
  try {
    const result = await quantizeTflite(bytes, {
      mode: request.mode,
      ...(request.io !== undefined ? { io: request.io } : {}),
      ...((request.exclude ?? []).length > 0 ? { exclude: request.exclude } : {}),
      ...(calibration ? { calibration } : {}),
      ...(request.method !== undefined ? { calibrationMethod: request.method } : {}),
      ...(request.percentile !== undefined ? { percentile: request.percentile } : {}),
      ...(request.denseWeights !== undefined ? { denseWeights: request.denseWeights } : {}),
      ...(request.biasCorrection !== undefined ? { biasCorrection: request.biasCorrection } : {}),
      onProgress: ({ stage, done, total }) => {
        const now = Date.now();
        // A line per sample would flood the pipe on a 200-sample calibration: at most one per 100 ms, and the last.
        if (done < total && now - lastReport < 100) return;
        lastReport = now;
        progress(stage === 'calibrate' ? `calibrating: sample ${done} of ${total}` : 'quantizing');
      },
    });
    await writeFileAtomic(request.outPath, result.bytes);
    return {
      type: 'quantizedTflite',
      mode: result.mode,
      io: result.io,
      quantizedOps: result.quantizedOps,
      keptFloat: result.keptFloat,
      calibrationSamples: result.calibrationSamples,
      notes: result.notes,
    };
  } catch (error) {
    if (error instanceof TfliteQuantRefusal) throw new StudioError('BAD_INPUT', error.message);
    throw error;
  }
}
