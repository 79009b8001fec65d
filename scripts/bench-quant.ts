/**
 * `npm run bench:quant [--samples N] [--runs N]`
 *
 * Quantization on a model large enough to matter: an MLP 1024→2048→2048→1024→1024 with Gemm +
 * Relu layers (about 9.4M parameters, 38 MB in float32), built here with seeded weights and never
 * written to disk. It prints, on this machine:
 *   - how long quantizeOnnx takes per mode (static includes its calibration);
 *   - calibration throughput: samples per second through the float model with every quantized
 *     activation as an extra output (one pass; histogram methods make two);
 *   - median latency of the float model and of each variant in onnxruntime-node (CPU EP, default
 *     threads) at batch 1 and batch 32, and the float/int8 speedup. CPUs with AVX-512 VNNI or
 *     AMX run int8 GEMMs several times faster than float32, so int8 should win there.
 * Then the TFLite quantizer (bench-quant-tflite.ts): full-integer int8 with 200 calibration samples
 * on a MediaPipe model, against issue 14's 30 s goal. `--only onnx|tflite` runs one part,
 * `--tflite-model FILE` picks another .tflite.
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { decodeModelProto } from '../src/core/formats/onnx/onnx-codec';
import { encodeOnnxModel, type OnnxModelSpec, type OnnxNodeSpec, type OnnxTensorSpec } from '../src/core/formats/onnx/onnx-writer';
import { quantizeOnnx, type CalibrationData, type QuantRecipeInput } from '../src/core/quantize';
import { collectStats } from '../src/core/quantize/calibrate';
import { medianOf } from '../src/shared/numeric/quantile';
import { benchTfliteQuant, DEFAULT_TFLITE_BENCH_MODEL } from './bench-quant-tflite';

const LAYERS = [1024, 2048, 2048, 1024, 1024];
const BATCHES = [1, 32];
const WARMUP_RUNS = 20;

/** Seeded uniform values in [-limit, limit] (LCG), so every run benchmarks the same model. */
function seeded(count: number, seed: number, limit: number): Float32Array {
  let state = seed >>> 0;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 1) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = (state / 2 ** 32 - 0.5) * 2 * limit;
  }
  return out;
}

function buildMlp(): { bytes: Uint8Array; parameters: number } {
  const nodes: OnnxNodeSpec[] = [];
  const initializers: OnnxTensorSpec[] = [];
  let input = 'x';
  let parameters = 0;
  for (let layer = 0; layer + 1 < LAYERS.length; layer += 1) {
    const [inFeatures, outFeatures] = [LAYERS[layer] as number, LAYERS[layer + 1] as number];
    // He-uniform limit keeps activations in a steady range through the Relu stack.
    initializers.push({ name: `fc${layer}.weight`, dims: [outFeatures, inFeatures], dataType: 'FLOAT', data: seeded(outFeatures * inFeatures, 11 + layer, Math.sqrt(6 / inFeatures)) });
    initializers.push({ name: `fc${layer}.bias`, dims: [outFeatures], dataType: 'FLOAT', data: seeded(outFeatures, 101 + layer, 0.05) });
    parameters += outFeatures * inFeatures + outFeatures;
    const last = layer + 2 === LAYERS.length;
    const gemmOut = last ? 'y' : `fc${layer}_out`;
    nodes.push({ opType: 'Gemm', name: `fc${layer}`, inputs: [input, `fc${layer}.weight`, `fc${layer}.bias`], outputs: [gemmOut], attributes: { transB: 1 } });
    if (!last) {
      nodes.push({ opType: 'Relu', name: `relu${layer}`, inputs: [gemmOut], outputs: [`relu${layer}_out`] });
      input = `relu${layer}_out`;
    }
  }
  const spec: OnnxModelSpec = {
    irVersion: 8,
    opsetImports: [{ domain: '', version: 17 }],
    producerName: 'edgebench bench:quant',
    producerVersion: '1',
    graphName: 'mlp',
    inputs: [{ name: 'x', elemType: 'FLOAT', shape: ['batch', LAYERS[0] as number] }],
    outputs: [{ name: 'y', elemType: 'FLOAT', shape: ['batch', LAYERS.at(-1) as number] }],
    initializers,
    nodes,
  };
  return { bytes: encodeOnnxModel(spec), parameters };
}

function sqnrDb(reference: Float32Array, actual: Float32Array): number {
  let signal = 0;
  let noise = 0;
  reference.forEach((r, i) => {
    signal += r * r;
    noise += (r - (actual[i] as number)) ** 2;
  });
  return 10 * Math.log10(signal / noise);
}

