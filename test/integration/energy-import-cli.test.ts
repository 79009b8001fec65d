/**
 * `edgebench energy import`: an EnergyRunner session RECORDED on a NUCLEO-L4R5ZI behind an LPM01A
 * (mlcommons/tiny_results_v1.0, test/fixtures/power) imported into the serial MLPerf Tiny run file
 * the fixtures hold; the run file written back loads, carries the energy with its method, rail and
 * sample rate, and the CLI prints it. Bad input: one sentence, exit 2.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunFile } from '../../src/shared/run-schema';
import { runCli } from '../helpers/run-cli';

const fixtures = path.join(__dirname, '../fixtures');
const dir = mkdtempSync(path.join(tmpdir(), 'edgebench-energy-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const session = path.join(dir, '20220929192730');
mkdirSync(session);
for (const [from, to] of [
  ['energyrunner-l4r5zi-kws01-log.txt', 'log.txt'],
  ['energyrunner-l4r5zi-kws01-results.txt', 'results.txt'],
  ['energyrunner-l4r5zi-kws01-trace1-energy.bin', 'trace1-energy.bin'],
  ['energyrunner-l4r5zi-kws01-trace1-timestamps.json', 'trace1-timestamps.json'],
] as const) {
  copyFileSync(path.join(fixtures, 'power', from), path.join(session, to));
}

describe('edgebench energy import', () => {
  it("writes the session's energy into the run and prints it with its method, rail and sample rate", async () => {
    const runFile = path.join(dir, 'run.json');
    copyFileSync(path.join(fixtures, 'runs/serial-mlperf-tiny.json'), runFile);
    const result = await runCli(['energy', 'import', runFile, session], { timeoutMs: 60_000 });
    expect(result.stderr.split('\n').filter((line) => line !== '' && !line.startsWith('npm warn'))).toEqual([]);
    expect(result.code).toBe(0);
    const run = RunFile.parse(JSON.parse(readFileSync(runFile, 'utf8')));
    expect(run.energy).toMatchObject({ source: 'mlperf-tiny-energy', method: 'counter', intervalMs: 1, baseline: 'none', inferences: 400 });
    expect(Math.abs((run.energy?.perInferenceJ ?? 0) * 1e6 - 7950.51) / 7950.51).toBeLessThan(5e-4);
    expect(result.stdout).toMatch(/^ {2}energy per inference 7\.9\d mJ {3}MLPerf Tiny EnergyRunner: its trace integrated here per window \(the DUT's supply, measured by the LPM01A at 1800 mV\), sampled at 1\.00 kHz, median of 5 windows, imported from EnergyRunner 3\.0\.10 session 20220929192730 model kws01 \(log, results, trace, timestamps\)$/m);
    expect(result.stdout).toContain(`written to ${runFile}`);
  }, 60_000);

  it('refuses a folder that is no session, and a file that is no results.txt, in one sentence with exit 2', async () => {
    const runFile = path.join(dir, 'run2.json');
    copyFileSync(path.join(fixtures, 'runs/serial-mlperf-tiny.json'), runFile);
    const empty = path.join(dir, 'empty');
    mkdirSync(empty);
    const notSession = await runCli(['energy', 'import', runFile, empty], { timeoutMs: 60_000 });
    expect(notSession.code).toBe(2);
    expect(notSession.stderr).toContain(`The folder '${empty}' has neither results.txt nor trace1-energy.bin: give an EnergyRunner ML Energy session's folder.`);
    const wrong = await runCli(['energy', 'import', runFile, path.join(fixtures, 'power/tegrastats-nano.txt')], { timeoutMs: 60_000 });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/This is not an EnergyRunner energy results file/);
    // The run file is left as it was.
    expect(RunFile.parse(JSON.parse(readFileSync(runFile, 'utf8'))).energy).toBeUndefined();
  }, 60_000);
});
