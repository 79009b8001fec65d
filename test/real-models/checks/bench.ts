/**
 * One bench case of a row, run as a user runs it (`edgebench bench MODEL --shape … --value … --json`),
 * short: the table checks what a run does with the model's inputs, not its speed.
 */
import { expect } from 'vitest';
import { UNSTABLE_WARNING_CODES, type WarningCode } from '../../../src/core/bench/warnings';
import type { RunFile } from '../../../src/shared/run-schema';
import { edgebench, stderrLines, type CliOutcome } from '../cli';
import type { BenchCase, ModelRow } from '../table';

/** A few runs, no profile: a check of what the run does, not a measurement. */
const SHORT_RUN = ['--runs', '3', '--warmup', '1', '--warmup-time', '0', '--profile-runs', '0'];

function flagsOf(given: BenchCase['given']): string[] {
  return [
    ...Object.entries(given.shapes ?? {}).flatMap(([name, shape]) => ['--shape', `${name}=${shape}`]),
    ...Object.entries(given.values ?? {}).flatMap(([name, value]) => ['--value', `${name}=${value}`]),
  ];
}

export function bench(file: string, flags: string[]): Promise<CliOutcome> {
  return edgebench(['bench', file, ...flags, ...SHORT_RUN, '--json'], 120_000);
}

/** The names a run may use for a model input: the table's, and for TF.js also the graph tensor's. */
function inputNames(row: ModelRow): Array<{ name: string; aliases: string[]; shape: ModelRow['inspect']['inputs'][number]['shape'] }> {
  return row.inspect.inputs.map((input) => ({
    name: input.name,
    aliases: [input.name, ...('tensor' in input ? [input.tensor] : [])],
    shape: input.shape,
  }));
}

const quotes = (text: string, names: readonly string[]): boolean => names.some((name) => text.includes(`'${name}'`));

/**
 * Which inputs the run says it guessed: every input a warning quotes by name (the studio quotes
 * names as 'x'), with the dims that warning names (string dims must be quoted in it; unnamed ones
 * are known by position only). The wording is the guessing helper's; these are the facts it must carry.
 */
function observedGuess(row: ModelRow, run: RunFile, expected: Array<{ input: string; dims: Array<string | number> }>): Array<{ input: string; dims: Array<string | number> }> {
  const found: Array<{ input: string; dims: Array<string | number> }> = [];
  for (const input of inputNames(row)) {
    const warnings = run.warnings.filter((w) => quotes(w.message, input.aliases));
    if (warnings.length === 0) continue;
    const symbolic = (input.shape ?? []).flatMap((dim, index) => (typeof dim === 'number' ? [] : [dim === null ? index : dim]));
    const wanted = expected.find((e) => e.input === input.name)?.dims ?? symbolic;
    found.push({ input: input.name, dims: wanted.filter((dim) => typeof dim === 'number' || warnings.some((w) => w.message.includes(dim))) });
  }
  return found;
}

export async function checkBenchCase(row: ModelRow, file: string, benchCase: BenchCase): Promise<void> {
  const outcome = await bench(file, flagsOf(benchCase.given));
  const expectation = benchCase.expect;

  if ('completes' in expectation) {
    expect(outcome.code, `bench should complete; stderr: ${outcome.stderr}`).toBe(0);
    const run = JSON.parse(outcome.stdout) as RunFile;
    const { guessed } = expectation.completes;
    const guessWarnings = run.warnings.filter((w) => inputNames(row).some((input) => quotes(w.message, input.aliases)));
    expect({
      status: run.status,
      inputs: run.inputs.map((input) => ({ name: input.name.replace(/:0$/, ''), shape: input.shape, fill: input.fill })),
      guessed: observedGuess(row, run, guessed),
      // A guess must make the verdict unstable by itself: its warning is one of the unstable codes.
      guessMakesItUnstable: guessWarnings.length > 0 && guessWarnings.every((w) => UNSTABLE_WARNING_CODES.has(w.code as WarningCode)) && run.verdict === 'unstable',
    }).toEqual({
      status: 'completed',
      inputs: expectation.completes.inputs.map((input) => ({ ...input, name: input.name.replace(/:0$/, '') })),
      guessed,
      guessMakesItUnstable: guessed.length > 0,
    });
    return;
  }

  const lines = stderrLines(outcome);
  const mentions = 'refused' in expectation ? expectation.refused.mentions : 'runtimeCannotRun' in expectation ? expectation.runtimeCannotRun.mentions : expectation.rejectedWithWorkingSuggestion.mentions;
  const observed = {
    code: outcome.code,
    stdout: outcome.stdout,
    mentions: mentions.filter((token) => outcome.stderr.includes(token)),
    ...('refused' in expectation ? { lines: lines.length, stackTrace: /\n\s+at /.test(outcome.stderr) } : {}),
  };
  expect(observed, `stderr: ${outcome.stderr}`).toEqual({
    code: 'refused' in expectation ? 2 : 1,
    stdout: '',
    mentions,
    ...('refused' in expectation ? { lines: 1, stackTrace: false } : {}),
  });

  if ('rejectedWithWorkingSuggestion' in expectation) await checkSuggestion(row, file, benchCase, outcome.stderr);
}

/**
 * The flags the error suggests give one value per named dim across all inputs, and a run with
 * them (and the case's own --value flags) completes.
 */
async function checkSuggestion(row: ModelRow, file: string, benchCase: BenchCase, stderr: string): Promise<void> {
  const shapes = [...stderr.matchAll(/--shape[ =]([^\s'"`,;=]+)=(\d+(?:x\d+)*)/g)].map((m) => ({ name: m[1] as string, dims: (m[2] as string).split('x').map(Number) }));
  const dims = [...stderr.matchAll(/--dim[ =]([^\s'"`,;=]+)=(\d+)/g)].map((m) => ({ name: m[1] as string, size: Number(m[2]) }));
  expect(shapes.length + dims.length, `the error should suggest --shape or --dim flags; stderr: ${stderr}`).toBeGreaterThan(0);

  const valuesByDim = new Map<string, Set<number>>();
  for (const { name, size } of dims) valuesByDim.set(name, new Set([...(valuesByDim.get(name) ?? []), size]));
  for (const { name, dims: sizes } of shapes) {
    const declared = row.inspect.inputs.find((input) => input.name === name)?.shape ?? [];
    declared.forEach((dim, index) => {
      if (typeof dim === 'string' && sizes[index] !== undefined) valuesByDim.set(dim, new Set([...(valuesByDim.get(dim) ?? []), sizes[index]]));
    });
  }
  const conflicting = [...valuesByDim].filter(([, values]) => values.size > 1).map(([dim, values]) => `${dim}: ${[...values].join(', ')}`);
  expect(conflicting, 'a named dim must get one value across all inputs').toEqual([]);

  const suggested = [
    ...shapes.flatMap(({ name, dims: sizes }) => ['--shape', `${name}=${sizes.join('x')}`]),
    ...dims.flatMap(({ name, size }) => ['--dim', `${name}=${size}`]),
    ...Object.entries(benchCase.given.values ?? {}).flatMap(([name, value]) => ['--value', `${name}=${value}`]),
  ];
  const retry = await bench(file, suggested);
  expect(retry.code, `bench with the suggested flags (${suggested.join(' ')}) should complete; stderr: ${retry.stderr}`).toBe(0);
}
