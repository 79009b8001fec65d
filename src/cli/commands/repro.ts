/**
 * `edgebench repro RUN.json`: re-runs a run file's own settings (its reproduce command, the same
 * line a report prints) on its target, and says whether the fresh median lands inside the
 * original's between-run CI (src/core/reports/reproduce-check.ts). The re-run IS `edgebench
 * bench`: the same flag parsing, runner, progress line, Ctrl+C handling (exit 130) and errors.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { StudioError } from '../../shared/errors';
import { messageFor } from '../../shared/remedies';
import { RunFile } from '../../shared/run-schema';
import { inspectModelFiles } from '../../core/formats/inspect';
import { BENCHMARK_MODEL_FLAG, modelArg, reproduceArgs, reproduceCommand, shellQuote } from '../../core/reports/reproduce-command';
import { reproduceVerdict, type ReproduceVerdict } from '../../core/reports/reproduce-check';
import { flagBool, flagString, formatHelp, parseArgs, type FlagSpecs, type ParsedArgs } from '../args';
import type { CommandIo } from '../io';
import { targetFlags } from '../target-flags';
import { benchCommand } from './bench';
import { loadOne } from './compare';

const flags: FlagSpecs = {
  ...targetFlags,
  target: { kind: 'assignments', valueName: 'SPEC', help: "Where to re-run (default: the run's own target: this computer, or the --target it recorded)." },
  out: { kind: 'string', valueName: 'FILE', help: 'Also write the fresh run file to FILE (atomically).' },
  json: { kind: 'boolean', help: 'Print the verdict as JSON only (the fresh run goes to --out).' },
  help: { kind: 'boolean', help: 'Show this help.' },
};

export const reproHelp = formatHelp(
  'edgebench repro RUN.json [--target SPEC] [--identity FILE ...] [--out FILE] [--json]',
  [
    "Re-runs a run file's own settings (the reproduce command its report prints) on its target, and checks whether",
    "the fresh median lands inside the original's between-run 95 % CI (a run made with --repeats 5, say). If not, it",
    'lists the environment facts that differ between the two runs (CPU governor and clocks, load, heat, kernel...).',
    'An original without a between-run CI is checked against its within-run CI, with a note: that CI ignores what',
    'changes between processes, so a fresh median often lands outside it on a machine that is fine.',
    "A run on an Android device that pushed benchmark_model pushes the same file again (checked by its sha256);",
    '--benchmark-model FILE re-runs with another build on purpose.',
    'Exit codes: 0 reproduced, 1 not reproduced (or the re-run failed), 2 bad input, 3 cannot decide (the original',
    'has no CI at all), 130 stopped (Ctrl+C).',
  ].join('\n'),
  flags,
);

/** The target flags the user gave, as bench takes them (the --target SPEC aside). */
function targetKindArgs(args: ParsedArgs): string[] {
  return Object.keys(targetFlags).flatMap((name) => {
    if (name === 'target') return [];
    return (args.flags.get(name) ?? []).flatMap((value) => (value === true ? [`--${name}`] : [`--${name}`, String(value)]));
  });
}

/** --target as given: at most one (a re-run has one target). */
function targetsGiven(args: ParsedArgs): string[] {
  const targets = (args.flags.get('target') ?? []).map(String);
  if (targets.length > 1) throw new StudioError('BAD_INPUT', `edgebench repro re-runs on one target; --target was given ${targets.length} times. Pass it once.`, { flag: 'target' });
  return targets;
}

/** The run's reproduce args with its target replaced by --target SPEC when one is given, and its benchmark_model by --benchmark-model FILE. */
function benchArgs(run: RunFile, args: ParsedArgs): string[] {
  const [, ...line] = reproduceArgs(run);
  const targets = targetsGiven(args);
  const at = line.indexOf('--target');
  const own = at >= 0 ? line.splice(at, 2) : [];
  const binaryAt = line.indexOf(`--${BENCHMARK_MODEL_FLAG}`);
  if (binaryAt >= 0 && args.flags.has(BENCHMARK_MODEL_FLAG)) line.splice(binaryAt, 2);
  return [...line, ...(targets.length === 1 ? ['--target', targets[0] as string] : own), ...targetKindArgs(args)];
}

/**
 * The benchmark_model the run pushed (adb), refused before anything runs when it is not there or
 * not the same bytes, unless --benchmark-model names another on purpose.
 */
