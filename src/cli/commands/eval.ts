import { existsSync } from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../shared/errors';
import { isLabeled, readDatasetManifest } from '../../core/datasets/dataset-manifest';
import { Layout } from '../../shared/preprocessing';
import { evaluateModelsThatFit, type EvalModel, type EvalResult } from '../../core/eval/run-evaluation';
import { inspectModelFiles } from '../../core/formats/inspect';
import { DEFAULT_EVAL_BATCH } from '../../core/runner/protocol';
import { nodeForkSpawner } from '../../core/runner/runner-client';
import { flagBool, flagNumber, flagString, formatHelp, parseArgs, type FlagSpecs } from '../args';
import { dimFlag, givenFromFlags, savedInputsForModel, shapeFlag, valueFlag, workspaceFlag, workspaceFrom } from '../input-flags';
import { progressLine } from '../format';
import { importedModelName } from '../../shared/model-naming';
import { modelPathOf, modelPathsOf } from '../model-path';
import type { CommandIo } from '../io';

const flags: FlagSpecs = {
  dataset: { kind: 'string', valueName: 'DIR', help: 'The dataset folder (holding dataset.json), e.g. resources/datasets/demo-digits.' },
  limit: { kind: 'int', min: 1, help: 'Evaluate only the first N samples (default: all).' },
  layout: { kind: 'choice', choices: Layout.options, help: "Feed image samples in this layout (default: the dataset's, or whichever fits each model)." },
  reference: { kind: 'string', valueName: 'MODEL', help: "The float model the others are compared with (default: the first model; 'none' for no fidelity)." },
  batch: { kind: 'int', min: 1, help: `Samples per inference for a one-input model with a free batch dim (default ${DEFAULT_EVAL_BATCH}).` },
  ...shapeFlag,
  ...dimFlag,
  ...valueFlag,
  ...workspaceFlag,
  json: { kind: 'boolean', help: 'Print JSON only: { "results": [...], "skipped": [...] } in the order the models were given.' },
  help: { kind: 'boolean', help: 'Show this help.' },
};

export const evalHelp = formatHelp(
  'edgebench eval MODEL... --dataset DIR [--limit N] [--layout NCHW|NHWC] [--reference MODEL] [--shape NAME=DIMS] [--value NAME=N] [--json]',
  [
    'Measures accuracy (top-1, top-5, per class, confusion matrix) of each model on a labeled dataset, and',
    'fidelity against the reference model (top-1 agreement, cosine similarity, SQNR in dB, max abs error),',
    'which needs no labels. Each model runs in its own runner process with its format\'s runtime.',
    'Accuracies are fractions 0..1 in the JSON output. Input sizes saved with a model (edgebench inputs set)',
    'must match the dataset\'s samples, so its accuracy is for the inputs its benchmarks ran.',
    'A model with several inputs gets the dataset\'s samples in the input they fit; every other input takes',
    'its value (--value, or saved with edgebench inputs set), or zeros of its size (--shape / --dim, or saved),',
    'e.g. silero VAD: --value sr=16000 --shape state=2x1x128. Flags win over saved values.',
    'A model the dataset does not fit (or whose runner fails) is skipped with the reason and the others are',
    'evaluated; when none can be, the first one\'s reason is the error (exit 2 for a dataset that does not fit).',
  ].join('\n'),
  flags,
);

/** As import names it (shared/model-naming.ts): a generic model.json or model.onnx after its folder. */
function modelName(file: string): string {
  return importedModelName({ mainFile: path.resolve(file) });
}

/** Names from the files; where two would be the same, the file name (then the path as given) tells them apart. */
function uniqueNames(files: string[]): string[] {
  const distinct = (names: string[], fallback: (i: number) => string): string[] =>
    names.map((name, i) => (names.indexOf(name) !== names.lastIndexOf(name) ? fallback(i) : name));
  const named = distinct(files.map(modelName), (i) => path.basename(files[i] as string));
  return distinct(named, (i) => files[i] as string);
}

/** The reference's index: --reference as given, by path or name; default the first of several models. */
function referenceOf(value: string | undefined, files: string[], names: string[]): number | null {
  if (value === undefined) return files.length > 1 ? 0 : null;
  if (value === 'none') return null;
  const index = files.findIndex((file, i) => file === value || path.resolve(file) === path.resolve(modelPathOf(value)) || names[i] === value);
  if (index < 0) {
    throw new StudioError('BAD_INPUT', `--reference '${value}' is not one of the models given (${names.join(', ')}); name one of them, or pass --reference none.`, {
      flag: 'reference',
    });
  }
  return index;
}

async function checkDataset(dir: string): Promise<{ name: string; samples: number; labeled: boolean }> {
  if (!existsSync(dir)) {
    throw new StudioError('FILE_NOT_FOUND', `The dataset folder '${dir}' does not exist; pass a folder holding dataset.json (import one with 'edgebench dataset import').`, {
      flag: 'dataset',
    });
  }
  const manifest = await readDatasetManifest(dir);
  if (manifest.samples === 0) {
    throw new StudioError('BAD_INPUT', `The dataset '${dir}' has no samples, so there is nothing to evaluate; import samples into it, or choose another dataset.`, {
      flag: 'dataset',
    });
  }
  return { name: manifest.name, samples: manifest.samples, labeled: isLabeled(manifest) };
}

