/** Shared pieces of the serial tests: the demo model, held-out digits, and fault injection on frames. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FrameDecoder, MsgType } from '../../../src/core/targets/serial/edgebench-protocol/frame';

const root = join(import.meta.dirname, '..', '..', '..');
export const demoModelPath = join(root, 'resources', 'models', 'demo-mnist.tflite');
export const demoModel = (): Uint8Array => new Uint8Array(readFileSync(demoModelPath));

const PIXELS = 28 * 28;
/** Held-out digits as NHWC float32 pixels / 255 (the demo model's input), with labels. */
export function heldOutDigits(count: number): Array<{ pixels: Float32Array; label: number }> {
  const dir = join(root, 'resources', 'datasets', 'demo-digits');
  const samples = readFileSync(join(dir, 'samples.u8'));
  const labels = readFileSync(join(dir, 'labels.u8'));
  return Array.from({ length: count }, (_, i) => ({
    pixels: Float32Array.from(samples.subarray(i * PIXELS, (i + 1) * PIXELS), (v) => v / 255),
    label: labels[i] as number,
  }));
}

/** The message type of a written frame (the client writes one whole frame per write). */
export function frameType(wire: Uint8Array): number | undefined {
  const chunk = new FrameDecoder().push(wire).find((c) => c.kind === 'frame');
  return chunk?.kind === 'frame' ? chunk.frame.type : undefined;
}

/** Flips one bit in the middle of a frame without creating a 0x00 (which would split it instead). */
export function damage(wire: Uint8Array): Uint8Array {
  const copy = wire.slice();
  const at = Math.floor(copy.length / 2);
  copy[at] = (copy[at] as number) ^ ((copy[at] as number) === 0x10 ? 0x20 : 0x10);
  return copy;
}

/** A tamper hook that hands the n-th (1-based) frame of `type` to `change`. */
export function onNthFrame(type: number, n: number, change: (wire: Uint8Array) => Uint8Array): (wire: Uint8Array) => Uint8Array {
  let seen = 0;
  return (wire) => {
    if (frameType(wire) !== type) return wire;
    seen += 1;
    return seen === n ? change(wire) : wire;
  };
}

export { MsgType };
