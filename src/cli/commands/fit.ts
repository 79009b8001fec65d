import { promises as fs } from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../shared/errors';
import { inspectModelFiles } from '../../core/formats/inspect';
import type { FitRemedy } from '../../shared/contract';
import { MODEL_FORMAT_WITH_ARTICLE } from '../../shared/model-info';
import { CHIP_PROFILES, chipProfile, estimateFits, type FitEstimate } from '../../core/targets/serial/fit-estimate';
import { EDGEBENCH_FIRMWARE_OP_RESOLVER } from '../../core/targets/serial/tflm-ops';
import { flagBool, flagString, formatHelp, parseArgs, type FlagSpecs } from '../args';
import { formatBytes } from '../../shared/units';
import type { CommandIo } from '../io';

const flags: FlagSpecs = {
  chip: { kind: 'choice', choices: CHIP_PROFILES.map((c) => c.id), help: 'The board to check against (default: every chip).' },
  json: { kind: 'boolean', help: 'Print JSON only.' },
  help: { kind: 'boolean', help: 'Show this help.' },
};

export const fitHelp = formatHelp(
  'edgebench fit MODEL.tflite [--chip ID] [--json]',
  [
    'Before flashing: plans the tensor arena as TensorFlow Lite Micro does (its GreedyMemoryPlanner over the',
    'buffers and lifetimes its allocator gives the model, plus the interpreter\'s bookkeeping) and sizes the',
    'weights from the .tflite alone, and says which of each chip\'s limits (RAM, PSRAM, flash) it exceeds,',
    'which of its ops TensorFlow Lite Micro cannot run, which ops TFLM has but the EdgeBench firmware (ESP32',
    'chips) does not register, and what you can do about it.',
    'Kernels\' own state is estimated; the firmware reports the exact arena after loading the model.',
  ].join('\n'),
  flags,
);

export async function fitCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseArgs('fit', argv, flags);
  if (flagBool(args, 'help')) {
    io.out(fitHelp);
    return 0;
  }
  const [file, ...extra] = args.positionals;
  if (!file || extra.length > 0) throw new StudioError('BAD_INPUT', "edgebench fit takes one .tflite model, e.g. 'edgebench fit model.tflite --chip esp32s3'.");
  const info = await inspectModelFiles([file]);
  if (info.format !== 'tflite') {
    throw new StudioError('BAD_INPUT', `'${file}' is ${MODEL_FORMAT_WITH_ARTICLE[info.format]} model; microcontrollers run TFLite models: convert it to .tflite (int8) first.`, { file });
  }
  const bytes = new Uint8Array(await fs.readFile(file));
  const chip = flagString(args, 'chip');
  const estimates = estimateFits(bytes, path.basename(file), chip ? [chip] : CHIP_PROFILES.map((c) => c.id));
  if (flagBool(args, 'json')) {
    const rows = estimates.map(({ chip: profile, ...rest }) => ({ chip: profile.id, label: profile.label, ...rest }));
    io.out(JSON.stringify(chip ? rows[0] : rows, null, 2));
    return 0;
  }
  const first = estimates[0];
  if (first) io.out(`${file}: tensor arena about ${formatBytes(first.arenaBytes)} (estimate), weights ${formatBytes(first.weightsBytes)}, model ${formatBytes(first.modelBytes)}`);
  for (const estimate of estimates) {
    io.out(`  ${estimate.verdict.padEnd(14)} ${estimate.sentence}`);
    for (const remedy of estimate.remedies) io.out(`  ${''.padEnd(14)}   what you can do: ${remedyText(remedy, estimate)}`);
  }
  return 0;
}

/** A remedy in the CLI's terms (the Devices page words the same remedies in its own). */
function remedyText(remedy: FitRemedy, estimate: FitEstimate): string {
  switch (remedy.kind) {
    case 'int8-tflite':
      return estimate.unsupportedOps.some((op) => op.inputType === 'float16')
        ? 'make a full-integer int8 variant (edgebench quantize MODEL.tflite --mode int8 --calibration DATASET --out MODEL.int8.tflite: its weights then need no DEQUANTIZE from float16, and take a quarter of float32\'s bytes) and run edgebench fit on it.'
        : 'make a full-integer int8 variant (edgebench quantize MODEL.tflite --mode int8 --calibration DATASET --out MODEL.int8.tflite: int8 weights and activations take a quarter of float32\'s bytes) and run edgebench fit on it.';
    case 'other-chips':
      return `pick a chip whose memory it fits as it is: ${remedy.chips.map((id) => `${chipProfile(id).label} (--chip ${id})`).join(', ')}.`;
    case 'dense-weights':
      return "convert it again without TFLite's sparsity optimization, so its weights are stored dense and need no DENSIFY.";
    case 'builtin-ops': {
      const equivalents = Object.entries(remedy.replacements).map(([op, builtins]) => `${op} as ${builtins.join(' + ')}`);
      return `convert it again with only ops TFLite Micro registers instead of ${remedy.ops.join(', ')}${equivalents.length > 0 ? ` (${equivalents.join('; ')})` : ''}.`;
    }
    case 'smaller-model':
      return 'no chip the studio knows has the memory for it and it is int8 already: it needs a smaller model (a smaller input, fewer or narrower layers).';
    case 'firmware-ops':
      return `register ${remedy.ops.join(', ')} in the EdgeBench firmware's op resolver (${EDGEBENCH_FIRMWARE_OP_RESOLVER}), then rebuild and reflash the firmware.`;
  }
}