export async function evalCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseArgs('eval', argv, flags);
  if (flagBool(args, 'help')) {
    io.out(evalHelp);
    return 0;
  }
  if (args.positionals.length === 0) {
    throw new StudioError('BAD_INPUT', "edgebench eval needs at least one model file, e.g. 'edgebench eval model.onnx --dataset resources/datasets/demo-digits'.");
  }
  const datasetDir = flagString(args, 'dataset');
  if (datasetDir === undefined) {
    throw new StudioError('BAD_INPUT', 'edgebench eval needs --dataset DIR, a dataset folder such as resources/datasets/demo-digits.', { flag: 'dataset' });
  }
  const files = modelPathsOf(args.positionals);
  const names = uniqueNames(files);
  const reference = referenceOf(flagString(args, 'reference'), files, names);
  const dataset = await checkDataset(datasetDir);
  const given = givenFromFlags(args);
  const models: EvalModel[] = [];
  const workspace = workspaceFrom(args);
  for (const [i, file] of files.entries()) {
    const info = await inspectModelFiles([file]);
    models.push({ name: names[i] as string, ref: file, path: path.resolve(file), info, savedInputs: await savedInputsForModel(workspace, info) });
  }

  const json = flagBool(args, 'json');
  const showProgress = io.stderrIsTty && !json;
  const outcome = await evaluateModelsThatFit(models, { dir: datasetDir }, {
    spawner: nodeForkSpawner(),
    reference,
    limit: flagNumber(args, 'limit'),
    layout: flagString(args, 'layout') as Layout | undefined,
    batchSize: flagNumber(args, 'batch'),
    given,
    frontEnd: 'cli',
    signal: io.signal,
    onProgress: showProgress
      ? (p) => {
          const fraction = (p.index + (p.total > 0 ? p.completed / p.total : 0)) / models.length;
          io.err(`\r\x1b[2K${progressLine(`${p.model} ${p.phase}`, p.completed, p.total, fraction)}`);
        }
      : undefined,
  });
  if (showProgress) io.err('\r\x1b[2K');

  const results = outcome.evaluated.map((entry) => entry.result);
  const skipped = outcome.skipped.map(({ index, error }) => ({ model: names[index] as string, path: models[index]?.path, reason: error.message }));
  const evaluated = results[0]?.samples ?? 0;
  if (json) {
    const payload = {
      dataset: { dir: path.resolve(datasetDir), name: dataset.name, samples: evaluated, labeled: dataset.labeled },
      reference: reference === null ? null : names[reference],
      // The model first and its path beside it, so the JSON reads in the order a person scans it.
      results: outcome.evaluated.map(({ index, result: { model, ...result } }) => ({ model, path: models[index]?.path, ...result })),
      skipped,
    };
    io.out(JSON.stringify(payload, null, 2));
  } else {
    io.out(formatResults(dataset, evaluated, results, skipped));
  }
  return 0;
}

function percent(value: number | null): string {
  return value === null ? '-' : `${(value * 100).toFixed(1)} %`;
}

function fidelityCells(r: EvalResult): string[] {
  if (r.reference === r.model) return ['reference', '', '', ''];
  if (r.agreement === null) return ['-', '-', '-', '-'];
  // A null SQNR beside a measured agreement means identical outputs: infinite SQNR.
  const sqnr = r.sqnrDb === null ? '∞' : r.sqnrDb.toFixed(1);
  return [percent(r.agreement), (r.cosine ?? 0).toFixed(5), sqnr, (r.maxAbsError ?? 0).toPrecision(3)];
}

function formatResults(dataset: { name: string; samples: number; labeled: boolean }, evaluated: number, results: EvalResult[], skipped: Array<{ model: string; reason: string }>): string {
  // One score per sample picks one class: a top-k column would repeat top-1.
  const topK = results[0]?.topK ?? 5;
  const header = ['model', 'runtime', 'top-1', ...(topK > 1 ? [`top-${topK}`] : []), 'agreement', 'cosine', 'SQNR dB', 'max abs err'];
  const rows = results.map((r) => [r.model, r.runtime, percent(r.top1), ...(topK > 1 ? [percent(r.top5)] : []), ...fidelityCells(r)]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => (row[c] ?? '').length)));
  const line = (cells: string[]): string => cells.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  ').trimEnd();
  const notes = [...new Set(results.flatMap((r) => r.notes.filter((note) => !note.startsWith('This is the reference'))))];
  return [
    `Dataset: ${dataset.name} (${evaluated} of ${dataset.samples} samples${dataset.labeled ? '' : ', unlabeled'})`,
    '',
    line(header),
    ...rows.map(line),
    // Each reason names its model.
    ...(skipped.length > 0 ? ['', ...skipped.map((skip) => `skipped: ${skip.reason}`)] : []),
    ...(notes.length > 0 ? ['', ...notes.map((note) => `note: ${note}`)] : []),
  ].join('\n');
}
