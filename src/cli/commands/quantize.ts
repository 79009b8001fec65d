import { promises as fs } from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../shared/errors';
import { CalibrationMethod, madeForLabel, QuantMode, QuantRecipe, recipeLabel, TfliteIo, WeightRange, type MadeFor } from '../../shared/variants';
import { inspectModelFiles } from '../../core/formats/inspect';
import { autoRangeFor, cpuInfoOf, type CpuInfo } from '../../core/quantize/weight-range';
import { probeLocalHardware } from '../../core/targets/local-target';
import { nodeWorkerSpawner, runWorkerTask } from '../../core/workers/run-worker';
import { flagBool, flagNumber, flagString, formatHelp, parseArgs, type FlagSpecs, type ParsedArgs } from '../args';
import { formatBytes } from '../../shared/units';
import type { CommandIo } from '../io';
import { checkCalibrationSource, isTfliteFile, quantizeTfliteCommand } from './quantize-tflite';
import { STORED_KINDS, TARGET_KINDS, type StoredKindName } from '../../shared/plugins/target-kinds';
import { DEFAULT_TARGET_KIND, parseTargets, storedKindOfSpec, targetContext, targetKindFlags, targetSyntaxList } from '../target-flags';

/** The stored kinds --for takes: boards with an application CPU (a microcontroller runs no ONNX int8 model). */
const FOR_KINDS = STORED_KINDS.filter((kind) => TARGET_KINDS[kind].processor === 'computer');
/** "local or ssh://USER@HOST:PORT". */
const FOR_SYNTAX = targetSyntaxList([DEFAULT_TARGET_KIND, ...FOR_KINDS]);
/** Those kinds' own flags (an SSH key...), each with the kinds that read it. */
const FOR_FLAGS = targetKindFlags(FOR_KINDS);
const flagKinds = (flag: string): StoredKindName[] => FOR_KINDS.filter((kind) => flag in TARGET_KINDS[kind].cliFlags);

const flags: FlagSpecs = {
  mode: {
    kind: 'choice',
    choices: [...QuantMode.options, 'int8'],
    help: 'dynamic (int8 weights), static (int8 QDQ, needs --calibration) or fp16; for a .tflite model dynamic, fp16 or int8 (full integer, needs --calibration; static means the same).',
  },
  io: { kind: 'choice', choices: TfliteIo.options, help: 'TFLite --mode int8 only: the type of the variant\'s inputs and outputs (default float: QUANTIZE/DEQUANTIZE ops at the edges).' },
  calibration: {
    kind: 'string',
    valueName: 'DATASET',
    help: 'Static calibration data: a dataset folder (with dataset.json), or an .npz with one array per model input, named after it, the first axis counting samples.',
  },
  method: { kind: 'choice', choices: CalibrationMethod.options, help: 'How calibration sets activation ranges (static, or TFLite int8; default minmax).' },
  percentile: { kind: 'number', min: 0, help: 'Percentile kept by --method percentile (default 99.999).' },
  'per-channel': { kind: 'boolean', help: 'One scale per output channel for Conv/Gemm/MatMul weights (the default, as in the studio).' },
  'dense-weights': { kind: 'choice', choices: ['per-tensor', 'per-channel'], help: 'TFLite --mode int8 only: FULLY_CONNECTED weights per tensor (default, what every TFLite kernel takes) or per output channel (TFLite 2.15+ and recent TFLite Micro).' },
  'no-bias-correction': { kind: 'boolean', help: 'TFLite --mode int8 only: keep the float biases as they are (by default each absorbs its int8 weights\' mean error on the calibration samples).' },
  'per-tensor': { kind: 'boolean', help: 'One scale per weight tensor instead (smaller by a few bytes; depthwise convolutions and BN-scaled weights lose much accuracy).' },
  'symmetric-activations': { kind: 'boolean', help: 'int8 activations with zero point 0 (static; default asymmetric uint8).' },
  'weight-range': {
    kind: 'choice',
    choices: WeightRange.options,
    help: 'int8 weights: full (8-bit), reduced (7-bit, for x86 CPUs without VNNI, whose int8 kernels saturate), or auto (default: reduced if the CPU of --for is such a CPU, or unknown).',
  },
  for: {
    kind: 'string',
    valueName: 'TARGET',
    help: `The CPU the variant will run on, which --weight-range auto is chosen for: ${DEFAULT_TARGET_KIND} (this computer, the default) or ${targetSyntaxList(FOR_KINDS)} (probed over SSH, with the flags below, as bench --target).`,
  },
  ...FOR_FLAGS,
  exclude: { kind: 'assignments', valueName: 'NODE_OR_OPTYPE', help: 'Leave a node (by name) or every node of an op type in float (repeatable).' },
  samples: { kind: 'int', min: 1, help: 'Calibration samples to use (default 200).' },
  out: { kind: 'string', valueName: 'FILE', help: 'Where to write the variant (.onnx, or .tflite for a TFLite model). Required.' },
  json: { kind: 'boolean', help: 'Print the outcome as JSON only.' },
  help: { kind: 'boolean', help: 'Show this help.' },
};

