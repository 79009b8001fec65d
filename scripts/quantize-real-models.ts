/**
 * Quantizes every real third-party ONNX model in node_modules (silero VAD, PaddleOCR, openwakeword)
 * in each mode and prints what came out: nodes quantized, size against the float file, and how
 * closely the variant's outputs follow the float model's on seeded inputs (SQNR in dB and cosine).
 *
 *   npx tsx scripts/quantize-real-models.ts [--out DIR]     quantize (int8 with full and with 7-bit weights), write the variants, evaluate
 *   qemu-x86_64 -cpu Haswell $(which node) --import tsx scripts/quantize-real-models.ts --eval DIR
 *                                                          evaluate written variants on an emulated AVX2 CPU without VNNI
 *
 * Inputs are seeded noise of the sizes the models' projects use, not real audio or images, so the
 * figures compare a variant with its float model, not task accuracy.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { quantizeOnnx, type QuantRecipeInput } from '../src/core/quantize';
import { agreement, floatOutputs, modelBytes, REAL_ONNX_MODELS } from '../test/unit/quantize/real-onnx-models';

const RECIPES: Array<{ key: string; recipe: QuantRecipeInput }> = [
  { key: 'dynamic-full', recipe: { mode: 'dynamic', perChannel: true, weightRange: 'full' } },
  { key: 'dynamic-reduced', recipe: { mode: 'dynamic', perChannel: true, weightRange: 'reduced' } },
  { key: 'static-full', recipe: { mode: 'static', perChannel: true, weightRange: 'full' } },
  { key: 'static-reduced', recipe: { mode: 'static', perChannel: true, weightRange: 'reduced' } },
  { key: 'fp16', recipe: { mode: 'fp16' } },
];
const CALIBRATION_SAMPLES = 16;
const EVAL_SAMPLES = 4;

function slug(name: string): string {
  return name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' }, eval: { type: 'string' } } });
  const dir = path.resolve(values.eval ?? values.out ?? path.join('/tmp', 'edgebench-real-variants'));
  mkdirSync(dir, { recursive: true });
  console.log(`CPU: ${cpus()[0]?.model ?? 'unknown'}; onnxruntime-node ${ort.env.versions.common}; ${values.eval ? `evaluating variants in ${dir}` : `writing variants to ${dir}`}`);
  console.log('model | recipe | nodes quantized | size vs float | SQNR dB | cosine | note');
  for (const model of REAL_ONNX_MODELS) {
    const float = modelBytes(model);
    const evalFeeds = Array.from({ length: EVAL_SAMPLES }, (_, i) => model.feed(1000 + i));
    const reference = await floatOutputs(float, evalFeeds);
    for (const { key, recipe } of RECIPES) {
      const file = path.join(dir, `${slug(model.name)}.${key}.onnx`);
      let bytes: Uint8Array;
      let nodes = '-';
      let note = '';
      if (values.eval) {
        try {
          bytes = new Uint8Array(readFileSync(file));
        } catch {
          console.log(`${model.name} | ${key} | - | - | - | - | not written`);
          continue;
        }
      } else {
        try {
          const calibration = { inputs: Array.from({ length: CALIBRATION_SAMPLES }, (_, i) => model.feed(i + 1)) };
          const result = await quantizeOnnx(float, recipe, recipe.mode === 'static' ? calibration : undefined);
          bytes = result.bytes;
          nodes = String(result.quantizedNodes.length);
          note = [...(result.opset ? [`opset ${result.opset.from}→${result.opset.to}`] : []), ...(result.recipe.perChannel === false && recipe.perChannel ? ['per-tensor'] : [])].join(', ');
          if (result.notes.some((n) => n.startsWith('Weights are quantized per tensor'))) note = [note, 'per-tensor weights'].filter(Boolean).join(', ');
          writeFileSync(file, bytes);
        } catch (error) {
          console.log(`${model.name} | ${key} | - | - | - | - | refused: ${(error as Error).message.slice(0, 160)}`);
          continue;
        }
      }
      const { sqnrDb, cosine } = agreement(reference, await floatOutputs(bytes, evalFeeds));
      console.log(`${model.name} | ${key} | ${nodes} | ${(bytes.byteLength / float.byteLength).toFixed(3)} | ${sqnrDb.toFixed(1)} | ${cosine.toFixed(5)} | ${note}`);
    }
  }
}

await main();
