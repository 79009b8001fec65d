/**
 * `edgebench bench` as a user runs it, on a runner whose latencies and faults the test gives:
 * the fake runner (a test stand-in, test/helpers/fake-runner-process.ts), started by the CLI in
 * place of its own through the EDGEBENCH_TEST_RUNNER test hook (src/core/process-entries.ts).
 * What the CLI prints and writes then follows from the script, not from this machine's speed:
 * the statistics and warnings text, report mode's reported median, a partial run of exactly the
 * samples the runner reported before it crashed, and --stall-timeout.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunFile } from '../../src/shared/run-schema';
import { FAKE_RUNNER_COUNTER_ENV, FAKE_RUNNER_ENTRY, FAKE_RUNNER_SCRIPT_ENV, FakeRunnerScript } from '../helpers/fake-runner';
import { demoModelPath, runCli } from '../helpers/run-cli';

const dir = mkdtempSync(path.join(tmpdir(), 'edgebench-fake-cli-'));
const BENCH = ['bench', demoModelPath, '--dim', 'batch=1', '--warmup', '1', '--profile-runs', '0', '--workspace', path.join(dir, 'workspace')];

function benchWith(script: FakeRunnerScript, args: string[], env: Record<string, string> = {}) {
  return runCli([...BENCH, ...args], {
    env: { EDGEBENCH_TEST_RUNNER: FAKE_RUNNER_ENTRY, [FAKE_RUNNER_SCRIPT_ENV]: JSON.stringify(FakeRunnerScript.parse(script)), ...env },
  });
}

/** Run i (from 0) took 1 + i/1 000 000 ms: every sample can be told apart, and 50 runs still make just over 50 ms. */
const NUMBERED = Array.from({ length: 2000 }, (_, i) => 1 + i / 1e6);

describe('edgebench bench on scripted latencies', () => {
  it('prints the statistics of what the runner measured: four 5 ms spikes among 96 steady runs', async () => {
    const steady = [0.99, 1.0, 1.01];
    const latencyMs = [...steady, ...steady, ...steady, ...steady, ...steady, ...steady, ...steady, ...steady, 5];
    const result = await benchWith({ latencyMs }, ['--runs', '100']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('onnxruntime 0.0.0-fake (fake), threads auto');
    expect(result.stdout).toContain('runs 100 after 1 warmup   init 12.50 ms   first inference 0.990 ms');
    expect(result.stdout).toContain('median 1.00 ms (95% CI 1.00 ms to 1.00 ms)   mean 1.16 ms   CV 67.9%');
    expect(result.stdout).toContain('min 0.990 ms   max 5.00 ms');
    expect(result.stdout).toContain('outliers 4 (MAD)');
    expect(result.stdout).toContain('warning: Latency varied a lot between runs: the standard deviation is 68% of the mean');
  });

  it('report mode: five windows of 10 s of fake time, and the median of their medians first', async () => {
    // --repeats 1: the one process measures all five windows, as before repeats existed.
    const result = await benchWith({ latencyMs: [1], windowLatencyMs: [[2.0], [2.2], [50], [1.8], [2.1]] }, ['--mode', 'report', '--repeats', '1', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const run = RunFile.parse(JSON.parse(result.stdout));
    expect(run.report?.windows.map((w) => w.runs)).toEqual([5000, 4546, 200, 5556, 4762]);
    expect(run.report?.medianOfWindowsMs).toBe(2.1);
    const text = await benchWith({ latencyMs: [1], windowLatencyMs: [[2.0], [2.2], [50], [1.8], [2.1]] }, ['--mode', 'report', '--repeats', '1']);
    expect(text.stdout).toContain("reported median 2.10 ms (median of 5 windows' medians: 2.00 ms, 2.20 ms, 50.00 ms, 1.80 ms, 2.10 ms)");
  });

  it('report mode implies 5 repeats: five fresh runner processes of one 10 s window each, their medians, and the between-run line', async () => {
    // The machine runs each process at another speed: 2.0, 2.2, 50, 1.8 and 2.1 ms per run.
    const script = { latencyMs: [1], processSpeeds: [2.0, 2.2, 50, 1.8, 2.1] };
    const counted = (name: string) => ({ [FAKE_RUNNER_COUNTER_ENV]: path.join(dir, `${name}.count`) });
    const result = await benchWith(script, ['--mode', 'report', '--json'], counted('report-json'));
    expect(result.code, result.stderr).toBe(0);
    const run = RunFile.parse(JSON.parse(result.stdout));
    expect(run.settings.repeats).toBe(5);
    expect(run.repeats?.map((r) => r.medianMs)).toEqual([2.0, 2.2, 50, 1.8, 2.1]);
    expect(run.report?.windows.map((w) => w.runs)).toEqual([5000, 4546, 200, 5556, 4762]);
    expect(run.report?.medianOfWindowsMs).toBe(2.1);
    expect(run.betweenRun).toMatchObject({ repeats: 5, medianMs: 2.1, rangeMs: { min: 1.8, max: 50 }, disagree: true });
    expect(run.verdict).toBe('unstable');
    const text = await benchWith(script, ['--mode', 'report'], counted('report-text'));
    expect(text.stdout).toContain("reported median 2.10 ms (median of 5 windows' medians: 2.00 ms, 2.20 ms, 50.00 ms, 1.80 ms, 2.10 ms)");
    expect(text.stdout).toMatch(/between-run median 2\.10 ms over 5 fresh runs \(between-run 95% CI \d+\.\d+ ms to \d+\.\d+ ms\) {3}range 1\.80 ms to 50\.00 ms {3}the runs disagree beyond their own CIs/);
    expect(text.stdout).toContain('warning: between-run variation: the medians of 5 fresh runs range 1.8–50 ms; this machine does not hold a steady speed.');
  });

  it('a runner that crashes after 255 runs: exit 1, its last words, and a partial run of the 250 it reported in --out and on stdout', async () => {
    const outFile = path.join(dir, 'crashed.json');
    const result = await benchWith({ latencyMs: NUMBERED, fault: { kind: 'crash', afterSamples: 255, lastWords: ['fake runtime: SIGSEGV in Conv'] } }, ['--runs', '1000', '--json', '--out', outFile]);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain('The runner process exited with signal SIGSEGV while measuring; its last words: fake runtime: SIGSEGV in Conv. The studio kept 250 samples measured before the runner stopped');
    const printed = RunFile.parse(JSON.parse(result.stdout));
    expect(RunFile.parse(JSON.parse(readFileSync(outFile, 'utf8')))).toEqual(printed);
    expect(printed.status).toBe('partial');
    expect(printed.latencyMs.samples).toEqual(NUMBERED.slice(0, 250));
  });

  it('--stall-timeout 1: a runtime stuck after 120 runs is stopped after 1 s of silence; the 100 runs it reported are kept', async () => {
    const outFile = path.join(dir, 'stalled.json');
    const result = await benchWith({ latencyMs: NUMBERED, fault: { kind: 'hang', afterSamples: 120 } }, ['--runs', '1000', '--stall-timeout', '1', '--json', '--out', outFile]);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain('The runner stopped responding for 1 s while measuring (the runtime may be stuck in an inference); it was stopped.');
    const written = RunFile.parse(JSON.parse(readFileSync(outFile, 'utf8')));
    expect(written.status).toBe('partial');
    expect(written.latencyMs.samples).toEqual(NUMBERED.slice(0, 100));
  });
});
