import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { netronAttachment, NETRON_SIGNATURE } from '../../../src/core/reports/exporters/netron';
import { buildReportContext } from '../../../src/core/reports/report-context';
import { exportReport } from '../../../src/core/reports/write-report';
import { decodeModelProto } from '../../../src/core/formats/onnx/onnx-codec';
import { StudioError } from '../../../src/shared/errors';
import { repoRoot } from '../../helpers/run-cli';
import { FIXTURES, readRun } from './run-fixtures';

/** The keys Netron's metadata.Attachment.Container builds: `${kind}::${target}` → name → value. */
function netronIndex(items: Array<{ kind: string; target: string; name: string; value: unknown }>): Map<string, Map<string, unknown>> {
  const index = new Map<string, Map<string, unknown>>();
  for (const item of items) {
    const key = `${item.kind}::${item.target}`;
    index.set(key, (index.get(key) ?? new Map()).set(item.name, item.value));
  }
  return index;
}

describe('Netron attachment', () => {
  it('carries mean time, share and rank for every profiled node', () => {
    const run = readRun(FIXTURES.onnx);
    const attachment = netronAttachment(run);
    expect(attachment.signature).toBe(NETRON_SIGNATURE);
    const index = netronIndex(attachment.metrics);
    expect(index.size).toBe(run.profile?.nodes.length);
    const slowest = [...(run.profile?.nodes ?? [])].sort((a, b) => b.meanUs - a.meanUs)[0];
    const metrics = index.get(`node::${slowest?.name}`);
    expect(metrics?.get('edgebench mean time (µs)')).toBe(slowest?.meanUs);
    expect(metrics?.get('edgebench share of run')).toBe(`${((slowest?.share ?? 0) * 100).toFixed(2)}%`);
    expect(metrics?.get('edgebench rank by time')).toBe(`1 of ${run.profile?.nodes.length}`);
    expect(attachment.edgebench.runId).toBe(run.id);
  });

  it("targets the model file's own node names when the graph was not optimized, so Netron shows every one", () => {
    const run = readRun(FIXTURES.onnxNoOpt);
    const bytes = new Uint8Array(readFileSync(path.join(repoRoot, 'resources/models/demo-mnist.onnx')));
    const model = decodeModelProto(bytes, 'demo-mnist.onnx');
    const modelNodes = new Set(model.graph?.node.map((node) => node.name));
    const targets = new Set(netronAttachment(run).metrics.map((item) => item.target));
    expect(targets.size).toBeGreaterThan(0);
    expect([...targets].filter((target) => !modelNodes.has(target))).toEqual([]);
  });

  it('refuses a run without a profile, saying how to get one', async () => {
    expect(() => netronAttachment(readRun(FIXTURES.tflite))).toThrow(/--profile-runs/);
    const report = buildReportContext({ runs: [{ run: readRun(FIXTURES.tflite), path: 'a.json' }], skipped: [] });
    await expect(exportReport('netron', report)).rejects.toBeInstanceOf(StudioError);
  });

  it('writes one file per profiled run, numbered as in the report', async () => {
    const report = buildReportContext({
      runs: [FIXTURES.tflite, FIXTURES.onnx, FIXTURES.onnxNoOpt].map((file) => ({ run: readRun(file), path: file })),
      skipped: [],
    });
    const files = await exportReport('netron', report);
    expect(files.map((f) => f.suffix)).toEqual(['-2.json', '-3.json']);
    expect(JSON.parse(String(files[1]?.data)).signature).toBe('netron:attachment');
  });
});