/** Flags of the ONNX quantizer that mean nothing for a TFLite model (TFLite's modes fix those choices). */
const ONNX_ONLY_FLAGS = ['per-channel', 'per-tensor', 'symmetric-activations', 'weight-range', 'for', ...Object.keys(FOR_FLAGS)];

export const quantizeHelp = formatHelp(
  [
    'edgebench quantize MODEL.onnx --mode dynamic|static|fp16 [--calibration DATASET|FILE.npz] [--method minmax|percentile|entropy] [--per-tensor] [--weight-range auto|full|reduced] [--for local|ssh://USER@HOST:PORT] [--exclude NODE_OR_OPTYPE ...] --out FILE',
    '       edgebench quantize MODEL.tflite --mode dynamic|fp16|int8 [--calibration DATASET|FILE.npz] [--io int8|uint8|float] [--method minmax|percentile] [--dense-weights per-tensor|per-channel] [--no-bias-correction] [--exclude op:N|OP_NAME|TENSOR ...] --out FILE',
  ].join('\n'),
  [
    'Makes an optimized variant of an ONNX model, in TypeScript (no Python): int8 dynamic, int8 static (QDQ,',
    'calibrated on a dataset) or fp16. The variant keeps the model\'s inputs and outputs; the same recipe and',
    'calibration data re-create the same bytes. Calibration runs in a separate worker process. If/Loop/Scan',
    'bodies are quantized too; weights are per channel unless --per-tensor. A model below opset 11 (13 for static',
    'per-channel weights) gets its opset raised where its ops allow, and a Conv\'s BatchNormalization/Mul/Add is folded into it.',
    'A variant that would quantize nothing, or an fp16 variant that would keep every weight float32, is refused.',
    'int8 weights are 7-bit for a CPU without VNNI: --weight-range auto judges the CPU of --for (default this computer;',
    'an ssh:// board is probed first) and the output says which CPU it chose for. A serial:// microcontroller runs no ONNX',
    'int8 model, so it is refused.',
    '',
    'A .tflite model is quantized as TFLite\'s converter would: dynamic (int8 weights, per channel for CONV_2D and',
    'DEPTHWISE_CONV_2D, float activations through hybrid kernels; weights under 1024 elements stay float), fp16 (float16',
    'weights behind DEQUANTIZE ops), or int8 (full integer per TFLite\'s quantization spec, calibrated on --calibration, with',
    'int8, uint8 or float inputs and outputs by --io). Weights a file stores as float16 are read as float32 first. The output',
    'lists the ops that stay float and why; full integer refuses a model with an op that has no int8 kernel, naming it.',
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
  if (await isTfliteFile(modelPath)) return quantizeTfliteCommand(args, { modelPath, mode, out, onnxOnlyFlags: ONNX_ONLY_FLAGS }, io);
  if (mode === 'int8') {
    throw new StudioError('BAD_INPUT', "--mode int8 (full integer) is for TFLite models; for an ONNX model use --mode static with --calibration.", { flag: 'mode' });
  }
  if (args.flags.has('io')) {
    throw new StudioError('BAD_INPUT', "--io only applies to TFLite full-integer variants (--mode int8 on a .tflite model); an ONNX variant keeps the model's input and output types.", { flag: 'io' });
  }
  const tfliteFlag = ['dense-weights', 'no-bias-correction'].find((name) => args.flags.has(name));
  if (tfliteFlag) throw new StudioError('BAD_INPUT', `--${tfliteFlag} only applies to TFLite full-integer variants (--mode int8 on a .tflite model); leave it out for an ONNX model.`, { flag: tfliteFlag });
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
  const forSpec = flagString(args, 'for');
  if (forSpec !== undefined && mode === 'fp16') refuse('--for only applies to the int8 modes: an fp16 variant is the same for every CPU.', 'for');
  if (forSpec !== undefined && weightRange !== undefined && weightRange !== 'auto') {
    refuse(`--for only applies to --weight-range auto: --weight-range ${weightRange} is the same for every CPU; drop one of them.`, 'for');
  }
  const forKind = forSpec === undefined ? undefined : storedKindOfSpec(forSpec);
  if (forSpec !== undefined && forKind !== undefined && TARGET_KINDS[forKind].processor === 'microcontroller') {
    refuse(`--for '${forSpec}' is a microcontroller board, where ONNX int8 variants do not run; give ${FOR_SYNTAX}, or make a full-integer .tflite with TFLite's converter for the board.`, 'for');
  }
  if (forSpec !== undefined && forSpec !== DEFAULT_TARGET_KIND && (forKind === undefined || !FOR_KINDS.includes(forKind))) refuse(`--for '${forSpec}' is not a target: use ${FOR_SYNTAX}.`, 'for');
  const kindFlag = Object.keys(FOR_FLAGS).find((name) => args.flags.has(name) && (forKind === undefined || !flagKinds(name).includes(forKind)));
  if (kindFlag) refuse(`--${kindFlag} only applies with --for ${targetSyntaxList(flagKinds(kindFlag))}.`, kindFlag);
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
    throw new StudioError('BAD_INPUT', `'${modelPath}' is a ${info.format} model; edgebench quantizes ONNX and TFLite models. Import int8/fp16 ${info.format} variants made elsewhere into the studio and link them instead.`, {
      file: modelPath,
    });
  }
  if (calibration) await checkCalibrationSource(calibration);
  const int8 = recipe.mode !== 'fp16';
  const cpu = int8 ? await cpuForFlag(args, forSpec ?? 'local', io) : undefined;
  const madeFor: MadeFor | undefined = cpu && recipe.weightRange === 'auto' ? autoRangeFor(cpu).madeFor : undefined;
  const outcome = await runWorkerTask(
    nodeWorkerSpawner(),
    {
      type: 'quantize',
      modelPath: path.resolve(modelPath),
      outPath: path.resolve(out),
      recipe,
      datasetDir: calibration ? path.resolve(calibration) : undefined,
      calibrationSamples: flagNumber(args, 'samples') ?? 200,
      ...(cpu ? { targetCpu: { ...cpu, cpuFeatures: [...cpu.cpuFeatures] } } : {}),
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
    ...(madeFor ? { madeFor } : {}),
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
      ...(madeFor ? [`  weights ${outcome.recipe.weightRange === 'reduced' ? '7-bit' : 'full range'} (auto), for ${madeForLabel(madeFor)}`] : []),
      ...(outcome.externalDataFile ? [`  weights it did not change are in ${outcome.externalDataFile}`] : []),
      ...outcome.notes.map((note) => `  note: ${note}`),
      ...outcome.skipped.map((s) => `  skipped ${s.node} (${s.opType}): ${s.reason}`),
    ].join('\n'),
  );
  return 0;
}

