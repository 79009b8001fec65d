import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelInfo } from '../../src/shared/model-info';
import { RunFile } from '../../src/shared/run-schema';
import { demoModelPath, runCli } from '../helpers/run-cli';

let tmp: string;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'edgebench-cli-'));
  const demo = await fs.readFile(demoModelPath);
  await fs.writeFile(path.join(tmp, 'empty.onnx'), '');
  await fs.writeFile(path.join(tmp, 'random.onnx'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251)));
  await fs.writeFile(path.join(tmp, 'truncated.onnx'), demo.subarray(0, Math.floor(demo.length / 2)));
  await fs.writeFile(path.join(tmp, 'notes.txt'), 'hello');
  await fs.mkdir(path.join(tmp, 'a-folder'));
});

afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

/** Every bad input: exit code 2, one clear line on stderr naming the culprit, nothing on stdout, no stack trace. */
const badInputs: Array<{ name: string; args: () => string[]; mentions: string }> = [
  { name: 'missing file', args: () => ['inspect', path.join(tmp, 'nope.onnx')], mentions: 'nope.onnx' },
  { name: 'directory', args: () => ['inspect', path.join(tmp, 'a-folder')], mentions: 'a-folder' },
  { name: 'empty file', args: () => ['inspect', path.join(tmp, 'empty.onnx')], mentions: 'empty.onnx' },
  { name: 'random bytes', args: () => ['inspect', path.join(tmp, 'random.onnx')], mentions: 'random.onnx' },
  { name: 'truncated model', args: () => ['inspect', path.join(tmp, 'truncated.onnx')], mentions: 'truncated.onnx' },
  { name: 'not a model', args: () => ['bench', path.join(tmp, 'notes.txt')], mentions: 'notes.txt' },
  { name: 'truncated model in bench', args: () => ['bench', path.join(tmp, 'truncated.onnx')], mentions: 'truncated.onnx' },
  { name: 'unknown flag', args: () => ['bench', demoModelPath, '--fast'], mentions: '--fast' },
  { name: 'flag of the wrong type', args: () => ['bench', demoModelPath, '--runs', 'many'], mentions: '--runs' },
  { name: 'negative runs', args: () => ['bench', demoModelPath, '--runs=-3'], mentions: '--runs' },
  { name: 'flag without its value', args: () => ['bench', demoModelPath, '--threads'], mentions: '--threads' },
  { name: 'malformed --shape', args: () => ['bench', demoModelPath, '--shape', 'input=1xAx28'], mentions: '--shape' },
  { name: '--shape for an input the model lacks', args: () => ['bench', demoModelPath, '--shape', 'tokens=1x8'], mentions: 'tokens' },
  { name: '--value for an input the model lacks', args: () => ['bench', demoModelPath, '--value', 'rate=16000'], mentions: 'rate' },
  { name: 'unknown command', args: () => ['benchmark', demoModelPath], mentions: 'benchmark' },
  { name: 'bench without a model', args: () => ['bench'], mentions: 'model' },
  { name: 'a runtime that cannot load the format', args: () => ['bench', demoModelPath, '--runtime', 'tfjs'], mentions: 'onnxruntime' },
  { name: 'an unknown runtime', args: () => ['bench', demoModelPath, '--runtime', 'tensorrt'], mentions: '--runtime' },
  { name: 'more repeats than a run file holds', args: () => ['bench', demoModelPath, '--repeats', '101'], mentions: '--repeats' },
  { name: 'more profile runs than a run file holds', args: () => ['bench', demoModelPath, '--profile-runs', '5000'], mentions: '--profile-runs' },
  { name: "another runtime's option (TF.js's backend for an ONNX model)", args: () => ['bench', demoModelPath, '--tfjs-backend', 'wasm'], mentions: '--tfjs-backend' },
  { name: 'a malformed thread list', args: () => ['bench', demoModelPath, '--threads', '1,two'], mentions: '--threads' },
  { name: 'an unknown mode', args: () => ['bench', demoModelPath, '--mode', 'fast'], mentions: '--mode' },
  { name: 'report mode with too few runs', args: () => ['bench', demoModelPath, '--mode', 'report', '--runs', '5'], mentions: 'report' },
  { name: '--max-time below --min-time', args: () => ['bench', demoModelPath, '--min-time', '500', '--max-time', '100'], mentions: '--max-time' },
  { name: 'port out of range', args: () => ['serve', '--port', '70000'], mentions: '--port' },
];

