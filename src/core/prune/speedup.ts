/**
 * "Will this pruned variant run faster?", answered before any benchmark from each engine's
 * documented behaviour, so the user knows what the measurement should show:
 * - onnxruntime's CPU kernels (MLAS) and TF.js's kernels are dense: a zero weight costs what any
 *   weight costs.
 * - XNNPACK (LiteRT, benchmark_model) has sparse inference only for float32 subgraphs that store
 *   their weights sparse (DENSIFY operators), start with a 3×3 stride-2 CONV_2D with 3 input
 *   channels, end with a spatial MEAN or DEPTH_TO_SPACE, and whose 1×1 CONV_2D filters are at
 *   least 2/3 zeros; it rewrites graphs that way on Arm and WebAssembly, not on x86 with AVX.
 *   (tensorflow/lite/delegates/xnnpack/README.md, "Sparse Inference".)
 * - TFLite Micro's kernels (reference, CMSIS-NN, ESP-NN) are dense too; zeros take the same cycles
 *   and the same flash.
 * Removing channels is different: every engine then does less work, by the MACs removed.
 */
import type { ModelFormat } from '../../shared/model-info';
import type { LayerSparsity, PruneMethod } from './types';

export interface SpeedupAnswer {
  /** Who runs the variant: "onnxruntime (CPU)", "LiteRT / benchmark_model (XNNPACK)", ... */
  engine: string;
  answer: 'yes' | 'no';
  /** One or two sentences: the rule, and how this variant meets it or not. */
  reason: string;
}

/** XNNPACK's threshold: at least 2/3 of the 1×1 CONV_2D filter weights must be zero. */
export const XNNPACK_SPARSE_MIN_ZEROS = 2 / 3;

/** Below 2 % fewer MACs a speed-up hides in run-to-run noise. */
const NOTICEABLE_MAC_CUT = 0.02;

export interface SpeedupFacts {
  format: ModelFormat;
  method: PruneMethod;
  layers: LayerSparsity[];
  macsBefore: number;
  macsAfter: number;
}

function percent(value: number): string {
  return `${(value * 100).toFixed(value < 0.1 ? 1 : 0)} %`;
}

/** Zeros among the weights of the 1×1 convolutions, the only ones XNNPACK's sparse kernels take. */
function pointwiseSparsity(layers: readonly LayerSparsity[]): { layers: number; sparsity: number } {
  const pointwise = layers.filter((l) => l.op === 'CONV_2D' && l.kernel?.[0] === 1 && l.kernel[1] === 1);
  const weights = pointwise.reduce((sum, l) => sum + l.weightsAfter, 0);
  const zeros = pointwise.reduce((sum, l) => sum + l.sparsity * l.weightsAfter, 0);
  return { layers: pointwise.length, sparsity: weights > 0 ? zeros / weights : 0 };
}

export function speedupAnswers(facts: SpeedupFacts): SpeedupAnswer[] {
  const engines: Array<{ engine: string; sparse: () => SpeedupAnswer['reason'] }> = [];
  const dense = (engine: string, kernels: string) => ({
    engine,
    sparse: () => `No: ${kernels} compute every weight, zero or not; the zeros make the file compress better, not run faster.`,
  });
  if (facts.format === 'onnx') engines.push(dense('onnxruntime (CPU)', "onnxruntime's CPU kernels (MLAS) are dense and"));
  if (facts.format === 'tfjs') engines.push(dense('TF.js', "TF.js's kernels are dense and"));
  if (facts.format === 'tflite') {
    engines.push({
      engine: 'LiteRT / benchmark_model (XNNPACK)',
      sparse: () => {
        const pw = pointwiseSparsity(facts.layers);
        const shape =
          pw.layers === 0
            ? 'the model has no 1×1 CONV_2D for its sparse kernels'
            : `its 1×1 CONV_2D filters are ${percent(pw.sparsity)} zeros (${pw.sparsity >= XNNPACK_SPARSE_MIN_ZEROS ? 'enough' : 'it needs at least 67 %'})`;
        return `No: XNNPACK's sparse inference needs the weights stored sparse (DENSIFY operators), which this variant does not do, a float32 subgraph from a 3×3 stride-2 CONV_2D with 3 input channels to a spatial MEAN, and runs on Arm and WebAssembly only (not x86 with AVX); ${shape}.`;
      },
    });
    engines.push(dense('TFLite Micro (microcontrollers)', "TFLite Micro's kernels (reference, CMSIS-NN, ESP-NN) are dense: they"));
  }
  return engines.map(({ engine, sparse }) => {
    if (facts.method === 'magnitude') return { engine, answer: 'no', reason: sparse() };
    const fewer = facts.macsBefore > 0 ? 1 - facts.macsAfter / facts.macsBefore : 0;
    if (fewer <= 0) return { engine, answer: 'no', reason: 'No: no channel was removed, so the work is the same.' };
    if (fewer < NOTICEABLE_MAC_CUT) {
      return { engine, answer: 'no', reason: `Hardly: the channels removed carry ${percent(fewer)} of the multiply-accumulates (${facts.macsBefore.toLocaleString('en-US')} → ${facts.macsAfter.toLocaleString('en-US')}), within run-to-run noise; the model is smaller, not faster.` };
    }
    return {
      engine,
      answer: 'yes',
      reason: `Yes, expected: channels were removed, so it does ${percent(fewer)} fewer multiply-accumulates (${facts.macsBefore.toLocaleString('en-US')} → ${facts.macsAfter.toLocaleString('en-US')}); dense kernels gain up to that on compute-bound layers. The benchmark tells how much.`,
    };
  });
}
