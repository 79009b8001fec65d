/**
 * Per-layer SQNR between a float model and its QDQ variant, as onnxruntime's qdq_loss_debug
 * does: both models run the same feeds with the compared tensors added as outputs; for every
 * activation the variant quantizes (a QuantizeLinear reading tensor t, then a
 * DequantizeLinear), the float model's t is compared with the variant's dequantized t.
 * SQNR = 10·log10(Σ float² / Σ (float − dequantized)²) over all feeds, in dB; low is bad.
 * Each row is a layer's input activation (what its QuantizeLinear reads), not its output: the
 * first conv of an image model reads exact uint8 pixels (~145 dB), and no row counts the error of
 * a layer's own int8 weights.
 */
import { StudioError } from '../../shared/errors';
import type { GraphProto, NodeProto } from '../formats/onnx/generated/onnx_pb';
import { decodeModelProto } from '../formats/onnx/onnx-codec';
import { ActivationSession, validateFeeds } from './calibrate';
import { GraphIndex, makeNode, NameScope } from './graph';
import type { CalibrationData } from './recipe';

/** Reported for a tensor the variant reproduces exactly; float32 itself resolves ~140 dB. */
export const EXACT_SQNR_DB = 200;

export interface LayerSqnr {
  /** The float model's activation tensor: the input of `node`. */
  tensor: string;
  /** The first quantized node reading it (excluding that node removes this quantization). */
  node: string;
  opType: string;
  sqnrDb: number;
}

export async function perLayerSqnr(floatBytes: Uint8Array, qdqBytes: Uint8Array, feeds: CalibrationData['inputs']): Promise<LayerSqnr[]> {
  const floatModel = decodeModelProto(floatBytes, 'float model');
  const qdqModel = decodeModelProto(qdqBytes, 'quantized model');
  const floatGraph = floatModel.graph as GraphProto;
  const qdqGraph = qdqModel.graph as GraphProto;
  if (feeds.length === 0) {
    throw new StudioError('BAD_INPUT', 'Per-layer SQNR needs at least one input sample; give a dataset with samples.', {});
  }
  validateFeeds(floatModel, feeds, 'Comparison');

  // Each QuantizeLinear on a float-model tensor gets its own DequantizeLinear output to compare,
  // since its int8 data may flow through shape ops before the variant dequantizes it.
  const qdq = new GraphIndex(qdqGraph);
  const names = new NameScope(qdqModel);
  const floatTensors = new Set([...floatGraph.node.flatMap((n) => n.output), ...floatGraph.input.map((i) => i.name)]);
  const pairs: Array<{ tensor: string; dequantized: string; node: string; opType: string }> = [];
  const probes: NodeProto[] = [];
  for (const q of qdqGraph.node) {
    const tensor = q.input[0] ?? '';
    if (q.opType !== 'QuantizeLinear' || !floatTensors.has(tensor)) continue;
    const dequantized = names.fresh(`${tensor}_sqnr`);
    probes.push(makeNode('DequantizeLinear', names.fresh(`${tensor}_sqnr_DQ`), [q.output[0] as string, ...q.input.slice(1)], [dequantized]));
    const reader = firstReader(qdq, q.output[0] as string);
    pairs.push({ tensor, dequantized, node: reader?.name ?? '', opType: reader?.opType ?? '' });
  }
  if (pairs.length === 0) {
    throw new StudioError('BAD_INPUT', 'The quantized model has no QuantizeLinear on the float model\'s tensors; per-layer SQNR needs a static (QDQ) variant of this float model.', {});
  }
  qdqGraph.node = [...qdqGraph.node, ...probes];

  const signal = new Float64Array(pairs.length);
  const noise = new Float64Array(pairs.length);
  const floatSession = await ActivationSession.open(floatModel, pairs.map((p) => ({ graph: floatGraph, tensor: p.tensor })));
  try {
    const qdqSession = await ActivationSession.open(qdqModel, pairs.map((p) => ({ graph: qdqGraph, tensor: p.dequantized })));
    try {
      for (let sample = 0; sample < feeds.length; sample += 1) {
        const feed = feeds[sample] as CalibrationData['inputs'][number];
        const reference = await floatSession.run(feed, sample);
        const quantized = await qdqSession.run(feed, sample);
        pairs.forEach((pair, i) => {
          const [s, n] = energies(pair.tensor, reference[i] as Float32Array, quantized[i] as Float32Array);
          signal[i] = (signal[i] as number) + s;
          noise[i] = (noise[i] as number) + n;
        });
      }
    } finally {
      await qdqSession.release();
    }
  } finally {
    await floatSession.release();
  }

  const rows = pairs.map((pair, i) => {
    const s = signal[i] as number;
    const n = noise[i] as number;
    const sqnrDb = n === 0 ? EXACT_SQNR_DB : s === 0 ? -EXACT_SQNR_DB : Math.min(EXACT_SQNR_DB, 10 * Math.log10(s / n));
    return { tensor: pair.tensor, node: pair.node, opType: pair.opType, sqnrDb };
  });
  return rows.sort((a, b) => a.sqnrDb - b.sqnrDb || a.tensor.localeCompare(b.tensor));
}

/** Σ reference² and Σ (reference − quantized)² of one tensor on one feed. */
function energies(tensor: string, reference: Float32Array, quantized: Float32Array): [number, number] {
  if (reference.length !== quantized.length) {
    throw new StudioError('BAD_INPUT', `Tensor '${tensor}' has ${reference.length} values in the float model but ${quantized.length} in the quantized one; are they the same model?`, { tensor });
  }
  let signal = 0;
  let noise = 0;
  for (let k = 0; k < reference.length; k += 1) {
    const r = reference[k] as number;
    const d = r - (quantized[k] as number);
    signal += r * r;
    noise += d * d;
  }
  return [signal, noise];
}

/** The node that uses quantized tensor `q`: past its DequantizeLinear, if it has one. */
function firstReader(index: GraphIndex, q: string): NodeProto | undefined {
  const reader = (index.consumers.get(q) ?? [])[0];
  if (reader?.opType !== 'DequantizeLinear') return reader;
  return (index.consumers.get(reader.output[0] ?? '') ?? [])[0] ?? reader;
}