/**
 * The CPU of --for: this computer, or an SSH board probed the way bench and targets probe do (its
 * /proc/cpuinfo flags over the connection). The SSH code loads only when a board is named.
 */
async function cpuForFlag(args: ParsedArgs, spec: string, io: CommandIo): Promise<CpuInfo> {
  if (spec === DEFAULT_TARGET_KIND) return cpuInfoOf('this computer', probeLocalHardware());
  args.flags.set('target', [spec]);
  const [target] = parseTargets(args);
  if (target?.kind !== 'remote' || target.config.kind !== 'ssh') throw new StudioError('INTERNAL', `--for '${spec}' was taken for an SSH target but did not parse as one.`);
  const config = target.config;
  const context = targetContext(args);
  const [{ SshTargetSession }, { connectOptions }] = await Promise.all([import('../../core/targets/ssh/ssh-target'), import('../../core/targets/ssh/ssh-matrix-target')]);
  const session = new SshTargetSession({ name: config.name, host: config.host, port: config.port, user: config.user }, { connect: await connectOptions(config, context) });
  try {
    if (io.stderrIsTty && !flagBool(args, 'json')) io.err(`\r\x1b[2Kprobing ${config.name}…`);
    const probe = await session.probe(io.signal);
    return cpuInfoOf(config.name, probe.hardware);
  } finally {
    await session.close();
  }
}
