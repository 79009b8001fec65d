import { describe, expect, it } from 'vitest';
import { syntheticRun } from '../../e2e/helpers/synthetic-run';
import {
  bytesToBase64Portable,
  packSamples,
  RunFileOnWire,
  unpackSamples,
  type PackedSamplesWire,
} from '../../../src/shared/packed-samples';
import { RunFile } from '../../../src/shared/run-schema';

/** The bytes of doubles as Node writes them, little-endian: an encoder independent of ours. */
function nodeBase64OfDoubles(values: readonly number[]): string {
  const buffer = Buffer.alloc(values.length * 8);
  values.forEach((value, i) => buffer.writeDoubleLE(value, i * 8));
  return buffer.toString('base64');
}

const EDGE_VALUES = [0, -0, 5e-324, 2.2250738585072014e-308, Number.MAX_VALUE, -Number.MAX_VALUE, 0.1 + 0.2, 1 / 3, 1e-9, 123456.789012345];

describe('packed latency samples', () => {
  it("the portable base64 encoder writes what Node's does, at every length", () => {
    for (let length = 0; length <= 40; length++) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 97 + length * 31) & 255);
      expect(bytesToBase64Portable(bytes)).toBe(Buffer.from(bytes).toString('base64'));
    }
    const all = Uint8Array.from({ length: 3 * 4096 }, (_, i) => (i * 2654435761) >>> 24);
    expect(bytesToBase64Portable(all)).toBe(Buffer.from(all).toString('base64'));
  });

  it('packs little-endian doubles, and every bit comes back (subnormals, -0, the largest double)', () => {
    const packed = packSamples(EDGE_VALUES);
    expect(packed).toEqual({ encoding: 'f64le-base64', count: EDGE_VALUES.length, data: nodeBase64OfDoubles(EDGE_VALUES) });
    const back = unpackSamples(packed);
    expect(back).toHaveLength(EDGE_VALUES.length);
    back.forEach((value, i) => expect(Object.is(value, EDGE_VALUES[i])).toBe(true));
    expect(unpackSamples(packSamples([]))).toEqual([]);
  });

  it('a run file read back from its wire form equals the run, in about 57 % of the JSON', () => {
    const run = syntheticRun({ id: 'wire-100k', samples: 100_000, medianMs: 1.2, seed: 3, createdAt: '2026-01-01T00:00:00.000Z' });
    const wire = RunFileOnWire.encode(run);
    const text = JSON.stringify(wire);
    expect(text.length).toBeLessThan(0.6 * JSON.stringify(run).length);
    const back = RunFileOnWire.parse(JSON.parse(text));
    expect(back).toEqual(RunFile.parse(run));
    expect(back.latencyMs.samples.every((value, i) => Object.is(value, run.latencyMs.samples[i]))).toBe(true);
  });

  it('refuses a wire form that lies about its count, is not base64, or holds NaN or Infinity', () => {
    const run = syntheticRun({ id: 'wire-small', samples: 10, medianMs: 1, seed: 1, createdAt: '2026-01-01T00:00:00.000Z' });
    const wire = JSON.parse(JSON.stringify(RunFileOnWire.encode(run))) as { latencyMs: { samples: PackedSamplesWire } };
    const withSamples = (samples: unknown) => ({ ...wire, latencyMs: { ...wire.latencyMs, samples } });
    const message = (samples: unknown): string => RunFileOnWire.safeParse(withSamples(samples)).error?.issues[0]?.message ?? 'accepted';

    expect(message({ ...wire.latencyMs.samples, count: 11 })).toBe('The packed latency samples hold 80 bytes, not the 88 that 11 samples take.');
    expect(message({ ...wire.latencyMs.samples, data: '!!!!' })).toBe('The packed latency samples are not valid base64.');
    expect(message({ encoding: 'f32le-base64', count: 10, data: wire.latencyMs.samples.data })).toMatch(/f64le-base64/);
    expect(message([1, 2, 3])).not.toBe('accepted');
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(message({ encoding: 'f64le-base64', count: 2, data: nodeBase64OfDoubles([1, bad]) })).toBe('Every latency sample must be a finite number.');
    }
  });

  it('keeps RunFile’s own checks: a partial run must say why it stopped, and the server cannot send a NaN sample', () => {
    const run = syntheticRun({ id: 'wire-partial', samples: 10, medianMs: 1, seed: 2, createdAt: '2026-01-01T00:00:00.000Z' });
    const wire = JSON.parse(JSON.stringify(RunFileOnWire.encode(run))) as Record<string, unknown>;
    expect(RunFileOnWire.safeParse({ ...wire, status: 'partial' }).error?.issues[0]?.path).toEqual(['stopped']);
    const withNaN = { ...run, latencyMs: { ...run.latencyMs, samples: [1, Number.NaN] } };
    expect(RunFileOnWire.safeEncode(withNaN).error?.issues[0]?.message).toBe('Every latency sample must be a finite number.');
  });
});
