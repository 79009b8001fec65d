import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { CalibrationData } from '../../../src/core/quantize';

const root = join(import.meta.dirname, '..', '..', '..', 'resources');
const PIXELS = 28 * 28;

/** The demo model's bytes and the demo digits as float32 NCHW (pixels / 255), with labels. */
export function loadDemo(): { model: Uint8Array; images: Float32Array; labels: Uint8Array; count: number } {
  const model = new Uint8Array(readFileSync(join(root, 'models', 'demo-mnist.onnx')));
  const samples = readFileSync(join(root, 'datasets', 'demo-digits', 'samples.u8'));
  const labels = new Uint8Array(readFileSync(join(root, 'datasets', 'demo-digits', 'labels.u8')));
  const images = Float32Array.from(samples, (v) => v / 255);
  return { model, images, labels, count: labels.length };
}

/** One feed per sample, [1, 1, 28, 28], for the first `count` images. */
export function demoFeeds(images: Float32Array, count: number): CalibrationData['inputs'] {
  return Array.from({ length: count }, (_, i) => ({ input: { dims: [1, 1, 28, 28], data: images.slice(i * PIXELS, (i + 1) * PIXELS) } }));
}

/** Top-1 accuracy of a model over all images in one batch. */
export async function top1(model: Uint8Array, images: Float32Array, labels: Uint8Array): Promise<number> {
  const session = await ort.InferenceSession.create(model);
  try {
    const count = labels.length;
    const { logits } = await session.run({ input: new ort.Tensor('float32', images, [count, 1, 28, 28]) });
    const scores = logits?.data as Float32Array;
    let correct = 0;
    for (let i = 0; i < count; i += 1) {
      let best = 0;
      for (let c = 1; c < 10; c += 1) if ((scores[i * 10 + c] as number) > (scores[i * 10 + best] as number)) best = c;
      if (best === labels[i]) correct += 1;
    }
    return correct / count;
  } finally {
    await session.release();
  }
}
