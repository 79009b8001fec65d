/**
 * The per-op run diff (src/shared/graph/run-diff.ts) on real runs: PP-OCR mobile v2 cls (a
 * third-party model) and the studio's own int8 static variant of it, each benchmarked by the
 * engine with onnxruntime's profiler on, and two runs of the float model against each other.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLocalBenchmark } from '../../src/core/bench/run-local-benchmark';
import { readModelGraph } from '../../src/core/formats/graph/model-graph';
import { inspectModelFiles } from '../../src/core/formats/inspect';
import { quantizeOnnx } from '../../src/core/quantize';
import { nodeForkSpawner } from '../../src/core/runner/runner-client';
import { diffModels, isQuantizeOp } from '../../src/shared/graph/diff';
import { diffRuns, runDiffProblem } from '../../src/shared/graph/run-diff';
import type { ModelGraph } from '../../src/shared/model-graph';
import { BenchSettings, type RunFile } from '../../src/shared/run-schema';
import { completedRun } from '../unit/runner/bench-helpers';
import { modelBytes, REAL_ONNX_MODELS, type RealOnnxModel } from '../unit/quantize/real-onnx-models';

const model = REAL_ONNX_MODELS.find((m) => m.name === 'PP-OCR mobile v2 cls') as RealOnnxModel;
let dir: string;
let floatGraph: ModelGraph;
let int8Graph: ModelGraph;
let floatRun: RunFile;
let floatRun2: RunFile;
let int8Run: RunFile;

async function bench(file: string, bytes: Uint8Array, variant: string): Promise<RunFile> {
  const info = await inspectModelFiles([file]);
  // The symbolic dims at the sizes the real-model table runs this model at.
  const dims: Record<string, number> = {};
  info.inputs.forEach((input, i) => input.shape?.forEach((d, k) => typeof d === 'string' && (dims[d] = model.inputs[i]?.shape[k] ?? 1)));
  return completedRun(
    runLocalBenchmark(
      {
        modelPath: file,
        model: { name: path.basename(file), format: 'onnx', sha256: createHash('sha256').update(bytes).digest('hex'), sizeBytes: bytes.byteLength, variant },
        inputsInfo: info.inputs,
        settings: BenchSettings.parse({ warmupRuns: 2, runs: 10, minTimeMs: 0, threads: 1, profileRuns: 5, dims }),
        targetName: 'This computer',
      },
      { spawner: nodeForkSpawner() },
    ),
  );
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'edgebench-run-diff-'));
  const float = modelBytes(model);
  const int8 = (await quantizeOnnx(float, { mode: 'static', perChannel: true }, { inputs: [1, 2, 3, 4].map((i) => model.feed(i)) })).bytes;
  const floatPath = path.join(dir, 'cls.onnx');
  const int8Path = path.join(dir, 'cls-int8.onnx');
  writeFileSync(floatPath, float);
  writeFileSync(int8Path, int8);
  floatGraph = readModelGraph({ main: { name: 'cls.onnx', data: float }, companions: new Map() }, 'onnx');
  int8Graph = readModelGraph({ main: { name: 'cls-int8.onnx', data: int8 }, companions: new Map() }, 'onnx');
  floatRun = await bench(floatPath, float, 'float');
  floatRun2 = await bench(floatPath, float, 'float');
  int8Run = await bench(int8Path, int8, 'int8 static');
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('float against int8 static, through the model diff', () => {
  it("gives each float Conv's time beside its QDQ counterpart's, the Q/DQ kernels counted with the layer they feed", () => {
    const modelDiff = diffModels({ graph: floatGraph, parameters: null, sizeBytes: null }, { graph: int8Graph, parameters: null, sizeBytes: null });
    const diff = diffRuns({ run: floatRun, graph: floatGraph }, { run: int8Run, graph: int8Graph }, modelDiff);
    expect(diff.throughModelDiff).toBe(true);

    const convRows = diff.rows.filter((r) => r.op === 'Conv');
    expect(convRows.length).toBeGreaterThan(10);
    const paired = convRows.filter((r) => r.aUs !== null && r.bUs !== null);
    // Most Convs ran as one kernel on both sides and meet through the diff (a few may be fused away by the runtime).
    expect(paired.length).toBeGreaterThan(convRows.length * 0.8);
    for (const row of paired) {
      expect(row.aNode && modelDiff.aToB.get(row.aNode)).toBe(row.bNode);
      expect(row.deltaUs).toBeCloseTo((row.bUs as number) - (row.aUs as number), 9);
      expect(row.relative).toBeCloseTo((row.deltaUs as number) / (row.aUs as number), 9);
    }
    // The int8 side pays for its QuantizeLinear/DequantizeLinear, which the float side has none of.
    expect(paired.some((r) => r.bQdqUs > 0)).toBe(true);
    expect(diff.rows.every((r) => r.aQdqUs === 0)).toBe(true);
    // No row names a Q/DQ node: their time went to the layers they feed.
    const qdqIds = new Set(int8Graph.nodes.filter((n) => isQuantizeOp(n.op)).map((n) => n.id));
    expect(diff.rows.some((r) => r.bNode !== null && qdqIds.has(r.bNode))).toBe(false);

    // Per op: the Conv group's totals are the sums of its rows.
    const convOp = diff.byOp.find((g) => g.op === 'Conv');
    expect(convOp?.aUs).toBeCloseTo(convRows.reduce((sum, r) => sum + (r.aUs ?? 0), 0), 6);
    expect(convOp?.bUs).toBeCloseTo(convRows.reduce((sum, r) => sum + (r.bUs ?? 0), 0), 6);
    expect(diff.onlyInA).toBe(diff.rows.filter((r) => r.bUs === null).length);
    expect(diff.onlyInB).toBe(diff.rows.filter((r) => r.aUs === null).length);
    expect(diff.medianMs.a).toBeGreaterThan(0);
  });
});

it('two runs of the same model meet by node name, the same node on both sides', () => {
  const diff = diffRuns({ run: floatRun, graph: floatGraph }, { run: floatRun2, graph: floatGraph }, null);
  expect(diff.throughModelDiff).toBe(false);
  // A run file keeps its 200 slowest kernels, so a fast node near that cut may be timed in one run only.
  expect(diff.onlyInA + diff.onlyInB).toBeLessThan(diff.rows.length / 10);
  expect(diff.rows.length).toBeGreaterThan(20);
  expect(diff.rows.every((r) => r.aNode === r.bNode && r.aNode !== null)).toBe(true);
  // Without graphs, the runtime's own names are matched.
  const bare = diffRuns({ run: floatRun, graph: null }, { run: floatRun2, graph: null }, null);
  const names = new Set([...(floatRun.profile?.nodes ?? []), ...(floatRun2.profile?.nodes ?? [])].map((n) => n.name));
  expect(bare.rows.map((r) => r.name).sort()).toEqual([...names].sort());
});

it('a run without a profile is refused in one sentence that says how to get one', () => {
  const unprofiled = { ...floatRun, profile: undefined } as RunFile;
  expect(runDiffProblem(floatRun, unprofiled)).toMatch(/^Run '.+' has no per-op profile; run it again with profile runs above 0/);
  expect(() => diffRuns({ run: floatRun, graph: null }, { run: unprofiled, graph: null }, null)).toThrow(/no per-op profile/);
});
