/** Runs an ONNX classifier over a digit set in onnxruntime-node and returns its top-1 predictions. */
import * as ort from 'onnxruntime-node';
import { argmax } from './cnn';
import { CLASSES, type Digits, IMAGE_SIDE, PIXELS } from './mnist-data';

const BATCH = 500;

export async function predictWithOnnxRuntime(model: Uint8Array, data: Digits): Promise<Uint8Array> {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
  const predictions = new Uint8Array(data.count);
  try {
    for (let start = 0; start < data.count; start += BATCH) {
      const count = Math.min(BATCH, data.count - start);
      const input = Float32Array.from(data.pixels.subarray(start * PIXELS, (start + count) * PIXELS), (v) => v / 255);
      const result = await session.run({ input: new ort.Tensor('float32', input, [count, 1, IMAGE_SIDE, IMAGE_SIDE]) });
      const logits = result.logits?.data as Float32Array;
      for (let i = 0; i < count; i++) predictions[start + i] = argmax(logits.subarray(i * CLASSES, (i + 1) * CLASSES));
    }
  } finally {
    await session.release();
  }
  return predictions;
}
