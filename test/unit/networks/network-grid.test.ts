/** A job over a linked network in the results grid: one row per network, one column per format/runtime × target (issue 13 item 3). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectModelBuffers } from '../../../src/core/formats/inspect';
import { agreementHeadline, agreementRows, linkCandidates } from '../../../src/renderer/src/components/networks/formats-view';
import { buildResultsGrid, gridInputs } from '../../../src/renderer/src/components/results/results-grid';
import { resolveNetworks } from '../../../src/core/workspace/networks-store';
import type { ModelEntry } from '../../../src/shared/contract';
import type { NetworkAgreement } from '../../../src/shared/networks';
import type { RunSummary } from '../../../src/shared/run-schema';
import { repoRoot } from '../../helpers/run-cli';

function entry(id: string, name: string, files: string[], origin: ModelEntry['origin'] = null): ModelEntry {
  const info = inspectModelBuffers(files.map((f) => ({ name: path.basename(f), data: readFileSync(path.join(repoRoot, 'resources/models', f)) })));
  return { id, name, importedAt: '2026-12-07T00:00:00Z', variant: origin ? 'int8' : 'float', files: [], info, origin, savedInputs: null, savedInputsProblem: null };
}

const onnx = entry('a', 'demo-mnist', ['demo-mnist.onnx']);
const tflite = entry('b', 'demo-mnist', ['demo-mnist.tflite']);
const tfjs = entry('c', 'demo-mnist-tfjs', ['demo-mnist-tfjs/model.json', 'demo-mnist-tfjs/group1-shard1of1.bin']);
const variant = { ...entry('d', 'demo-mnist · int8 dynamic', ['demo-mnist.onnx'], { kind: 'linked', parentId: 'a' }), info: { ...onnx.info, sha256: 'ffff' } };
const models = [onnx, tflite, tfjs, variant];
const networks = resolveNetworks([{ id: 'net-1', name: 'demo-mnist', modelIds: ['a', 'b', 'c'], createdAt: '' }], models);

const RUNTIME = { a: 'onnxruntime', b: 'litert', c: 'tfjs', d: 'onnxruntime' } as const;
function run(model: ModelEntry, target: string, median: number, cell: number): RunSummary {
  const runtime = RUNTIME[model.id as keyof typeof RUNTIME];
  return {
    id: `${model.id}-${target}`, createdAt: `2026-12-07T06:00:0${cell}Z`, modelName: model.name, modelSha256: model.info.sha256, variant: model.variant, targetName: target,
    runtime: `${runtime} 1.0`, threads: 1, runtimeBackend: 'cpu', status: 'completed', median, p90: median, count: 50, verdict: 'stable', warnings: 0,
    peakRssBytes: 1, jobId: 'job-n', p99: median, medianCi95: { low: median * 0.99, high: median * 1.01 }, runtimeName: runtime, modelSizeBytes: 1, jobCell: { cell, cells: 8 },
  };
}

describe('a network in the results grid', () => {
  const runs = [
    run(onnx, 'This computer', 0.2, 0), run(tflite, 'This computer', 0.1, 1), run(tfjs, 'This computer', 0.8, 2), run(variant, 'This computer', 0.15, 3),
    run(onnx, 'Pi', 2, 4), run(tflite, 'Pi', 1, 5), run(tfjs, 'Pi', 8, 6), run(variant, 'Pi', 1.5, 7),
  ];

  it('puts the three formats on one row, each format in its runtime column per target; a variant keeps its own row', () => {
    const grid = buildResultsGrid(gridInputs(null, 'job-n', runs, models, networks), new Map(), null);
    expect(grid.rows.map((r) => [r.label, r.networkId])).toEqual([
      ['demo-mnist', 'net-1'],
      ['demo-mnist · int8 dynamic', null],
    ]);
    expect(grid.columns.map((c) => c.label)).toEqual([
      'This computer · ONNX in onnxruntime', 'This computer · TFLite in LiteRT', 'This computer · TF.js in TensorFlow.js',
      'Pi · ONNX in onnxruntime', 'Pi · TFLite in LiteRT', 'Pi · TF.js in TensorFlow.js',
    ]);
    const [row, variantRow] = grid.rows;
    expect(row?.cells.map((c) => c?.medianMs)).toEqual([0.2, 0.1, 0.8, 2, 1, 8]);
    expect(row?.cells[1]).toMatchObject({ speedup: 2, tone: 'faster' });
    // The int8 ONNX variant sits in the ONNX columns only.
    expect(variantRow?.cells.map((c) => c !== null)).toEqual([true, false, false, true, false, false]);
  });

  it('without the link, the same runs are three model rows', () => {
    const grid = buildResultsGrid(gridInputs(null, 'job-n', runs, models, []), new Map(), null);
    expect(grid.rows.map((r) => r.networkId)).toEqual([null, null, null, null]);
  });
});

describe('the Formats panel', () => {
  it('offers other formats not in another network as "Same network as…"', () => {
    expect(linkCandidates(onnx, models, []).map((m) => m.id)).toEqual(['b', 'c']);
    expect(linkCandidates(onnx, models, networks)).toEqual([]);
    const two = resolveNetworks([{ id: 'net-1', name: 'n', modelIds: ['a', 'b'], createdAt: '' }], models);
    expect(linkCandidates(onnx, models, two).map((m) => m.id)).toEqual(['c']);
    // TF.js may join that network through either of its formats.
    expect(linkCandidates(tfjs, models, two).map((m) => m.id)).toEqual(['a', 'b']);
  });

  it('words the agreement and flags a format that disagrees', () => {
    const agreement: NetworkAgreement = {
      networkId: 'net-1', inputs: 'dataset', datasetId: 'demo-digits', samples: 200, agree: false, skipped: [],
      formats: [
        { modelId: 'a', name: 'demo-mnist', format: 'onnx', runtime: 'onnxruntime', reference: true, top1Agreement: null, cosine: null, maxAbsError: null, top1: 0.97, disagrees: false, notes: [] },
        { modelId: 'b', name: 'demo-mnist', format: 'tflite', runtime: 'litert', reference: false, top1Agreement: 0.9, cosine: 0.95, maxAbsError: 0.5, top1: 0.9, disagrees: true, notes: ['x'] },
      ],
    };
    expect(agreementHeadline(agreement)).toBe('200 samples of the dataset: TFLite in LiteRT disagrees with ONNX in onnxruntime.');
    expect(agreementRows(agreement).map((r) => [r.where, r.top1, r.agreement, r.cosine, r.verdict])).toEqual([
      ['ONNX in onnxruntime', '97.00%', '—', '—', 'reference'],
      ['TFLite in LiteRT', '90.00%', '90.00%', '0.950000', 'disagrees'],
    ]);
  });
});
