/**
 * Reports of runs whose input sizes were guessed, or came from the sizes saved with the model:
 * the verdict says why the run is unstable, the settings table marks each guessed dim and says
 * where the sizes came from, and the reproduce command repeats the sizes without the workspace.
 */
import { describe, expect, it } from 'vitest';
import { buildReportContext } from '../../../src/core/reports/report-context';
import { reproduceCommand } from '../../../src/core/reports/reproduce-command';
import { exportReport } from '../../../src/core/reports/write-report';
import { RunFile } from '../../../src/shared/run-schema';
import { FIXTURES, readRun } from './run-fixtures';

const base = readRun(FIXTURES.onnx);

/** The demo run as it would be with its batch guessed (every old fixture loads with guessedDims []). */
const guessed: RunFile = RunFile.parse({
  ...base,
  verdict: 'unstable',
  inputs: [{ name: 'input', dtype: 'float32', shape: [1, 1, 28, 28], fill: 'random', declaredShape: ['batch', 1, 28, 28], guessedDims: [{ index: 0, name: 'batch', value: 1 }] }],
  warnings: [{ code: 'guessed-inputs', message: "Input sizes were guessed, not given: dim 'batch' = 1 (in 'input')." }, ...base.warnings],
});

const saved: RunFile = RunFile.parse({
  ...base,
  settings: { ...base.settings, shapes: { input: [4, 1, 28, 28] }, dims: {} },
  inputs: [{ name: 'input', dtype: 'float32', shape: [4, 1, 28, 28], fill: 'random', declaredShape: ['batch', 1, 28, 28] }],
  savedInputs: { shapes: { input: [4, 1, 28, 28] }, dims: {}, values: {}, fromModelId: '198f86e6773cf3c1' },
});

async function markdown(runs: RunFile[]): Promise<string> {
  const report = buildReportContext({ runs: runs.map((run, i) => ({ run, path: `run-${i}.json` })), skipped: [], generatedAt: new Date('2026-01-02T03:04:05Z') });
  const files = await exportReport('md', report);
  return String(files[0]?.data);
}

describe('reports of guessed and saved input sizes', () => {
  it('older run files load with no guessed dims, and their reports do not change wording', async () => {
    expect(base.inputs.every((input) => input.guessedDims === undefined && input.rankGuessed === undefined)).toBe(true);
    expect(await markdown([base])).not.toContain('guessed');
  });

  it("the verdict of a guessed run says the sizes were guessed; the settings mark the dim '?='", async () => {
    const md = await markdown([guessed]);
    expect(md).toContain("UNSTABLE: input sizes were guessed (dim 'batch' = 1 (in 'input')), so its numbers in this report are for inputs nobody chose.");
    expect(md).toContain('input ?=1x1x28x28; ? = guessed size');
  });

  it('a run on saved sizes says so in its settings, and its reproduce command carries the sizes', async () => {
    const md = await markdown([saved]);
    expect(md).toContain('input 4x1x28x28; saved with the model: --shape input=4x1x28x28');
    expect(reproduceCommand(saved)).toMatch(/ --shape input=4x1x28x28$/);
    const dims = RunFile.parse({ ...base, settings: { ...base.settings, dims: { batch: 2 } } });
    expect(reproduceCommand(dims)).toMatch(/ --dim batch=2$/);
  });
});
