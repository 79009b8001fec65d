/**
 * The parity check printed after every conversion (PyTorch → ONNX today; ONNX → TFLite is built
 * on it next): the converted model run on the same seeded inputs as the source, every output
 * compared by cosine similarity and largest absolute error. The arithmetic is the evaluation's
 * (src/core/eval/metrics.ts), so a conversion and an accuracy evaluation never disagree on what
 * cosine means.
 */
import { StudioError } from '../../shared/errors';
import { maxAbsError, meanCosineSimilarity } from '../eval/metrics';
import type { FloatTensor } from '../runner/tensor-convert';

/** Below this cosine a conversion is not the same model (issue 14's acceptance: ≥ 0.999). */
export const PARITY_MIN_COSINE = 0.999;

export interface OutputParity {
  name: string;
  /** Cosine of the whole output against the source's, −1..1. */
  cosine: number;
  maxAbsError: number;
  /** Largest |value| of the source's output, so an absolute error can be read against it. */
  maxAbsReference: number;
  ok: boolean;
}

export interface ParityReport {
  outputs: OutputParity[];
  ok: boolean;
  /** What ran each side, e.g. "torch 1.13.1" and "onnxruntime 1.30.0". */
  reference: string;
  test: string;
}

/** Compares outputs pairwise in order (the converter keeps the source's output order); names come from the test side. */
export function compareOutputs(reference: FloatTensor[], test: Array<FloatTensor & { name: string }>, sides: { reference: string; test: string }): ParityReport {
  if (reference.length !== test.length) {
    throw new StudioError('RUNTIME', `The converted model has ${test.length} output(s) and the source ${reference.length}; the conversion lost or added outputs.`);
  }
  const outputs = test.map((out, i): OutputParity => {
    const ref = reference[i] as FloatTensor;
    if (ref.data.length !== out.data.length) {
      throw new StudioError('RUNTIME', `Output '${out.name}' has ${out.data.length} values after conversion and ${ref.data.length} before (shapes [${out.dims.join(', ')}] and [${ref.dims.join(', ')}]).`);
    }
    const cosine = meanCosineSimilarity(ref.data, out.data, Math.max(1, ref.data.length));
    let maxAbsReference = 0;
    for (const v of ref.data) maxAbsReference = Math.max(maxAbsReference, Math.abs(v));
    return { name: out.name, cosine, maxAbsError: maxAbsError(ref.data, out.data), maxAbsReference, ok: cosine >= PARITY_MIN_COSINE };
  });
  return { outputs, ok: outputs.every((o) => o.ok), ...sides };
}

/** One line per output, as the CLI prints it after a conversion. */
export function parityLines(report: ParityReport): string[] {
  return [
    `Parity (${report.test} against ${report.reference}, same seeded inputs): ${report.ok ? 'ok' : `FAILED (cosine below ${PARITY_MIN_COSINE})`}`,
    ...report.outputs.map(
      (o) => `  ${o.name}: cosine ${o.cosine.toFixed(6)}, max abs error ${o.maxAbsError.toExponential(2)} (largest |value| ${o.maxAbsReference.toPrecision(3)})${o.ok ? '' : '  <- differs'}`,
    ),
  ];
}
