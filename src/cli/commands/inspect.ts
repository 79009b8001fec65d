import { StudioError } from '../../shared/errors';
import { inspectModelFiles } from '../../core/formats/inspect';
import { flagBool, formatHelp, parseArgs, type FlagSpecs } from '../args';
import { formatModelInfo } from '../format';
import type { CommandIo } from '../io';

const flags: FlagSpecs = {
  json: { kind: 'boolean', help: 'Print JSON only (one object, or an array for several files).' },
  help: { kind: 'boolean', help: 'Show this help.' },
};

export const inspectHelp = formatHelp(
  'edgebench inspect FILE... [--json]',
  'Reads ONNX (.onnx), TensorFlow Lite (.tflite) and TF.js (model.json + shards) models and reports\ntheir format, inputs and outputs, op histogram, parameters, size, sha256 and MAC estimate.',
  flags,
);

export async function inspectCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseArgs('inspect', argv, flags);
  if (flagBool(args, 'help')) {
    io.out(inspectHelp);
    return 0;
  }
  if (args.positionals.length === 0) {
    throw new StudioError('BAD_INPUT', "edgebench inspect needs at least one model file, e.g. 'edgebench inspect model.onnx'.");
  }
  const results = [];
  for (const file of args.positionals) results.push({ file, info: await inspectModelFiles([file]) });
  if (flagBool(args, 'json')) {
    const infos = results.map((r) => r.info);
    io.out(JSON.stringify(infos.length === 1 ? infos[0] : infos, null, 2));
  } else {
    io.out(results.map((r) => formatModelInfo(r.file, r.info)).join('\n\n'));
  }
  return 0;
}
