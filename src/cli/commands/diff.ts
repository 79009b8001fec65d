import { readModelGraphFile } from '../../core/formats/graph/model-graph';
import { inspectModelFiles } from '../../core/formats/inspect';
import { StudioError } from '../../shared/errors';
import { describeChange, diffModels, type ModelDiff, type NodeDiff } from '../../shared/graph/diff';
import { diffRuns, runDiffProblem, type RunDiffRow } from '../../shared/graph/run-diff';
import type { ModelGraph } from '../../shared/model-graph';
import { flagBool, flagString, formatHelp, parseArgs, type FlagSpecs } from '../args';
import type { CommandIo } from '../io';
import { loadOne } from './compare';

const flags: FlagSpecs = {
  runs: { kind: 'boolean', help: 'A and B are run files made with profile runs: diff their per-op latency instead of two models.' },
  'model-a': { kind: 'string', valueName: 'FILE', help: "With --runs: run A's model file, so its nodes meet B's through the model diff (float against int8)." },
  'model-b': { kind: 'string', valueName: 'FILE', help: "With --runs: run B's model file." },
  all: { kind: 'boolean', help: 'List every node (the same ones too; with --runs, every timed node).' },
  json: { kind: 'boolean', help: 'Print the diff as JSON.' },
  help: { kind: 'boolean', help: 'Show this help.' },
};

/** Rows printed without --all: the changes a reader looks at first. */
const TOP_ROWS = 40;

export const diffHelp = formatHelp(
  'edgebench diff MODEL_A MODEL_B [--all] [--json]\n       edgebench diff --runs RUN_A.json RUN_B.json [--model-a FILE --model-b FILE] [--all] [--json]',
  [
    'Diffs two models node by node (float against its int8 variant, two versions of a network): nodes are matched by',
    'name, by the tensor they write, then by op and position; each is same, changed (op, attributes, shapes, dtypes,',
    'precision), added (QuantizeLinear/DequantizeLinear marked as added for quantization) or removed (folded into the',
    'node named). With --runs, diffs two runs per op from their onnxruntime profiles (B minus A, in µs per run).',
    'Exit codes: 0 the diff was printed, 2 bad input (a missing or unreadable file, a run without a profile).',
  ].join('\n'),
  flags,
);

const shapeless = (text: string, width: number): string => (text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width));

function nodeLine(node: NodeDiff, graphB: ModelGraph): string {
  const nameB = (id: string): string => graphB.nodes.find((n) => n.id === id)?.name || id;
  const what =
    node.status === 'added'
      ? node.forQuantization
        ? node.op === 'Cast'
          ? 'added to convert precision'
          : 'added for quantization'
        : 'added'
      : node.status === 'removed'
        ? node.forQuantization
          ? 'removed (it only quantized for its neighbours)'
          : node.foldedInto
          ? `${node.foldKind === 'weight' ? 'weight now int8 for' : 'folded into'} ${nameB(node.foldedInto)}`
          : 'removed'
        : node.changes.map(describeChange).join(', ') || 'same';
  return `${node.status.padEnd(8)} ${shapeless(node.name, 40)} ${shapeless(node.op, 20)} ${what}`;
}

function modelSummaryLines(diff: ModelDiff): string[] {
  const s = diff.summary;
  const signed = (n: number): string => (n > 0 ? `+${n}` : String(n));
  return [
    `nodes ${s.nodesA} → ${s.nodesB}: ${s.same} same, ${s.changed} changed (${s.precisionChanged} in precision), ${s.added} added (${s.addedForQuantization} for quantization), ${s.removed} removed (${s.folded} folded, ${s.removedForQuantization} for quantization)`,
    ...(s.parametersDelta === null ? [] : [`parameters ${signed(s.parametersDelta)}`]),
    ...(s.sizeDeltaBytes === null ? [] : [`size ${signed(s.sizeDeltaBytes)} bytes`]),
  ];
}

async function modelDiffCommand(fileA: string, fileB: string, all: boolean, json: boolean, io: CommandIo): Promise<number> {
  const [graphA, graphB, infoA, infoB] = await Promise.all([readModelGraphFile(fileA), readModelGraphFile(fileB), inspectModelFiles([fileA]), inspectModelFiles([fileB])]);
  const diff = diffModels({ graph: graphA, parameters: infoA.parameters, sizeBytes: infoA.sizeBytes }, { graph: graphB, parameters: infoB.parameters, sizeBytes: infoB.sizeBytes });
  if (json) {
    io.out(JSON.stringify({ a: fileA, b: fileB, summary: diff.summary, nodes: all ? diff.nodes : diff.nodes.filter((n) => n.status !== 'same') }, null, 2));
    return 0;
  }
  const shown = all ? diff.nodes : diff.nodes.filter((n) => n.status !== 'same');
  io.out(
    [
      `A ${fileA}`,
      `B ${fileB}`,
      ...modelSummaryLines(diff),
      '',
      `${'status'.padEnd(8)} ${'node'.padEnd(40)} ${'op'.padEnd(20)} what changed`,
      ...shown.map((n) => nodeLine(n, graphB)),
    ].join('\n'),
  );
  return 0;
}

