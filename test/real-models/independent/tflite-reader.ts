/**
 * Inputs and outputs of a .tflite as LiteRT itself declares them once it has compiled the model.
 * Only the Node loader shim is ours (LiteRT.js is written for browsers); what it reports is LiteRT's.
 */
import { readFileSync } from 'node:fs';
import { loadLiteRtInNode } from '../../../src/core/runner/runtimes/litert-node';
import type { TensorFacts } from './onnx-readers';

export async function liteRtDetails(file: string): Promise<{ inputs: TensorFacts[]; outputs: TensorFacts[] }> {
  const litert = await loadLiteRtInNode();
  const compiled = await litert.loadAndCompile(new Uint8Array(readFileSync(file)), { accelerator: 'wasm' });
  try {
    const convert = (detail: { name: string; dtype: string; shape: ArrayLike<number> }): TensorFacts => ({
      name: detail.name,
      dtype: detail.dtype,
      shape: Array.from(detail.shape),
    });
    return { inputs: compiled.getInputDetails().map(convert), outputs: compiled.getOutputDetails().map(convert) };
  } finally {
    compiled.delete();
  }
}
