/**
 * `edgebench diff` as a user runs it: openWakeWord's hello_deepa (third-party) against the int8
 * static variant the studio's quantizer makes of it; two profiled runs of the demo model; bad input.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLocalBenchmark } from '../../src/core/bench/run-local-benchmark';
import { quantizeOnnx } from '../../src/core/quantize';
import { nodeForkSpawner } from '../../src/core/runner/runner-client';
import { runCli } from '../helpers/run-cli';
import { modelBytes, REAL_ONNX_MODELS, type RealOnnxModel } from '../unit/quantize/real-onnx-models';
import { completedRun, DEMO_ONNX_PATH, jobFor } from '../unit/runner/bench-helpers';

const model = REAL_ONNX_MODELS.find((m) => m.name === 'openwakeword hello_deepa') as RealOnnxModel;
let dir: string;
let floatPath: string;
let int8Path: string;
const runFiles: Record<'profiled' | 'profiled2' | 'plain', string> = { profiled: '', profiled2: '', plain: '' };

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'edgebench-diff-cli-'));
  const float = modelBytes(model);
  floatPath = path.join(dir, 'hello_deepa.onnx');
  int8Path = path.join(dir, 'hello_deepa-int8.onnx');
  writeFileSync(floatPath, float);
  writeFileSync(int8Path, (await quantizeOnnx(float, { mode: 'static', perChannel: true }, { inputs: [1, 2, 3, 4].map((i) => model.feed(i)) })).bytes);
  for (const [key, profileRuns] of [['profiled', 5], ['profiled2', 5], ['plain', 0]] as const) {
    const run = await completedRun(runLocalBenchmark(jobFor(DEMO_ONNX_PATH, null, { runs: 10, profileRuns, dims: { batch: 1 } }), { spawner: nodeForkSpawner() }));
    runFiles[key] = path.join(dir, `${key}.json`);
    writeFileSync(runFiles[key], JSON.stringify(run));
  }
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('edgebench diff MODEL_A MODEL_B', () => {
  it('--json: every float node accounted for, the QDQ nodes added for quantization, the size delta', async () => {
    const result = await runCli(['diff', floatPath, int8Path, '--json', '--all']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as { summary: Record<string, number>; nodes: Array<{ status: string; op: string; forQuantization: boolean; a: string | null }> };
    expect(out.summary.addedForQuantization).toBeGreaterThan(0);
    expect(out.summary.added).toBe(out.summary.addedForQuantization);
    expect(out.summary.sizeDeltaBytes).toBeLessThan(0);
    expect(out.nodes.filter((n) => n.a !== null)).toHaveLength(out.summary.nodesA as number);
    expect(out.nodes.filter((n) => n.status === 'added').every((n) => n.forQuantization && /QuantizeLinear|DequantizeLinear/.test(n.op))).toBe(true);
  });

  it('prints the summary and the changed nodes as text', async () => {
    const result = await runCli(['diff', floatPath, int8Path]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^nodes \d+ → \d+: \d+ same, \d+ changed \(\d+ in precision\), \d+ added \(\d+ for quantization\)/m);
    expect(result.stdout).toMatch(/^changed +\/layer1\/Gemm +Gemm +.*precision float → int8/m);
    expect(result.stdout).not.toMatch(/^same /m);
  });

  it('refuses a missing model file and a wrong number of files with exit 2 and one sentence', async () => {
    const missing = await runCli(['diff', floatPath, path.join(dir, 'nope.onnx')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('nope.onnx');
    expect(missing.stderr).not.toMatch(/\bat .+:\d+:\d+/);
    const one = await runCli(['diff', floatPath]);
    expect(one.code).toBe(2);
    expect(one.stderr).toContain('edgebench diff takes two model files, A and B; got 1.');
  });
});

describe('edgebench diff --runs', () => {
  it('diffs two profiled runs per op, by node name', async () => {
    const result = await runCli(['diff', '--runs', runFiles.profiled, runFiles.profiled2, '--json']);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as { rows: Array<{ aUs: number | null; bUs: number | null; deltaUs: number | null }>; throughModelDiff: boolean };
    expect(out.throughModelDiff).toBe(false);
    expect(out.rows.length).toBeGreaterThan(0);
    for (const row of out.rows.filter((r) => r.deltaUs !== null)) expect(row.deltaUs).toBeCloseTo((row.bUs as number) - (row.aUs as number), 6);
    // Without the model, rows carry the runtime's own kernel names (a Conv fused with its Relu in NCHWc layout)...
    const bare = await runCli(['diff', '--runs', runFiles.profiled, runFiles.profiled2]);
    expect(bare.stdout).toContain('per op type:');
    expect(bare.stdout).toMatch(/^relu1_out_nchwc +Conv +\d/m);
    // ...with it, the model's own node names.
    const named = await runCli(['diff', '--runs', runFiles.profiled, runFiles.profiled2, '--model-a', DEMO_ONNX_PATH, '--model-b', DEMO_ONNX_PATH]);
    expect(named.code).toBe(0);
    expect(named.stdout).toMatch(/^conv1 +Conv +\d/m);
    expect(named.stdout).not.toContain('relu1_out_nchwc');
  });

  it('refuses a run without a profile in one sentence that says how to get one (exit 2)', async () => {
    const result = await runCli(['diff', '--runs', runFiles.profiled, runFiles.plain]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/has no per-op profile; run it again with profile runs above 0/);
  });
});
