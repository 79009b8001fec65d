import { promises as fs } from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../shared/errors';
import { CalibrationMethod, QuantMode, QuantRecipe, recipeLabel, WeightRange } from '../../shared/variants';
import { isCalibrationArchive } from '../../core/datasets/calibration-arrays';
import { inspectModelFiles } from '../../core/formats/inspect';
import { nodeWorkerSpawner, runWorkerTask } from '../../core/workers/run-worker';
import { flagBool, flagNumber, flagString, formatHelp, parseArgs, type FlagSpecs } from '../args';
import { formatBytes } from '../format';
import type { CommandIo } from '../io';

const flags: FlagSpecs = {
  mode: { kind: 'choice', choices: QuantMode.options, help: 'dynamic (int8 weights), static (int8 QDQ, needs --calibration) or fp16.' },
  calibration: {
    kind: 'string',
    valueName: 'DATASET',
    help: 'Static calibration data: a dataset folder (with dataset.json), or an .npz with one array per model input, named after it, the first axis counting samples.',
  },
  method: { kind: 'choice', choices: CalibrationMethod.options, help: 'How calibration sets activation ranges (static; default minmax).' },
  percentile: { kind: 'number', min: 0, help: 'Percentile kept by --method percentile (default 99.999).' },
  'per-channel': { kind: 'boolean', help: 'One scale per output channel for Conv/Gemm/MatMul weights (the default, as in the studio).' },
  'per-tensor': { kind: 'boolean', help: 'One scale per weight tensor instead (smaller by a few bytes; depthwise convolutions and BN-scaled weights lose much accuracy).' },
  'symmetric-activations': { kind: 'boolean', help: 'int8 activations with zero point 0 (static; default asymmetric uint8).' },
  'weight-range': {
    kind: 'choice',
    choices: WeightRange.options,
    help: "int8 weights: full (8-bit), reduced (7-bit, for x86 CPUs without VNNI, whose int8 kernels saturate), or auto (default: reduced if this machine is such a CPU).",
  },
  exclude: { kind: 'assignments', valueName: 'NODE_OR_OPTYPE', help: 'Leave a node (by name) or every node of an op type in float (repeatable).' },
  samples: { kind: 'int', min: 1, help: 'Calibration samples to use (default 200).' },
  out: { kind: 'string', valueName: 'FILE', help: 'Where to write the variant (.onnx). Required.' },
  json: { kind: 'boolean', help: 'Print the outcome as JSON only.' },
  help: { kind: 'boolean', help: 'Show this help.' },
};

export const quantizeHelp = formatHelp(
  'edgebench quantize MODEL.onnx --mode dynamic|static|fp16 [--calibration DATASET|FILE.npz] [--method minmax|percentile|entropy] [--per-tensor] [--weight-range auto|full|reduced] [--exclude NODE_OR_OPTYPE ...] --out FILE',
  [
    'Makes an optimized variant of an ONNX model, in TypeScript (no Python): int8 dynamic, int8 static (QDQ,',
    'calibrated on a dataset) or fp16. The variant keeps the model\'s inputs and outputs; the same recipe and',
    'calibration data re-create the same bytes. Calibration runs in a separate worker process. If/Loop/Scan',
    'bodies are quantized too; weights are per channel unless --per-tensor. A model below opset 11 (13 for static',
    'per-channel weights) gets its opset raised where its ops allow, and a Conv\'s BatchNormalization/Mul/Add is folded into it.',
    'A variant that would quantize nothing, or an fp16 variant that would keep every weight float32, is refused.',
  ].join('\n'),
  flags,
);

