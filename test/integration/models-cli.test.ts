/** `edgebench models`: link the demo's three formats from the command line, suggest, check, list, unlink, and bad input. */
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/run-cli';

const ONNX = path.join(repoRoot, 'resources/models/demo-mnist.onnx');
const TFLITE = path.join(repoRoot, 'resources/models/demo-mnist.tflite');
const TFJS = path.join(repoRoot, 'resources/models/demo-mnist-tfjs/model.json');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'edgebench-models-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('edgebench models', () => {
  it('links three files of one network, lists it, checks it on seeded inputs, suggests nothing more, and unlinks', async () => {
    const linked = await runCli(['models', 'link', ONNX, TFLITE, TFJS, '--workspace', dir]);
    expect(linked.stderr).toContain('Imported');
    expect(linked.code).toBe(0);
    expect(linked.stdout).toMatch(/Linked as the network 'demo-mnist' \(net-[0-9a-z-]+\):/);
    expect(linked.stdout).toMatch(/TFLite demo-mnist \([0-9a-f]{16}\), runs in LiteRT/);
    const stored = JSON.parse(readFileSync(path.join(dir, 'networks.json'), 'utf8'));
    expect(stored.networks[0].modelIds).toHaveLength(3);

    const listed = await runCli(['models', 'list', '--workspace', dir, '--json']);
    expect(JSON.parse(listed.stdout).networks[0].members.map((m: { format: string }) => m.format)).toEqual(['onnx', 'tflite', 'tfjs']);

    const check = await runCli(['models', 'check', 'demo-mnist', '--workspace', dir], { timeoutMs: 120_000 });
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('Formats on the same 16 seeded inputs: they agree');
    expect(check.stdout).toMatch(/TFLite in LiteRT \(demo-mnist\): cosine (1\.000000|0\.99999\d), top-1 agreement 100\.0 %/);
    // The TF.js model.json is named after its folder (shared/model-naming.ts), not 'model'.
    expect(check.stdout).toMatch(/TF\.js in TensorFlow\.js \(demo-mnist-tfjs\): cosine (1\.000000|0\.99999\d), top-1 agreement 100\.0 %/);

    expect((await runCli(['models', 'suggest', '--workspace', dir])).stdout).toContain('No models look like one network');

    // The demo digits, copied in as the studio seeds them: every format evaluated, stored, and compared with the ONNX one.
    cpSync(path.join(repoRoot, 'resources/datasets/demo-digits'), path.join(dir, 'datasets/demo-digits'), { recursive: true });
    const evaluated = await runCli(['models', 'eval', 'demo-mnist', '--dataset', 'demo-digits', '--limit', '100', '--workspace', dir], { timeoutMs: 120_000 });
    expect(evaluated.code).toBe(0);
    expect(evaluated.stdout).toContain('Formats on the same 100 samples of demo-digits: they agree');
    expect(evaluated.stdout).toMatch(/ONNX in onnxruntime \(demo-mnist\): top-1 \d+\.\d\d %, the reference/);
    expect(evaluated.stdout).toMatch(/TFLite in LiteRT \(demo-mnist\): top-1 \d+\.\d\d %, cosine/);
    expect(readdirSync(path.join(dir, 'evals'))).toHaveLength(3);

    const unlinked = await runCli(['models', 'unlink', TFJS, '--workspace', dir]);
    expect(unlinked.code).toBe(0);
    expect(unlinked.stdout).toContain("The network 'demo-mnist' keeps:");
    const suggested = await runCli(['models', 'suggest', '--workspace', dir]);
    expect(suggested.stdout).toMatch(/Add to the network 'demo-mnist'/);
    expect(suggested.stdout).toContain('NCHW against NHWC');
  }, 180_000);

  it('refuses bad input in one sentence with exit 2', async () => {
    const none = await runCli(['models', 'link', ONNX, '--workspace', dir]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('edgebench models link takes two or more models of one network');
    const twice = await runCli(['models', 'link', ONNX, ONNX, '--workspace', mkdtempSync(path.join(os.tmpdir(), 'edgebench-models-cli-twice-'))]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('at least two models of different formats');
    const unknown = await runCli(['models', 'frobnicate', '--workspace', dir]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('edgebench models needs list, link, unlink, suggest, check or eval');
    expect(unknown.stderr).not.toMatch(/\bat \S+:\d+/);
  });
});
