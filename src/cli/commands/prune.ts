import { promises as fs } from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../shared/errors';
import { pruneModel, type PrunedModel } from '../../core/prune/index';
import { writeFileAtomic } from '../../core/workspace/atomic-write';
import { flagBool, flagNumber, flagString, formatHelp, parseArgs, type FlagSpecs } from '../args';
import { formatBytes } from '../../shared/units';
import type { CommandIo } from '../io';

const flags: FlagSpecs = {
  sparsity: { kind: 'number', min: 0, help: 'Magnitude pruning: the fraction of each layer\'s weights set to zero (0.5 = half), smallest |w| first.' },
  channels: { kind: 'number', min: 0, help: 'Channel pruning: the fraction of each convolution\'s output channels removed (0.25 = a quarter), weakest (L1) first.' },
  exclude: { kind: 'assignments', valueName: 'LAYER', help: 'Leave a layer unpruned: an ONNX node name or op type, a TFLite op:N or op name (repeatable).' },
  out: { kind: 'string', valueName: 'FILE', help: 'Where to write the pruned variant (same format as MODEL). Required.' },
  json: { kind: 'boolean', help: 'Print the outcome as JSON only.' },
  help: { kind: 'boolean', help: 'Show this help.' },
};

export const pruneHelp = formatHelp(
  'edgebench prune MODEL.onnx|MODEL.tflite --sparsity 0.5 | --channels 0.25 [--exclude LAYER ...] --out FILE',
  [
    'Makes a pruned variant. --sparsity zeroes the smallest weights of every Conv, ConvTranspose, Gemm and MatMul',
    '(CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, TRANSPOSE_CONV in TFLite): the file keeps its size and shape.',
    '--channels removes the weakest output channels of each convolution, with the inputs of the layer that reads',
    'them, so the model gets smaller and does less work; a convolution whose channels also go elsewhere (a residual',
    'Add, a Concat, a model output) keeps them, and the output says why. Then it answers, per engine, whether the',
    'variant should run faster, from that engine\'s documented rules; measure it with `edgebench bench MODEL OUT`',
    'and its accuracy with `edgebench eval MODEL OUT --dataset DATASET`. Pruning without fine-tuning costs accuracy.',
  ].join('\n'),
  flags,
);

function percent(value: number): string {
  return `${(value * 100).toFixed(1)} %`;
}

function describe(result: PrunedModel, model: string, out: string, sizes: { before: number; after: number }): string[] {
  const method = result.method === 'magnitude' ? `magnitude, ${percent(result.amount)} of each layer's weights` : `channels, ${percent(result.amount)} of each convolution's outputs`;
  const lines = [
    `Pruned ${path.basename(model)} (${result.format}; ${method}) → ${out}`,
    `  parameters ${result.parametersBefore.toLocaleString('en-US')} → ${result.parametersAfter.toLocaleString('en-US')}   size ${formatBytes(sizes.before)} → ${formatBytes(sizes.after)}   MACs ${result.infoBefore.macs.toLocaleString('en-US')} → ${result.infoAfter.macs.toLocaleString('en-US')}`,
    result.method === 'magnitude'
      ? `  zeros in the pruned layers' weights: ${percent(result.overallSparsity)}`
      : `  weights removed from the layers below: ${percent(result.removedShare)}`,
    '',
    'Per layer:',
    ...result.layers.map((l) => {
      const channels = l.channelsBefore !== undefined ? `  channels ${l.channelsBefore} → ${l.channelsAfter}` : '';
      const kernel = l.kernel ? ` ${l.kernel[0]}×${l.kernel[1]}` : '';
      return `  ${l.layer} (${l.op}${kernel}): weights ${l.weightsBefore.toLocaleString('en-US')} → ${l.weightsAfter.toLocaleString('en-US')}, sparsity ${percent(l.sparsity)}${channels}`;
    }),
    ...result.skipped.map((s) => `  ${s.layer} (${s.op}): not pruned: ${s.reason}`),
    ...result.notes.map((note) => `Note: ${note}`),
    '',
    'Will it run faster?',
    ...result.speedup.map((s) => `  ${s.engine}: ${s.reason}`),
    '',
    `Measure it: edgebench bench ${model} ${out}`,
  ];
  return lines;
}

export async function pruneCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseArgs('prune', argv, flags);
  if (flagBool(args, 'help')) {
    io.out(pruneHelp);
    return 0;
  }
  const [modelPath, ...extra] = args.positionals;
  if (!modelPath) throw new StudioError('BAD_INPUT', "edgebench prune needs a model, e.g. 'edgebench prune model.onnx --sparsity 0.5 --out model.pruned.onnx'.");
  if (extra.length > 0) throw new StudioError('BAD_INPUT', `edgebench prune takes one model; got also '${extra.join("', '")}'.`);
  const sparsity = flagNumber(args, 'sparsity');
  const channels = flagNumber(args, 'channels');
  if ((sparsity === undefined) === (channels === undefined)) {
    throw new StudioError('BAD_INPUT', 'Say how to prune with one of --sparsity FRACTION (zero the smallest weights) or --channels FRACTION (remove convolution channels).', { flag: 'sparsity' });
  }
  const amount = (sparsity ?? channels) as number;
  const flag = sparsity !== undefined ? 'sparsity' : 'channels';
  if (!(amount > 0 && amount < 1)) throw new StudioError('BAD_INPUT', `--${flag} expects a fraction above 0 and below 1 (e.g. 0.5), got '${amount}'.`, { flag });
  const out = flagString(args, 'out');
  if (!out) throw new StudioError('BAD_INPUT', 'edgebench prune needs --out FILE for the variant, e.g. --out model.pruned.onnx.', { flag: 'out' });
  if (path.resolve(out) === path.resolve(modelPath)) throw new StudioError('BAD_INPUT', `--out '${out}' is the model itself; write the variant to another file.`, { flag: 'out' });
  const bytes = await fs.readFile(modelPath).catch((error: NodeJS.ErrnoException) => {
    throw new StudioError(error.code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'BAD_INPUT', `Cannot read '${modelPath}' (${error.code ?? error.message}); check the path.`, { file: modelPath });
  });
  const exclude = (args.flags.get('exclude') ?? []).map(String);
  const result = pruneModel(new Uint8Array(bytes), path.basename(modelPath), { method: sparsity !== undefined ? 'magnitude' : 'channels', amount, exclude });
  await writeFileAtomic(out, result.bytes);
  const sizes = { before: bytes.byteLength, after: result.bytes.byteLength };
  if (flagBool(args, 'json')) {
    const { bytes: _bytes, infoBefore, infoAfter, ...facts } = result;
    io.out(JSON.stringify({ out, ...facts, sizeBytes: sizes, macs: { before: infoBefore.macs, after: infoAfter.macs } }, null, 2));
  } else {
    for (const line of describe(result, modelPath, out, sizes)) io.out(line);
  }
  return 0;
}
