import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { modelBytes, ortFeeds, REAL_ONNX_MODELS } from '../quantize/real-onnx-models';
import { type CaseResult, roundTrip, TESTDATA, testdataCases, testdataFeeds } from './onnx-roundtrip';

// Debian's libonnx-testdata (ONNX's backend test models, ~1,070 of them) and the real models in
// node_modules: each decoded and re-encoded by the generated codec, then loaded and run by
// onnxruntime before and after on the same inputs (the tests' own input_*.pb).
describe('ONNX round trip through the generated codec', () => {
  it('libonnx-testdata: every model round-trips to bytes onnxruntime loads and runs with identical outputs', { timeout: 120_000 }, async () => {
    expect(existsSync(TESTDATA), `${TESTDATA} is missing: apt-get install libonnx-testdata`).toBe(true);
    const cases = testdataCases();
    expect(cases.length).toBeGreaterThan(1000);
    const results: CaseResult[] = [];
    for (const test of cases) results.push(await roundTrip(test.name, new Uint8Array(readFileSync(test.model)), testdataFeeds(test)));

    const notLoading = results.filter((r) => !r.before.loads);
    const ran = results.filter((r) => r.before.loads && r.before.outputs !== null);
    console.log(
      `libonnx-testdata: ${results.length} models, ${results.filter((r) => r.sameBytes).length} byte-identical after decode → encode; ` +
        `${results.length - notLoading.length} load in onnxruntime, ${ran.length} of them run on their test inputs; ` +
        `${notLoading.length} do not load before or after: ${notLoading.map((r) => r.name).join(', ')}`,
    );
    for (const r of results) {
      expect({ name: r.name, loads: r.after.loads }).toEqual({ name: r.name, loads: r.before.loads });
      if (r.before.loads && r.after.loads) expect({ name: r.name, outputs: r.after.outputs }).toEqual({ name: r.name, outputs: r.before.outputs });
    }
    // Most models must really have run: a broken input decoder would leave them unfed.
    expect(ran.length).toBeGreaterThan(950);
    // onnxruntime-node 1.30 cannot load the training ops, bfloat16 casts, some int16/uint16 kernels...
    expect(notLoading.length).toBeLessThan(80);
  });

  it.each(REAL_ONNX_MODELS)('$name round-trips byte for byte and runs identically', async (model) => {
    const bytes = modelBytes(model);
    const feed = model.feed(7);
    const result = await roundTrip(model.name, bytes, () => ortFeeds(feed));
    expect(result.sameBytes).toBe(true);
    expect(result.before.loads && result.before.outputs).toBeTruthy();
    expect(result.after).toEqual(result.before);
  });
});
