/**
 * `edgebench report` and `edgebench compare` as a user or a CI job runs them: the real CLI in a
 * child process, real run files made by `edgebench bench`, exit codes and files checked.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { reproduceArgs } from '../../src/core/reports/reproduce-command';
import { RunFile } from '../../src/shared/run-schema';
import { repoRoot, runCli } from '../helpers/run-cli';
import { csvRecords } from '../unit/reports/csv-parse';
import { FIXTURES, readRun, scaledRun, tempDir, withBetweenRun, writeJson } from '../unit/reports/run-fixtures';

describe('edgebench compare', () => {
  // Issue 12 changed these two: runs without repeats have no between-run CI, so the gate cannot
  // decide (exit 3) unless --allow-single-run asks for the median-only gate they used to get.
  it('exits 0 on the same run with --allow-single-run, and prints the comparison', async () => {
    const result = await runCli(['compare', FIXTURES.onnx700, FIXTURES.onnx700, '--allow-single-run']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/median\s+\S+ ms\s+\S+ ms\s+1\.00×\s+\+0\.0%/);
    expect(result.stdout).toMatch(/p99\s+\S+ ms/);
    expect(result.stdout).toContain('OK:');
    expect(result.stdout).toContain('between-run CI: baseline none (1 process), current none (1 process)');
  });

  it('exits 1 on a copy whose samples are 1.2× slower, and 0 when 25% is allowed (--allow-single-run)', async () => {
    const dir = await tempDir();
    const slower = await writeJson(dir, 'slower.json', scaledRun(readRun(FIXTURES.onnx700), 1.2));
    const regressed = await runCli(['compare', FIXTURES.onnx700, slower, '--allow-single-run']);
    expect(regressed.code).toBe(1);
    expect(regressed.stdout).toContain('REGRESSION: the median is 20.0% slower than the baseline, more than the allowed 5% (medians alone');
    expect(regressed.stdout).toMatch(/median\s+\S+ ms\s+\S+ ms\s+1\.20×\s+\+20\.0%/);
    expect((await runCli(['compare', FIXTURES.onnx700, slower, '--max-regression', '25', '--allow-single-run'])).code).toBe(0);
    // Faster is never a regression.
    expect((await runCli(['compare', slower, FIXTURES.onnx700, '--allow-single-run'])).code).toBe(0);
  });

  it('cannot decide (exit 3) on runs without repeats, and says to rerun with --repeats 5', async () => {
    const result = await runCli(['compare', FIXTURES.onnx700, FIXTURES.onnx700]);
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('CANNOT DECIDE: the median is 0.0% faster than the baseline (speedup 1.00×), but neither run has a between-run CI');
    expect(result.stdout).toContain('rerun with --repeats 5');
    expect(result.stdout).toContain('--allow-single-run');
  });

  it('gates on the between-run CIs: 0 within the allowance, 1 beyond it with the CIs apart, 3 when they overlap', async () => {
    const dir = await tempDir();
    const run = readRun(FIXTURES.onnx700);
    const file = (name: string, medians: number[], ci: { low: number; high: number }): Promise<string> => writeJson(dir, `${name}.json`, withBetweenRun(run, medians, ci, name));
    const base = await file('base', [0.1, 0.097, 0.102, 0.099, 0.103], { low: 0.097, high: 0.103 });
    const same = await file('same', [0.101, 0.098, 0.1, 0.102, 0.099], { low: 0.098, high: 0.102 });
    const slower = await file('slower', [0.12, 0.118, 0.122, 0.121, 0.119], { low: 0.118, high: 0.122 });
    const noisy = await file('noisy', [0.12, 0.099, 0.122, 0.121, 0.11], { low: 0.099, high: 0.122 });
    const cases: Array<[string, number, string]> = [
      [same, 0, 'OK: the median is 0.0% faster'],
      [slower, 1, 'REGRESSION: the median is 20.0% slower than the baseline, more than the allowed 5%, and the between-run CIs are apart'],
      [noisy, 3, 'CANNOT DECIDE: the median is 20.0% slower than the baseline, more than the allowed 5%, but the between-run CIs overlap'],
    ];
    for (const [current, code, text] of cases) {
      const result = await runCli(['compare', base, current, '--max-regression', '5']);
      expect(result.code, result.stdout + result.stderr).toBe(code);
      expect(result.stdout).toContain(text);
      expect(result.stdout).toContain('between-run CI: baseline 0.0970 ms–0.103 ms (5 repeats)');
    }
    const json = JSON.parse((await runCli(['compare', base, noisy, '--json'])).stdout) as { gate: { outcome: string; exitCode: number } };
    expect(json.gate).toMatchObject({ outcome: 'undecided', exitCode: 3 });
  });

  it('lists the environment facts that differ between the two runs', async () => {
    const dir = await tempDir();
    const run = readRun(FIXTURES.onnx700);
    const base = await writeJson(dir, 'base.json', { ...run, environment: { ...run.environment, governor: 'performance' } });
    const current = await writeJson(dir, 'current.json', { ...run, environment: { ...run.environment, governor: 'powersave' } });
    const result = await runCli(['compare', base, current, '--allow-single-run']);
    expect(result.stdout).toMatch(/environment differences \(likeliest cause first\):\n {2}CPU governor +performance {2}→ {2}powersave/);
    const json = JSON.parse((await runCli(['compare', base, current, '--json'])).stdout) as { environmentDifferences: Array<{ fact: string; sentence: string }> };
    expect(json.environmentDifferences.map((d) => d.fact)).toEqual(['governor']);
    expect(json.environmentDifferences[0]?.sentence).toContain('performance in the baseline, powersave in the current run');
  });

  it('prints JSON for scripts with --json', async () => {
    const result = await runCli(['compare', FIXTURES.onnx, FIXTURES.onnx700, '--json']);
    const parsed = JSON.parse(result.stdout) as { regressed: boolean; median: { ratio: number }; metrics: Array<{ metric: string; supported: boolean }> };
    expect(parsed.median.ratio).toBeCloseTo(readRun(FIXTURES.onnx700).latencyMs.median / readRun(FIXTURES.onnx).latencyMs.median, 12);
    expect(parsed.metrics.find((m) => m.metric === 'p99')?.supported).toBe(false);
  });

  it('exits 2 on bad input, saying what is wrong', async () => {
    const dir = await tempDir();
    const damaged = path.join(dir, 'damaged.json');
    await writeFile(damaged, '{"schema": "edgebench.run/1", "id": ');
    const future = await writeJson(dir, 'future.json', { ...readRun(FIXTURES.onnx), schema: 'edgebench.run/7' });
    const cases: Array<[string[], RegExp]> = [
      [['compare', FIXTURES.onnx, path.join(dir, 'missing.json')], /missing\.json' does not exist/],
      [['compare', FIXTURES.onnx, damaged], /damaged\.json cannot be used: It is not valid JSON/],
      [['compare', future, FIXTURES.onnx], /'edgebench\.run\/7'/],
      [['compare', FIXTURES.onnx, FIXTURES.onnx, '--max-regression', 'abc'], /--max-regression expects a number/],
      [['compare', FIXTURES.onnx, FIXTURES.onnx, '--max-regression', '-5'], /--max-regression expects a number of at least 0/],
      [['compare', FIXTURES.onnx], /takes two run files/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
    }
  });
});

describe('edgebench report', () => {
  it('writes runs.csv and runs-samples.csv that read back to the same numbers', async () => {
    const dir = await tempDir();
    const out = path.join(dir, 'runs.csv');
    const result = await runCli(['report', FIXTURES.onnx, FIXTURES.tflite, '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`Wrote ${path.join(dir, 'runs-samples.csv')}`);
    const runs = csvRecords(readFileSync(out, 'utf8'));
    expect(runs.map((r) => Number(r.median_ms))).toEqual([readRun(FIXTURES.onnx).latencyMs.median, readRun(FIXTURES.tflite).latencyMs.median]);
    const samples = csvRecords(readFileSync(path.join(dir, 'runs-samples.csv'), 'utf8'));
    expect(samples.filter((r) => r.run_id === readRun(FIXTURES.onnx).id).map((r) => Number(r.latency_ms))).toEqual(readRun(FIXTURES.onnx).latencyMs.samples);
  });

  it('skips a damaged file, names it on stderr and in the report, and reports the rest', async () => {
    const dir = await tempDir();
    const damaged = path.join(dir, 'damaged.json');
    await writeFile(damaged, 'not json at all');
    const out = path.join(dir, 'report.md');
    const result = await runCli(['report', FIXTURES.onnx, damaged, FIXTURES.tflite, '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`skipped ${damaged}: It is not valid JSON`);
    expect(result.stderr).toContain('2 runs reported; 1 skipped');
    const md = readFileSync(out, 'utf8');
    expect(md).toContain(`Skipped ${damaged.replace(/_/g, '\\_')}: It is not valid JSON`);
  });

  it('refuses a run of another schema version with exit 2, naming the version', async () => {
    const dir = await tempDir();
    const future = await writeJson(dir, 'future.json', { ...readRun(FIXTURES.onnx), schema: 'edgebench.run/2' });
    const result = await runCli(['report', FIXTURES.onnx, future, '--format', 'md']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("has schema version 'edgebench.run/2'");
  });

  it('prints Markdown to stdout, compared with the baseline given by id prefix or by file', async () => {
    const t1 = readRun(FIXTURES.onnx700);
    const byId = await runCli(['report', FIXTURES.onnx, FIXTURES.onnx700, '--format', 'md', '--baseline', t1.id.slice(0, 22)]);
    expect(byId.code).toBe(0);
    expect(byId.stdout).toContain('Baseline for comparisons: #2 demo-mnist · onnxruntime · 1 thread (chosen).');
    const byFile = await runCli(['report', FIXTURES.onnx, '--format', 'md', '--baseline', FIXTURES.onnx700]);
    expect(byFile.stdout).toContain('Baseline for comparisons: #1 demo-mnist · onnxruntime · 1 thread (chosen).');
    const unknown = await runCli(['report', FIXTURES.onnx, '--format', 'md', '--baseline', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("No run has the id 'nope'");
  });

  it('writes the JSON array and a Netron attachment', async () => {
    const dir = await tempDir();
    const json = path.join(dir, 'runs.json');
    expect((await runCli(['report', FIXTURES.onnx, FIXTURES.tflite, '--out', json])).code).toBe(0);
    const runs = JSON.parse(readFileSync(json, 'utf8')) as unknown[];
    expect(runs.map((run) => RunFile.parse(run).id)).toEqual([readRun(FIXTURES.onnx).id, readRun(FIXTURES.tflite).id]);

    const netron = path.join(dir, 'demo-mnist.attachment.json');
    expect((await runCli(['report', FIXTURES.onnxNoOpt, '--format', 'netron', '--out', netron])).code).toBe(0);
    expect(JSON.parse(readFileSync(netron, 'utf8')).signature).toBe('netron:attachment');
    const none = await runCli(['report', FIXTURES.tflite, '--format', 'netron', '--out', path.join(dir, 'x.json')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--profile-runs');
  });

  it('explains the formats and the two CSV files in --help, and asks for --out where stdout will not do', async () => {
    const help = await runCli(['report', '--help']);
    expect(help.stdout).toContain('-samples.csv');
    expect(help.stdout).toMatch(/netron\s+per-node profile times/);
    const noOut = await runCli(['report', FIXTURES.onnx, '--format', 'csv']);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toContain('give --out FILE');
  });

  it("gives a command line that repeats the run with the same settings", async () => {
    const recorded = readRun(FIXTURES.onnx700);
    const args = reproduceArgs(recorded);
    // The command names the model as bench was given it; run it from the model's folder.
    args[1] = path.join(repoRoot, 'resources/models', args[1] as string);
    const result = await runCli([...args, '--json'], { timeoutMs: 120_000 });
    expect(result.code, result.stderr).toBe(0);
    const repeated = RunFile.parse(JSON.parse(result.stdout));
    expect(repeated.settings).toEqual(recorded.settings);
    expect(repeated.runtime.name).toBe(recorded.runtime.name);
    expect(repeated.model.sha256).toBe(recorded.model.sha256);
    expect(existsSync(args[1] as string)).toBe(true);
  });
});
