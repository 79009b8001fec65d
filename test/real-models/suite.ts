/**
 * The one generic test every row of the real-model table runs through (as Netron's test/models.json
 * drives one test over every file): where the file comes from, that the table's facts are those of
 * independent readers, then inspect, each bench case, quantize in each mode, and fit.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBenchCase } from './checks/bench';
import { checkFit, checkFitRefusal } from './checks/fit';
import {
  expectedInspect,
  expectOnnxTableMatchesPython,
  expectOnnxTableMatchesRuntime,
  expectTfjsTableMatchesConverter,
  expectTfliteTableMatchesLiteRt,
  inspectJson,
  observedInspect,
} from './checks/inspect';
import { checkQuantizeMode, type QuantMode } from './checks/quantize';
import { edgebench } from './cli';
import { onnxFactsFromPython, onnxRuntimeMetadata, type OnnxFacts } from './independent/onnx-readers';
import { loadTable, modelPath, sourceLabel, sourceProblems, type BenchCase, type ModelRow, type TableFile } from './table';

const MODES: readonly QuantMode[] = ['dynamic', 'static', 'fp16'];

function caseTitle(benchCase: BenchCase): string {
  const flags = [
    ...Object.entries(benchCase.given.shapes ?? {}).map(([name, shape]) => `--shape ${name}=${shape}`),
    ...Object.entries(benchCase.given.values ?? {}).map(([name, value]) => `--value ${name}=${value}`),
  ];
  const what = Object.keys(benchCase.expect)[0] ?? '';
  return `bench ${flags.length > 0 ? flags.join(' ') : '(no flags)'}: ${what}`;
}

/** Whether the runtime can run the row at all (a row whose bench expects the runtime's refusal cannot). */
function runnable(row: ModelRow): boolean {
  return !row.bench.some((c) => 'runtimeCannotRun' in c.expect);
}

export function describeTable(file: TableFile): void {
  const rows = loadTable(file);
  let tmp = '';
  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), `edgebench-real-${file}-`));
  });
  afterAll(async () => {
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  });

  // python3-onnx reads every ONNX row of the file in one process; a missing script fails the rows that need it.
  const onnxFiles = rows.filter((row) => row.format === 'onnx').map(modelPath);
  let pythonFacts: Promise<OnnxFacts[]> | undefined;
  const factsOf = async (row: ModelRow): Promise<OnnxFacts> => {
    pythonFacts ??= onnxFactsFromPython(onnxFiles);
    const facts = (await pythonFacts)[onnxFiles.indexOf(modelPath(row))];
    if (!facts) throw new Error(`onnx_facts.py gave nothing for ${modelPath(row)}`);
    return facts;
  };

  for (const row of rows) {
    const model = modelPath(row);
    describe.concurrent(`${row.id} (${sourceLabel(row)}, ${row.source.path})`, () => {
      it('comes from the pinned package, installed at the table\'s version', () => {
        expect(sourceProblems(row)).toEqual([]);
      });

      it('the table\'s facts are those of independent readers', async () => {
        if (row.format === 'onnx') {
          expectOnnxTableMatchesRuntime(row, await onnxRuntimeMetadata(model));
          expectOnnxTableMatchesPython(row, await factsOf(row));
        } else if (row.format === 'tflite') {
          const { liteRtDetails } = await import('./independent/tflite-reader');
          expectTfliteTableMatchesLiteRt(row, await liteRtDetails(model));
        } else {
          const { tfjsConverterFacts } = await import('./independent/tfjs-reader');
          expectTfjsTableMatchesConverter(row, await tfjsConverterFacts(model));
        }
      });

      it('inspect reports every fact of the table', async () => {
        const info = await inspectJson(model);
        expect(observedInspect(row, info)).toEqual(expectedInspect(row));
      });

      if (row.format === 'onnx' && row.inspect.macsAt) {
        const { shapes, macs } = row.inspect.macsAt;
        const flags = Object.entries(shapes).flatMap(([name, shape]) => ['--shape', `${name}=${shape}`]);
        it(`inspect ${flags.join(' ')} counts every MAC at those sizes`, async () => {
          expect((await inspectJson(model, flags)).macs).toBe(macs);
        });
      }

      for (const benchCase of row.bench) {
        it(caseTitle(benchCase), async () => {
          await checkBenchCase(row, model, benchCase);
        }, 300_000);
      }

      if (row.format === 'onnx') {
        for (const mode of MODES) {
          const expectation = row.quantize[mode];
          it(`quantize --mode ${mode}: ${'works' in expectation ? 'a working variant' : 'fails, saying why'}`, async () => {
            await checkQuantizeMode(row, model, mode, tmp, runnable(row));
          }, 300_000);
        }
      } else if (row.format === 'tflite') {
        const bound = row.quantize.dynamic.sizeRatioAtMost;
        it(`quantize --mode dynamic: int8 weights, at most ${bound} of the file, inputs as the float model's`, async () => {
          const out = path.join(tmp, `${row.id}.dynamic.tflite`);
          const outcome = await edgebench(['quantize', model, '--mode', 'dynamic', '--out', out, '--json']);
          expect({ code: outcome.code, stderr: outcome.stderr }).toEqual({ code: 0, stderr: '' });
          const summary = JSON.parse(outcome.stdout) as { sizeRatio: number; quantizedOps: unknown[] };
          expect(summary.sizeRatio).toBeLessThanOrEqual(bound);
          expect(summary.quantizedOps.length).toBeGreaterThan(0);
          expect((await inspectJson(out, [])).inputs).toEqual(row.inspect.inputs);
        }, 120_000);
      } else {
        const refusal = row.quantize.refusal;
        it('quantize refuses a model that is not ONNX or TFLite, in one sentence', async () => {
          const outcome = await edgebench(['quantize', model, '--mode', 'dynamic', '--out', path.join(tmp, `${row.id}.onnx`)]);
          expect({ code: outcome.code, stdout: outcome.stdout, stderr: outcome.stderr.trim() }).toEqual({ code: 2, stdout: '', stderr: refusal.replaceAll('{file}', model) });
        });
      }

      if (row.format === 'tflite') {
        it('fit names the limits exceeded per chip and the ops TFLite Micro cannot run', async () => {
          await checkFit(row, model);
        });
      } else {
        const refusal = row.fit.refusal;
        it('fit refuses a model that is not TFLite, in one sentence', async () => {
          await checkFitRefusal(refusal, model);
        });
      }
    });
  }
}
