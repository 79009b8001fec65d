import path from 'node:path';
import { DEFAULT_BENCH_SETTINGS } from '../../shared/bench-defaults';
import { StudioError } from '../../shared/errors';
import type { BenchSettings } from '../../shared/run-schema';
import { runLocalBenchmark } from '../../core/bench/run-local-benchmark';
import { inspectModelFiles } from '../../core/formats/inspect';
import { nodeForkSpawner } from '../../core/runner/runner-client';
import { writeJsonAtomic } from '../../core/workspace/atomic-write';
import { flagBool, flagNumber, flagString, formatHelp, parseArgs, parseShapes, parseValues, type FlagSpecs } from '../args';
import { formatRun, progressLine } from '../format';
import type { CommandIo } from '../io';

const d = DEFAULT_BENCH_SETTINGS;
const flags: FlagSpecs = {
  runs: { kind: 'int', min: 1, help: `Measured inferences (default ${d.runs}).` },
  warmup: { kind: 'int', min: 0, help: `Warmup inferences before measuring (default ${d.warmupRuns}).` },
  'min-time': { kind: 'number', min: 0, valueName: 'MS', help: 'Keep measuring until this many ms have passed (default 0).' },
  threads: { kind: 'int', min: 0, help: 'Intra-op threads; 0 lets the runtime choose (default 0).' },
  shape: { kind: 'assignments', valueName: 'NAME=1x512', help: 'Size of an input with symbolic dims (repeatable).' },
  value: { kind: 'assignments', valueName: 'NAME=16000', help: 'Fill an input with one constant value (repeatable).' },
  json: { kind: 'boolean', help: 'Print the run (schema edgebench.run/1) as JSON only.' },
  out: { kind: 'string', valueName: 'FILE', help: 'Also write the run as JSON to FILE (atomically).' },
  help: { kind: 'boolean', help: 'Show this help.' },
};

export const benchHelp = formatHelp(
  'edgebench bench MODEL [--runs N] [--warmup N] [--threads N] [--shape NAME=DIMS] [--value NAME=N] [--json] [--out FILE]',
  'Benchmarks an ONNX model on this computer with onnxruntime (CPU), in a separate runner process.\nSymbolic dimensions default to 1 and inputs to seeded random values unless --shape / --value say otherwise.',
  flags,
);

export async function benchCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseArgs('bench', argv, flags);
  if (flagBool(args, 'help')) {
    io.out(benchHelp);
    return 0;
  }
  const [modelPath, ...extra] = args.positionals;
  if (!modelPath) throw new StudioError('BAD_INPUT', "edgebench bench needs a model file, e.g. 'edgebench bench model.onnx'.");
  if (extra.length > 0) {
    throw new StudioError('BAD_INPUT', `edgebench bench takes one model; got also '${extra.join("', '")}'.`);
  }
  const settings: BenchSettings = {
    warmupRuns: flagNumber(args, 'warmup') ?? d.warmupRuns,
    runs: flagNumber(args, 'runs') ?? d.runs,
    minTimeMs: flagNumber(args, 'min-time') ?? d.minTimeMs,
    threads: flagNumber(args, 'threads') ?? d.threads,
    shapes: parseShapes(args),
    values: parseValues(args),
  };
  const outFile = flagString(args, 'out');
  const json = flagBool(args, 'json');

  const info = await inspectModelFiles([modelPath]);
  if (info.format !== 'onnx') {
    throw new StudioError(
      'BAD_INPUT',
      `'${modelPath}' is a ${info.format} model; this version of edgebench bench runs ONNX models only (onnxruntime).`,
      { file: modelPath },
    );
  }
  const showProgress = io.stderrIsTty && !json;
  const run = await runLocalBenchmark(
    {
      modelPath: path.resolve(modelPath),
      model: {
        name: path.basename(modelPath).replace(/\.onnx$/i, ''),
        format: info.format,
        sha256: info.sha256,
        sizeBytes: info.sizeBytes,
        variant: 'float',
      },
      inputsInfo: info.inputs,
      settings,
      targetName: 'This computer',
    },
    {
      spawner: nodeForkSpawner(),
      signal: io.signal,
      onProgress: showProgress
        ? (p) => io.err(`\r\x1b[2K${progressLine(p.phase, p.completed, p.total, p.fraction)}`)
        : undefined,
    },
  );
  if (showProgress) io.err('\r\x1b[2K');
  if (outFile) await writeJsonAtomic(path.resolve(outFile), run);
  io.out(json ? JSON.stringify(run, null, 2) : formatRun(run));
  return 0;
}