const us = (value: number | null): string => (value === null ? '—' : value.toFixed(1));

function runLine(row: RunDiffRow): string {
  const delta = row.deltaUs === null ? (row.aUs === null ? 'only in B' : 'only in A') : `${row.deltaUs >= 0 ? '+' : ''}${row.deltaUs.toFixed(1)}`;
  const relative = row.relative === null ? '' : `${row.relative >= 0 ? '+' : ''}${(row.relative * 100).toFixed(0)}%`;
  return `${shapeless(row.name, 40)} ${shapeless(row.op, 16)} ${us(row.aUs).padStart(10)} ${us(row.bUs).padStart(10)} ${delta.padStart(10)} ${relative.padStart(7)}`;
}

async function runDiffCommand(fileA: string, fileB: string, modelA: string | undefined, modelB: string | undefined, all: boolean, json: boolean, io: CommandIo): Promise<number> {
  if ((modelA === undefined) !== (modelB === undefined)) throw new StudioError('BAD_INPUT', 'Give both --model-a and --model-b, or neither (the runs are then matched by node name).');
  const a = (await loadOne(fileA, 'A')).run;
  const b = (await loadOne(fileB, 'B')).run;
  const problem = runDiffProblem(a, b);
  if (problem) throw new StudioError('BAD_INPUT', problem);
  const graphA = modelA === undefined ? null : await readModelGraphFile(modelA);
  const graphB = modelB === undefined ? null : await readModelGraphFile(modelB);
  const modelDiff = graphA && graphB && a.model.sha256 !== b.model.sha256 ? diffModels({ graph: graphA, parameters: null, sizeBytes: null }, { graph: graphB, parameters: null, sizeBytes: null }) : null;
  const diff = diffRuns({ run: a, graph: graphA }, { run: b, graph: graphB }, modelDiff);
  const rows = [...diff.rows].sort((x, y) => Math.abs(y.deltaUs ?? 0) - Math.abs(x.deltaUs ?? 0));
  if (json) {
    io.out(JSON.stringify({ a: { id: a.id, file: fileA }, b: { id: b.id, file: fileB }, ...diff, rows }, null, 2));
    return 0;
  }
  const shown = all ? rows : rows.slice(0, TOP_ROWS);
  io.out(
    [
      `A ${fileA} (median ${diff.medianMs.a.toFixed(3)} ms)`,
      `B ${fileB} (median ${diff.medianMs.b.toFixed(3)} ms)`,
      `${diff.rows.length - diff.onlyInA - diff.onlyInB} nodes timed in both, ${diff.onlyInA} only in A, ${diff.onlyInB} only in B; matched ${diff.throughModelDiff ? 'through the model diff' : 'by node name'}`,
      '',
      `${'node'.padEnd(40)} ${'op'.padEnd(16)} ${'A µs'.padStart(10)} ${'B µs'.padStart(10)} ${'delta µs'.padStart(10)} ${'rel'.padStart(7)}`,
      ...shown.map(runLine),
      ...(shown.length < rows.length ? [`(${rows.length - shown.length} more; --all lists them)`] : []),
      '',
      'per op type:',
      ...diff.byOp.map((g) => `${shapeless(g.op, 40)} ${`${g.nodesA}/${g.nodesB}`.padEnd(16)} ${us(g.aUs).padStart(10)} ${us(g.bUs).padStart(10)} ${`${g.deltaUs >= 0 ? '+' : ''}${g.deltaUs.toFixed(1)}`.padStart(10)}`),
    ].join('\n'),
  );
  return 0;
}

export async function diffCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseArgs('diff', argv, flags);
  if (flagBool(args, 'help')) {
    io.out(diffHelp);
    return 0;
  }
  const runs = flagBool(args, 'runs');
  if (args.positionals.length !== 2) {
    throw new StudioError('BAD_INPUT', `edgebench diff takes two ${runs ? 'run files' : 'model files'}, A and B; got ${args.positionals.length}.`);
  }
  const [fileA, fileB] = args.positionals as [string, string];
  const all = flagBool(args, 'all');
  const json = flagBool(args, 'json');
  if (runs) return runDiffCommand(fileA, fileB, flagString(args, 'model-a'), flagString(args, 'model-b'), all, json, io);
  if (flagString(args, 'model-a') !== undefined || flagString(args, 'model-b') !== undefined) throw new StudioError('BAD_INPUT', '--model-a and --model-b go with --runs; to diff two models, give the two model files.');
  return modelDiffCommand(fileA, fileB, all, json, io);
}
