/**
 * `edgebench quantize MODEL.tflite`: TFLite's post-training modes (src/core/quantize-tflite), run
 * in a worker process as the ONNX quantizer is, so Ctrl+C stops it and a crash in calibration
 * does not take the CLI with it. quantize.ts parses the flags and hands .tflite models here.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../shared/errors';
import { CalibrationMethod, TfliteIo } from '../../shared/variants';
import { inspectModelFiles } from '../../core/formats/inspect';
import { nodeWorkerSpawner, runWorkerTask } from '../../core/workers/run-worker';
import { flagBool, flagNumber, flagString, type ParsedArgs } from '../args';
import { formatBytes } from '../../shared/units';
import type { CommandIo } from '../io';
import { isCalibrationArchive } from '../../core/datasets/calibration-arrays';

/**
 * A .tflite by name, or a regular file whose flatbuffer identifier (bytes 4..8) is TFL3. Only a
 * regular file is opened: opening a FIFO would block, and inspect refuses such paths in one sentence.
 */
export async function isTfliteFile(file: string): Promise<boolean> {
  if (file.toLowerCase().endsWith('.tflite')) return true;
  if (!(await fs.stat(file).catch(() => null))?.isFile()) return false;
  const handle = await fs.open(file, 'r').catch(() => null);
  if (!handle) return false;
  try {
    const head = Buffer.alloc(8);
    const { bytesRead } = await handle.read(head, 0, 8, 0);
    return bytesRead === 8 && head.toString('latin1', 4, 8) === 'TFL3';
  } finally {
    await handle.close();
  }
}

/** A calibration source must be an .npz file or a dataset folder; anything else is named in one sentence. */
export async function checkCalibrationSource(calibration: string): Promise<void> {
  if (isCalibrationArchive(calibration)) {
    const stat = await fs.stat(calibration).catch(() => null);
    if (!stat?.isFile()) throw new StudioError('FILE_NOT_FOUND', `'${calibration}' does not exist; give an .npz with one array per model input.`, { file: calibration });
    return;
  }
  const stat = await fs.stat(path.join(calibration, 'dataset.json')).catch(() => null);
  if (!stat) {
    throw new StudioError('FILE_NOT_FOUND', `'${calibration}' is not a dataset folder (it has no dataset.json); import one with 'edgebench dataset import', or give an .npz with one array per model input.`, {
      file: calibration,
    });
  }
}