/** Median latency, and the output (for a fidelity check against float). */
async function measure(model: Uint8Array, batch: number, runs: number): Promise<{ medianMs: number; y: Float32Array }> {
  const session = await ort.InferenceSession.create(model);
  try {
    const x = new ort.Tensor('float32', seeded(batch * (LAYERS[0] as number), 7, 1), [batch, LAYERS[0] as number]);
    const y = (await session.run({ x })).y?.data as Float32Array;
    for (let i = 0; i < WARMUP_RUNS; i += 1) await session.run({ x });
    const times: number[] = [];
    for (let i = 0; i < runs; i += 1) {
      const start = performance.now();
      await session.run({ x });
      times.push(performance.now() - start);
    }
    return { medianMs: medianOf(times), y };
  } finally {
    await session.release();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      samples: { type: 'string', default: '256' },
      runs: { type: 'string', default: '100' },
      only: { type: 'string' },
      'tflite-model': { type: 'string', default: DEFAULT_TFLITE_BENCH_MODEL },
      'tflite-samples': { type: 'string', default: '200' },
    },
  });
  const samples = Number(values.samples);
  const runs = Number(values.runs);
  const cpu = cpus();
  console.log(`CPU: ${cpu[0]?.model ?? 'unknown'} (${cpu.length} logical cores); onnxruntime-node ${ort.env.versions.common}`);
  if (values.only !== 'tflite') await benchOnnx(samples, runs);
  if (values.only !== 'onnx') await benchTfliteQuant({ model: values['tflite-model'], samples: Number(values['tflite-samples']) });
}

async function benchOnnx(samples: number, runs: number): Promise<void> {
  const built = buildMlp();
  const float = built.bytes;
  console.log(`Model: MLP ${LAYERS.join('→')}, ${(built.parameters / 1e6).toFixed(2)}M parameters, ${(float.byteLength / 1e6).toFixed(1)} MB float32\n`);
  const calibration: CalibrationData = {
    inputs: Array.from({ length: samples }, (_, i) => ({ x: { dims: [1, LAYERS[0] as number], data: seeded(LAYERS[0] as number, 1000 + i, 1) } })),
  };

  // Calibration throughput, measured on its own: the float model with each layer's input as an output.
  const model = decodeModelProto(float);
  const graph = model.graph as NonNullable<typeof model.graph>;
  const activations = ['x', ...graph.node.filter((n) => n.opType === 'Relu').map((n) => n.output[0] as string)];
  const calibrationStart = performance.now();
  await collectStats(model, activations.map((tensor) => ({ graph, tensor })), calibration.inputs, 'minmax', false);
  const calibrationSeconds = (performance.now() - calibrationStart) / 1000;
  console.log(`Calibration: ${samples} samples in ${calibrationSeconds.toFixed(2)} s = ${(samples / calibrationSeconds).toFixed(0)} samples/s (one pass, single-threaded)\n`);

  const recipes: Array<{ label: string; recipe: QuantRecipeInput }> = [
    { label: 'dynamic int8 per-channel', recipe: { mode: 'dynamic', perChannel: true } },
    { label: 'static int8 minmax per-channel', recipe: { mode: 'static', method: 'minmax', perChannel: true } },
    { label: 'static int8 percentile per-channel', recipe: { mode: 'static', method: 'percentile', perChannel: true } },
    { label: 'static int8 entropy per-channel', recipe: { mode: 'static', method: 'entropy', perChannel: true } },
    { label: 'fp16', recipe: { mode: 'fp16' } },
  ];
  const variants: Array<{ label: string; bytes: Uint8Array }> = [];
  console.log('Quantization time (static includes calibration):');
  for (const { label, recipe } of recipes) {
    const start = performance.now();
    const result = await quantizeOnnx(float, recipe, calibration);
    const seconds = (performance.now() - start) / 1000;
    console.log(`  ${label.padEnd(36)} ${seconds.toFixed(2).padStart(6)} s   ${(result.bytes.byteLength / 1e6).toFixed(1).padStart(5)} MB (${((100 * result.bytes.byteLength) / float.byteLength).toFixed(1)}% of float)`);
    if (label !== 'static int8 percentile per-channel' && label !== 'static int8 entropy per-channel') variants.push({ label, bytes: result.bytes });
  }

  console.log(`\nMedian latency, onnxruntime-node CPU EP, ${runs} runs after ${WARMUP_RUNS} warmup:`);
  for (const batch of BATCHES) {
    const reference = await measure(float, batch, runs);
    console.log(`  batch ${batch}: float32 ${reference.medianMs.toFixed(3)} ms`);
    for (const variant of variants) {
      const { medianMs, y } = await measure(variant.bytes, batch, runs);
      const speedup = `speedup ×${(reference.medianMs / medianMs).toFixed(2)}`;
      console.log(`    ${variant.label.padEnd(32)} ${medianMs.toFixed(3).padStart(8)} ms   ${speedup}   output SQNR ${sqnrDb(reference.y, y).toFixed(1)} dB`);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
