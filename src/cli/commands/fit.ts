import { promises as fs } from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../shared/errors';
import { inspectModelFiles } from '../../core/formats/inspect';
import { CHIP_PROFILES, estimateFit } from '../../core/targets/serial/fit-estimate';
import { flagBool, flagString, formatHelp, parseArgs, type FlagSpecs } from '../args';
import { formatBytes } from '../format';
import type { CommandIo } from '../io';

const flags: FlagSpecs = {
  chip: { kind: 'choice', choices: CHIP_PROFILES.map((c) => c.id), help: 'The board to check against (default: every chip).' },
  json: { kind: 'boolean', help: 'Print JSON only.' },
  help: { kind: 'boolean', help: 'Show this help.' },
};

export const fitHelp = formatHelp(
  'edgebench fit MODEL.tflite [--chip ID] [--json]',
  [
    'Before flashing: estimates the tensor arena (a greedy plan over the activations, like TFLite Micro\'s) and the',
    'weights\' flash size from the .tflite alone, and says whether it fits each chip\'s RAM, PSRAM and flash.',
    'The arena is an estimate; the firmware reports the real figure after loading the model.',
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
    throw new StudioError('BAD_INPUT', `'${file}' is a ${info.format} model; microcontrollers run TFLite models: convert it to .tflite (int8) first.`, { file });
  }
  const bytes = new Uint8Array(await fs.readFile(file));
  const chip = flagString(args, 'chip');
  const estimates = (chip ? [chip] : CHIP_PROFILES.map((c) => c.id)).map((id) => estimateFit(bytes, path.basename(file), id));
  if (flagBool(args, 'json')) {
    const rows = estimates.map(({ chip: profile, ...rest }) => ({ chip: profile.id, label: profile.label, ...rest }));
    io.out(JSON.stringify(chip ? rows[0] : rows, null, 2));
    return 0;
  }
  const first = estimates[0];
  if (first) io.out(`${file}: tensor arena about ${formatBytes(first.arenaBytes)} (estimate), weights ${formatBytes(first.weightsBytes)}, model ${formatBytes(first.modelBytes)}`);
  for (const estimate of estimates) io.out(`  ${estimate.verdict.padEnd(14)} ${estimate.sentence}`);
  return 0;
}