async function checkBenchmarkModel(run: RunFile, runFile: string, args: ParsedArgs): Promise<void> {
  const binary = run.runtime.binary;
  if (binary?.source !== 'pushed' || args.flags.has(BENCHMARK_MODEL_FLAG)) return;
  const identity = binary.sha256 === undefined ? '' : ` (sha256 ${binary.sha256.slice(0, 12)}…)`;
  if (!existsSync(binary.path)) {
    throw new StudioError(
      'FILE_NOT_FOUND',
      `The benchmark_model binary '${binary.path}' that ${runFile} pushed to the device is not there any more; put it back${identity}, or pass --${BENCHMARK_MODEL_FLAG} FILE (the build for the device's ABI), and run edgebench repro again.`,
      { file: binary.path },
    );
  }
  if (binary.sha256 === undefined) return;
  const sha256 = createHash('sha256').update(await readFile(binary.path)).digest('hex');
  if (sha256 !== binary.sha256) {
    throw new StudioError(
      'BAD_INPUT',
      `The benchmark_model binary '${binary.path}' is not the one ${runFile} ran (its sha256 is ${sha256.slice(0, 12)}…, the run's ${binary.sha256.slice(0, 12)}…); put the original back, or pass --${BENCHMARK_MODEL_FLAG} FILE to re-run with another build on purpose.`,
      { file: binary.path },
    );
  }
}

/** The model the run recorded, refused before anything runs when it is not there or not the same bytes. */
async function checkModel(run: RunFile, runFile: string): Promise<void> {
  const model = modelArg(run);
  if (!existsSync(model)) {
    throw new StudioError(
      'FILE_NOT_FOUND',
      run.model.path !== undefined
        ? `The model file '${model}' that ${runFile} was measured on is not there any more; put it back (sha256 ${run.model.sha256.slice(0, 12)}…) and run edgebench repro again.`
        : `${runFile} names its model only as '${model}' (it was made before run files recorded the model's path), and there is no '${model}' in ${process.cwd()}; run edgebench repro from the folder that holds it.`,
      { file: model },
    );
  }
  const info = await inspectModelFiles([model]);
  if (info.sha256 !== run.model.sha256) {
    throw new StudioError(
      'BAD_INPUT',
      `The model file '${model}' is not the one ${runFile} measured (its sha256 is ${info.sha256.slice(0, 12)}…, the run's ${run.model.sha256.slice(0, 12)}…); put the original file back to reproduce the run.`,
      { file: model },
    );
  }
}

function verdictLines(verdict: ReproduceVerdict): string[] {
  return [
    '',
    messageFor(verdict, 'cli'),
    ...verdict.notes.map((note) => messageFor(note, 'cli')),
    ...verdict.differences.map((d) => `  ${d.label.padEnd(22)} ${d.a}  →  ${d.b}   ${d.sentence}`),
  ];
}

export async function reproCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseArgs('repro', argv, flags);
  if (flagBool(args, 'help')) {
    io.out(reproHelp);
    return 0;
  }
  if (args.positionals.length !== 1) {
    throw new StudioError('BAD_INPUT', `edgebench repro takes one run file, RUN.json; got ${args.positionals.length}.`);
  }
  const runFile = args.positionals[0] as string;
  const json = flagBool(args, 'json');
  const outFile = flagString(args, 'out');
  targetsGiven(args);
  const original = (await loadOne(runFile, 'original', 'Give the file of the one run to reproduce.')).run;
  await checkModel(original, runFile);
  await checkBenchmarkModel(original, runFile, args);
  const line = benchArgs(original, args);
  io.err(`Re-running ${original.id} (${runFile}): ${['edgebench', 'bench', ...line.map(shellQuote)].join(' ')}`);

  const dir = await mkdtemp(path.join(os.tmpdir(), 'edgebench-repro-'));
  try {
    const freshFile = path.join(dir, 'fresh.json');
    // bench prints the fresh run as it always does (nothing with --json: stdout is the verdict's).
    const code = await benchCommand([...line, '--out', freshFile], { ...io, out: json ? () => undefined : io.out });
    if (code === 130) return 130;
    if (code !== 0 || !existsSync(freshFile)) {
      io.err(`edgebench repro: the re-run did not complete, so there is nothing to check; ${runFile} is unchanged.`);
      return 1;
    }
    const fresh = RunFile.parse(JSON.parse(await readFile(freshFile, 'utf8')));
    if (outFile !== undefined) {
      const { writeJsonAtomic } = await import('../../core/workspace/atomic-write');
      await writeJsonAtomic(path.resolve(outFile), fresh);
    }
    const verdict = reproduceVerdict(original, fresh);
    if (json) io.out(JSON.stringify({ file: runFile, reproduceCommand: reproduceCommand(original), ...verdict }, null, 2));
    else io.out(verdictLines(verdict).join('\n'));
    return verdict.exitCode;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