describe('edgebench CLI: bad input', () => {
  it.each(badInputs)('$name → exit 2 with one clear line', async ({ args, mentions }) => {
    const result = await runCli(args());
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(mentions);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});

describe('edgebench CLI: help', () => {
  it.each(['inspect', 'bench', 'serve'])('%s --help explains the command and its flags', async (command) => {
    const result = await runCli([command, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Usage: edgebench ${command}`);
    expect(result.stdout).toContain('--help');
  });

  it('edgebench --help lists every command', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    for (const command of ['inspect', 'bench', 'serve']) expect(result.stdout).toContain(command);
  });
});

describe('edgebench inspect', () => {
  it('--json prints the demo model as ModelInfo, and an array for several files', async () => {
    const one = await runCli(['inspect', demoModelPath, '--json']);
    expect(one.code).toBe(0);
    const info = ModelInfo.parse(JSON.parse(one.stdout));
    expect(info.format).toBe('onnx');
    expect(info.inputs[0]?.shape).toEqual(['batch', 1, 28, 28]);
    expect(info.outputs[0]?.name).toBe('logits');
    expect(info.parameters).toBeGreaterThan(1000);

    const two = await runCli(['inspect', demoModelPath, demoModelPath, '--json']);
    const array = JSON.parse(two.stdout) as unknown[];
    expect(array).toHaveLength(2);
  });
});

describe('edgebench bench', () => {
  it('--json prints a valid run of the demo model and --out writes the same run', async () => {
    const outFile = path.join(tmp, 'run.json');
    const result = await runCli(['bench', demoModelPath, '--runs', '12', '--warmup', '2', '--threads', '1', '--json', '--out', outFile]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const run = RunFile.parse(JSON.parse(result.stdout));
    expect(run.latencyMs.count).toBeGreaterThanOrEqual(12);
    expect(run.latencyMs.samples).toHaveLength(run.latencyMs.count);
    expect(run.runtime).toMatchObject({ name: 'onnxruntime', threads: 1 });
    expect(run.settings).toMatchObject({ runs: 12, warmupRuns: 2 });
    expect(run.memory.peakRssBytes).toBeGreaterThan(10 * 1024 * 1024);
    const written = RunFile.parse(JSON.parse(await fs.readFile(outFile, 'utf8')));
    expect(written.id).toBe(run.id);
  });

  it('a matrix of formats and thread counts prints an array of runs, one per cell, in order', async () => {
    const tflite = path.join(path.dirname(demoModelPath), 'demo-mnist.tflite');
    const tfjs = path.join(path.dirname(demoModelPath), 'demo-mnist-tfjs', 'model.json');
    const result = await runCli(['bench', demoModelPath, tflite, tfjs, '--threads', '1,2', '--runs', '8', '--warmup', '1', '--json'], {
      timeoutMs: 120_000,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const runs = (JSON.parse(result.stdout) as unknown[]).map((run) => RunFile.parse(run));
    expect(runs.map((run) => [run.model.format, run.runtime.name, run.runtime.threads])).toEqual([
      ['onnx', 'onnxruntime', 1],
      ['onnx', 'onnxruntime', 2],
      ['tflite', 'litert', 1],
      ['tflite', 'litert', 2],
      ['tfjs', 'tfjs', 1],
      ['tfjs', 'tfjs', 2],
    ]);
    expect(new Set(runs.map((run) => run.job?.id)).size).toBe(1);
    for (const run of runs) expect(run.runtime.backend).not.toBe('');
  });

  it('the human output marks percentiles that need more samples, and shows the verdict', async () => {
    const result = await runCli(['bench', demoModelPath, '--runs', '20', '--warmup', '1']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/p99 \(too few samples, needs 662\)/);
    expect(result.stdout).toMatch(/STABLE|UNSTABLE/);
  });

  it('a runner that crashes fails the run with its last words, and the CLI exits 1', async () => {
    // EDGEBENCH_RUNNER_CRASH_TEST is a test hook: the runner prints a line to stderr and kills itself with SIGSEGV.
    const result = await runCli(['bench', demoModelPath, '--runs', '5'], { env: { EDGEBENCH_RUNNER_CRASH_TEST: 'segv' } });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/SIGSEGV/);
    expect(result.stderr).toMatch(/last lines/i);
  });
});