export async function quantizeTfliteCommand(args: ParsedArgs, given: { modelPath: string; mode: string; out: string; onnxOnlyFlags: readonly string[] }, io: CommandIo): Promise<number> {
  const { modelPath, out } = given;
  const refuse = (message: string, flag: string): never => {
    throw new StudioError('BAD_INPUT', message, { flag });
  };
  if (given.mode !== 'dynamic' && given.mode !== 'fp16' && given.mode !== 'int8' && given.mode !== 'static') {
    refuse(`--mode ${given.mode} does not apply to a TFLite model; use --mode dynamic, fp16 or int8.`, 'mode');
  }
  // TFLite's full-integer mode is the ONNX quantizer's static: weights and activations int8, calibrated.
  const mode = given.mode === 'static' ? 'int8' : (given.mode as 'dynamic' | 'fp16' | 'int8');
  const onnxFlag = [...args.flags.keys()].find((name) => given.onnxOnlyFlags.includes(name));
  if (onnxFlag) refuse(`--${onnxFlag} applies to ONNX models only; for a TFLite model leave it out (TFLite's modes fix those choices).`, onnxFlag);
  const ioType = flagString(args, 'io');
  if (ioType !== undefined && mode !== 'int8') refuse(`--io only applies to --mode int8 (full integer); a ${mode} variant keeps float inputs and outputs, so leave it out.`, 'io');
  const calibration = flagString(args, 'calibration');
  if (calibration && mode !== 'int8') refuse(`--calibration only applies to --mode int8 (full integer); a ${mode} variant quantizes weights only, so leave it out.`, 'calibration');
  if (!calibration && mode === 'int8') {
    refuse('--mode int8 needs --calibration DATASET: a dataset folder (with dataset.json) or an .npz with one array per model input, about 100 to 500 representative samples.', 'calibration');
  }
  const method = flagString(args, 'method');
  const percentile = flagNumber(args, 'percentile');
  const denseWeights = flagString(args, 'dense-weights');
  for (const flag of ['method', 'percentile', 'dense-weights', 'no-bias-correction']) {
    if (args.flags.has(flag) && mode !== 'int8') refuse(`--${flag} only applies to --mode int8 (full integer); a ${mode} variant quantizes weights only, so leave it out.`, flag);
  }
  if (percentile !== undefined && method !== 'percentile') refuse('--percentile only applies to --method percentile; remove it or add --method percentile.', 'percentile');
  if (percentile !== undefined && (percentile <= 0 || percentile > 100)) refuse(`--percentile expects a number above 0 and at most 100, got '${percentile}'.`, 'percentile');
  if (flagNumber(args, 'samples') !== undefined && mode !== 'int8') refuse(`--samples only applies to --mode int8 (calibration); a ${mode} variant uses no samples.`, 'samples');
  if (calibration) await checkCalibrationSource(calibration);
  // inspect's reader names a missing file, a FIFO or a file that is not TFLite in one sentence.
  const info = await inspectModelFiles([modelPath]);
  if (info.format !== 'tflite') throw new StudioError('BAD_INPUT', `'${modelPath}' is named .tflite but is a ${info.format} model; rename it and quantize it as such.`, { file: modelPath });
  const floatSizeBytes = info.sizeBytes;

  const json = flagBool(args, 'json');
  const outcome = await runWorkerTask(
    nodeWorkerSpawner(),
    {
      type: 'quantizeTflite',
      modelPath: path.resolve(modelPath),
      outPath: path.resolve(out),
      mode,
      ...(ioType !== undefined ? { io: TfliteIo.parse(ioType) } : {}),
      exclude: (args.flags.get('exclude') ?? []).map(String),
      ...(calibration ? { datasetDir: path.resolve(calibration) } : {}),
      calibrationSamples: flagNumber(args, 'samples') ?? 200,
      ...(method !== undefined ? { method: CalibrationMethod.parse(method) } : {}),
      ...(percentile !== undefined ? { percentile } : {}),
      ...(denseWeights === 'per-channel' || denseWeights === 'per-tensor' ? { denseWeights } : {}),
      ...(flagBool(args, 'no-bias-correction') ? { biasCorrection: false } : {}),
    },
    { signal: io.signal, onProgress: (message) => (io.stderrIsTty && !json ? io.err(`\r\x1b[2K${message}…`) : undefined) },
  );
  if (outcome.type !== 'quantizedTflite') throw new StudioError('INTERNAL', 'The worker answered something other than a quantized TFLite model.');
  const sizeBytes = (await fs.stat(out)).size;
  const label = mode === 'int8' ? `int8 full integer (${outcome.io} I/O)` : mode === 'dynamic' ? 'int8 dynamic range' : 'fp16';
  const summary = {
    model: modelPath,
    out,
    format: 'tflite',
    mode,
    io: outcome.io,
    label,
    sizeBytes,
    floatSizeBytes,
    sizeRatio: sizeBytes / floatSizeBytes,
    quantizedOps: outcome.quantizedOps,
    keptFloat: outcome.keptFloat,
    calibrationSamples: outcome.calibrationSamples,
    notes: outcome.notes,
  };
  if (json) {
    io.out(JSON.stringify(summary, null, 2));
    return 0;
  }
  if (io.stderrIsTty) io.err('\r\x1b[2K');
  io.out(
    [
      `${out}: ${label}, ${formatBytes(sizeBytes)} (${(summary.sizeRatio * 100).toFixed(0)}% of ${formatBytes(floatSizeBytes)})`,
      `  quantized ${outcome.quantizedOps.length} ops${outcome.calibrationSamples > 0 ? `, calibrated on ${outcome.calibrationSamples} samples` : ''}`,
      ...outcome.notes.map((note) => `  note: ${note}`),
      ...outcome.keptFloat.map((op) => `  kept float: op:${op.op} ${op.opName}: ${op.reason}`),
    ].join('\n'),
  );
  return 0;
}
