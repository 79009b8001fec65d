import { basename, dirname, extname, join } from 'node:path';
import { StudioError } from '../../shared/errors';
import { parityLines } from '../../core/convert/parity';
import { DEFAULT_EXPORT_OPSET, exportPytorchToOnnx } from '../../core/pytorch/export-pytorch';
import { isPytorchFileName, PYTORCH_EXTENSIONS } from '../../shared/pytorch-files';
import { flagBool, flagNumber, flagString, formatHelp, parseArgs, type FlagSpecs } from '../args';
import type { CommandIo } from '../io';
import { convertOnnxToTfliteCommand } from './convert-tflite';
import { parseShapeText } from '../../shared/pytorch-files';

const flags: FlagSpecs = {
  to: { kind: 'choice', choices: ['onnx', 'tflite'], help: 'The format to write: onnx (from a PyTorch file) or tflite (from an ONNX file).' },
  out: { kind: 'string', valueName: 'FILE', help: 'Where to write the model (default: next to the source, with the new extension).' },
  'input-shape': { kind: 'assignments', valueName: '1,3,224,224', help: 'The size of one model input (repeat it for each input, in order); a Python file may define example_inputs() instead.' },
  module: { kind: 'string', valueName: 'CLASS', help: 'The nn.Module class to build, when the Python file defines several.' },
  python: { kind: 'string', valueName: 'PATH', help: 'The Python interpreter with torch (default: the first of $EDGEBENCH_PYTHON, python3 and python on PATH, /usr/bin/python3 that has torch).' },
  opset: { kind: 'int', min: 7, max: 21, help: `ONNX opset of the export (default ${DEFAULT_EXPORT_OPSET}).` },
  seed: { kind: 'int', min: 0, help: 'Seed of the random inputs the parity check feeds both models (default 0).' },
  quiet: { kind: 'boolean', help: "Do not print the exporter's log." },
  json: { kind: 'boolean', help: 'Print the result as JSON.' },
  help: { kind: 'boolean', help: 'Show this help.' },
};

export const convertHelp = formatHelp(
  'edgebench convert MODEL --to onnx|tflite [--input-shape 1,3,224,224 ...] [--module CLASS] [--python PATH] [--out FILE]',
  [
    `Exports a PyTorch model (${PYTORCH_EXTENSIONS.join(', ')}: a TorchScript file, or a Python file defining an nn.Module) to ONNX`,
    "with your own Python and torch, then checks the ONNX file against torch: torch's outputs on seeded inputs against",
    "onnxruntime's on the same inputs, per output (cosine, max abs error). From a Python file the model is create_model()'s",
    'result, or the --module class, or the one nn.Module the file defines, built with no arguments. The file is run by your',
    "Python: give only files you trust. The exporter's log (torch's warnings, the file's prints) is printed as it comes.",
    'With --to tflite it converts an ONNX file to TFLite (NCHW image inputs become NHWC) and checks it: onnxruntime against LiteRT on seeded inputs.',
    'Exit codes: 0 exported and the outputs agree, 1 the export failed or the outputs differ (the file is kept), 2 bad input.',
  ].join('\n'),
  flags,
);

function parseInputShape(text: string): number[] {
  const shape = parseShapeText(text);
  if (shape === null) {
    throw new StudioError('BAD_INPUT', `--input-shape expects positive sizes joined by ',' or 'x' (e.g. --input-shape 1,3,224,224), got '${text}'.`, { flag: 'input-shape' });
  }
  return shape;
}

export async function convertCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseArgs('convert', argv, flags);
  if (flagBool(args, 'help')) {
    io.out(convertHelp);
    return 0;
  }
  const [source, ...extra] = args.positionals;
  if (source === undefined) throw new StudioError('BAD_INPUT', "edgebench convert needs a model file, e.g. 'edgebench convert model.py --to onnx --input-shape 1,3,224,224'.");
  if (extra.length > 0) throw new StudioError('BAD_INPUT', `edgebench convert takes one model file; '${extra[0]}' is one too many.`);
  const to = flagString(args, 'to');
  if (to === undefined) throw new StudioError('BAD_INPUT', 'Say which format to write with --to onnx (from PyTorch) or --to tflite (from ONNX).', { flag: 'to' });
  if (to === 'tflite') {
    return convertOnnxToTfliteCommand(source, { out: flagString(args, 'out'), seed: flagNumber(args, 'seed'), json: flagBool(args, 'json'), inputShapes: (args.flags.get('input-shape') ?? []).map((raw) => parseInputShape(String(raw))) }, io);
  }
  if (!isPytorchFileName(source)) {
    throw new StudioError('BAD_INPUT', `--to onnx converts a PyTorch file (${PYTORCH_EXTENSIONS.join(', ')}); '${basename(source)}' is not one.`, { file: source });
  }
  const out = flagString(args, 'out') ?? join(dirname(source), `${basename(source, extname(source))}.onnx`);
  const json = flagBool(args, 'json');
  const quiet = flagBool(args, 'quiet') || json;
  const result = await exportPytorchToOnnx({
    source,
    out,
    inputShapes: (args.flags.get('input-shape') ?? []).map((raw) => parseInputShape(String(raw))),
    module: flagString(args, 'module'),
    python: flagString(args, 'python'),
    opset: flagNumber(args, 'opset'),
    seed: flagNumber(args, 'seed'),
    signal: io.signal,
    onLog: quiet ? undefined : (line) => io.err(`  | ${line}`),
  });
  const { chosen, passedOver } = result.python;
  if (json) {
    io.out(JSON.stringify({ ...result, log: result.log }, null, 2));
    return result.parity.ok ? 0 : 1;
  }
  io.out(
    [
      `Python: ${chosen.executable ?? chosen.path} (Python ${chosen.pythonVersion ?? '?'}, torch ${chosen.torch ?? '?'})`,
      ...passedOver.map((p) => `  passed over ${p.path}: ${p.problem}`),
      `Model: ${result.builtBy} from ${source} (${result.kind === 'torchscript' ? 'TorchScript' : 'Python file'}); inputs ${result.inputsFrom}`,
      ...result.inputs.map((i) => `  input ${i.name} [${i.shape.join(', ')}]`),
      ...result.outputs.map((o) => `  output ${o.name} [${o.shape.join(', ')}]`),
      `Wrote ${out} (ONNX opset ${result.opset}); the exporter logged ${result.log.length} line(s)`,
      ...parityLines(result.parity),
    ].join('\n'),
  );
  return result.parity.ok ? 0 : 1;
}