export async function quantizeCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseArgs('quantize', argv, flags);
  if (flagBool(args, 'help')) {
    io.out(quantizeHelp);
    return 0;
  }
  const [modelPath, ...extra] = args.positionals;
  if (!modelPath) throw new StudioError('BAD_INPUT', "edgebench quantize needs an ONNX model, e.g. 'edgebench quantize model.onnx --mode dynamic --out model.int8.onnx'.");
  if (extra.length > 0) throw new StudioError('BAD_INPUT', `edgebench quantize takes one model; got also '${extra.join("', '")}'.`);
  const mode = flagString(args, 'mode');
  if (!mode) throw new StudioError('BAD_INPUT', 'edgebench quantize needs --mode dynamic, static or fp16.', { flag: 'mode' });
  const out = flagString(args, 'out');
  if (!out) throw new StudioError('BAD_INPUT', 'edgebench quantize needs --out FILE for the variant, e.g. --out model.int8.onnx.', { flag: 'out' });
  const calibration = flagString(args, 'calibration');
  if (calibration && mode !== 'static') {
    throw new StudioError('BAD_INPUT', `--calibration only applies to --mode static (this is --mode ${mode}); remove it or use --mode static.`, { flag: 'calibration' });
  }
  const method = flagString(args, 'method');
  const percentile = flagNumber(args, 'percentile');
  const refuse = (message: string, flag: string): never => {
    throw new StudioError('BAD_INPUT', message, { flag });
  };
  if (method !== undefined && mode !== 'static') refuse(`--method only applies to --mode static (this is --mode ${mode}); remove it or use --mode static.`, 'method');
  if (percentile !== undefined && method !== 'percentile') refuse('--percentile only applies to --method percentile; remove it or add --method percentile.', 'percentile');
  if (percentile !== undefined && (percentile <= 0 || percentile > 100)) refuse(`--percentile expects a number above 0 and at most 100, got '${percentile}'.`, 'percentile');
  if (flagBool(args, 'symmetric-activations') && mode !== 'static') refuse('--symmetric-activations only applies to --mode static.', 'symmetric-activations');
  const weightRange = flagString(args, 'weight-range');
  if (weightRange !== undefined && mode === 'fp16') refuse('--weight-range only applies to the int8 modes (--mode dynamic or static).', 'weight-range');
  if (flagBool(args, 'per-channel') && flagBool(args, 'per-tensor')) refuse('--per-channel and --per-tensor contradict each other; pass one of them (per-channel is the default).', 'per-tensor');
  if (flagBool(args, 'per-tensor') && mode === 'fp16') refuse('--per-tensor only applies to the int8 modes (--mode dynamic or static).', 'per-tensor');
  const recipe = QuantRecipe.parse({
    mode,
    method,
    percentile,
    // Per-channel unless asked otherwise, as the studio's Variants form: per-tensor weights lose most of a
    // depthwise or BN-scaled convolution's accuracy (PP-OCR det, silero VAD), for a few bytes.
    perChannel: mode !== 'fp16' && !flagBool(args, 'per-tensor'),
    activationSymmetric: flagBool(args, 'symmetric-activations'),
    exclude: (args.flags.get('exclude') ?? []).map(String),
    weightRange,
  });

  const info = await inspectModelFiles([modelPath]);
  if (info.format !== 'onnx') {
    throw new StudioError('BAD_INPUT', `'${modelPath}' is a ${info.format} model; edgebench quantizes ONNX models. Import int8/fp16 ${info.format} variants made elsewhere into the studio and link them instead.`, {
      file: modelPath,
    });
  }
  if (calibration && isCalibrationArchive(calibration)) {
    const stat = await fs.stat(calibration).catch(() => null);
    if (!stat?.isFile()) throw new StudioError('FILE_NOT_FOUND', `'${calibration}' does not exist; give an .npz with one array per model input.`, { file: calibration });
  } else if (calibration) {
    const stat = await fs.stat(path.join(calibration, 'dataset.json')).catch(() => null);
    if (!stat) {
      throw new StudioError('FILE_NOT_FOUND', `'${calibration}' is not a dataset folder (it has no dataset.json); import one with 'edgebench dataset import', or give an .npz with one array per model input.`, {
        file: calibration,
      });
    }
  }
  const outcome = await runWorkerTask(
    nodeWorkerSpawner(),
    {
      type: 'quantize',
      modelPath: path.resolve(modelPath),
      outPath: path.resolve(out),
      recipe,
      datasetDir: calibration ? path.resolve(calibration) : undefined,
      calibrationSamples: flagNumber(args, 'samples') ?? 200,
    },
    { signal: io.signal, onProgress: (message) => (io.stderrIsTty && !flagBool(args, 'json') ? io.err(`\r\x1b[2K${message}…`) : undefined) },
  );
  if (outcome.type !== 'quantized') throw new StudioError('INTERNAL', 'The worker answered something other than a quantized model.');
  const sizeBytes = (await fs.stat(out)).size + (outcome.externalDataFile ? (await fs.stat(outcome.externalDataFile)).size : 0);
  const summary = {
    model: modelPath,
    out,
    recipe: outcome.recipe,
    label: recipeLabel(outcome.recipe),
    sizeBytes,
    floatSizeBytes: info.sizeBytes,
    sizeRatio: sizeBytes / info.sizeBytes,
    quantizedNodes: outcome.quantizedNodes,
    skipped: outcome.skipped,
    calibrationSamples: outcome.calibrationSamples,
    ...(outcome.opset ? { opset: outcome.opset } : {}),
    notes: outcome.notes,
    ...(outcome.externalDataFile ? { externalDataFile: outcome.externalDataFile } : {}),
  };
  if (flagBool(args, 'json')) {
    io.out(JSON.stringify(summary, null, 2));
    return 0;
  }
  if (io.stderrIsTty) io.err('\r\x1b[2K');
  io.out(
    [
      `${out}: ${summary.label}, ${formatBytes(sizeBytes)} (${(summary.sizeRatio * 100).toFixed(0)}% of ${formatBytes(info.sizeBytes)})`,
      `  quantized ${outcome.quantizedNodes.length} nodes${outcome.calibrationSamples > 0 ? `, calibrated on ${outcome.calibrationSamples} samples` : ''}`,
      ...(outcome.externalDataFile ? [`  weights it did not change are in ${outcome.externalDataFile}`] : []),
      ...outcome.notes.map((note) => `  note: ${note}`),
      ...outcome.skipped.map((s) => `  skipped ${s.node} (${s.opType}): ${s.reason}`),
    ].join('\n'),
  );
  return 0;
}
