/**
 * How closely a variant follows its float model on a row's seeded inputs, output by output: for a
 * float output the SQNR (signal over error energy, summed over the check samples, in dB; Infinity
 * when equal), for any other output whether every value is equal. Shared by the table's check and
 * scripts/quantize-real-models.ts, so the figures bounds are set from are the test's.
 */
import ort from 'onnxruntime-node';
import { CHECK_SAMPLES, CHECK_SEED } from './calibration';
import { seededFeeds, type ConcreteInput } from './seeded-data';

export type OutputAgreement = { float: true; sqnrDb: number; rms: number } | { float: false; equal: boolean };

export async function outputAgreement(float: ort.InferenceSession, variant: ort.InferenceSession, inputs: readonly ConcreteInput[]): Promise<Record<string, OutputAgreement>> {
  const energy = new Map<string, { signal: number; noise: number; count: number }>();
  const equal = new Map<string, boolean>();
  for (let k = 0; k < CHECK_SAMPLES; k += 1) {
    const feeds = seededFeeds(inputs, CHECK_SEED + k);
    const [reference, test] = [await float.run(feeds), await variant.run(feeds)];
    for (const name of float.outputNames) {
      const a = reference[name] as ort.Tensor;
      const b = test[name] as ort.Tensor;
      if (a.type === 'float32') {
        const x = a.data as Float32Array;
        const y = b.data as Float32Array;
        const sum = energy.get(name) ?? { signal: 0, noise: 0, count: 0 };
        for (let i = 0; i < x.length; i += 1) {
          sum.signal += (x[i] as number) ** 2;
          sum.noise += ((x[i] as number) - (y[i] as number)) ** 2;
        }
        sum.count += x.length;
        energy.set(name, sum);
      } else {
        const same = JSON.stringify(Array.from(a.data as ArrayLike<unknown>, String)) === JSON.stringify(Array.from(b.data as ArrayLike<unknown>, String));
        equal.set(name, (equal.get(name) ?? true) && same);
      }
    }
  }
  const out: Record<string, OutputAgreement> = {};
  for (const name of float.outputNames) {
    const sum = energy.get(name);
    out[name] = sum
      ? { float: true, sqnrDb: sum.noise === 0 ? Infinity : 10 * Math.log10(sum.signal / sum.noise), rms: Math.sqrt(sum.signal / Math.max(1, sum.count)) }
      : { float: false, equal: equal.get(name) ?? false };
  }
  return out;
}
