/**
 * The demo network and its hand-written backprop, in ONNX layouts:
 *   input [1,28,28] → Conv 1→8 3x3 s2 → Relu → Conv 8→16 3x3 s2 → Relu → Flatten(16·7·7) → Gemm → 10 logits.
 * Convs pad 0 before and 1 after each spatial axis, which is exactly TensorFlow's "same" padding
 * for a 3x3 stride-2 kernel on an even side, so the TF.js and TFLite copies compute the same thing.
 */
import { CLASSES, IMAGE_SIDE, PIXELS } from './mnist-data';
import type { Prng } from './prng';

export interface ConvShape {
  inChannels: number;
  outChannels: number;
  kernel: number;
  stride: number;
  /** Padding before each spatial axis (after-padding is whatever the output side needs). */
  padBegin: number;
  inSide: number;
  outSide: number;
}

export const CONV1: ConvShape = { inChannels: 1, outChannels: 8, kernel: 3, stride: 2, padBegin: 0, inSide: IMAGE_SIDE, outSide: 14 };
export const CONV2: ConvShape = { inChannels: 8, outChannels: 16, kernel: 3, stride: 2, padBegin: 0, inSide: 14, outSide: 7 };
export const FLAT = CONV2.outChannels * CONV2.outSide * CONV2.outSide;

/** Weights as float32 (what gets exported); OIHW for convs, [out, in] for the Gemm (transB = 1). */
export interface CnnParams {
  conv1W: Float32Array;
  conv1B: Float32Array;
  conv2W: Float32Array;
  conv2B: Float32Array;
  denseW: Float32Array;
  denseB: Float32Array;
}
export type ParamName = keyof CnnParams;
export const PARAM_NAMES: ParamName[] = ['conv1W', 'conv1B', 'conv2W', 'conv2B', 'denseW', 'denseB'];

const convWeights = (s: ConvShape): number => s.outChannels * s.inChannels * s.kernel * s.kernel;

/** He-normal weights (fan-in), zero biases. */
export function initParams(prng: Prng): CnnParams {
  const he = (count: number, fanIn: number): Float32Array => {
    const std = Math.sqrt(2 / fanIn);
    return Float32Array.from({ length: count }, () => prng.normal() * std);
  };
  return {
    conv1W: he(convWeights(CONV1), CONV1.inChannels * 9),
    conv1B: new Float32Array(CONV1.outChannels),
    conv2W: he(convWeights(CONV2), CONV2.inChannels * 9),
    conv2B: new Float32Array(CONV2.outChannels),
    denseW: he(CLASSES * FLAT, FLAT),
    denseB: new Float32Array(CLASSES),
  };
}

export function zerosLike(p: CnnParams): Record<ParamName, Float64Array> {
  const zeros = {} as Record<ParamName, Float64Array>;
  for (const name of PARAM_NAMES) zeros[name] = new Float64Array(p[name].length);
  return zeros;
}

function convForward(s: ConvShape, x: Float64Array, w: Float32Array, b: Float32Array, out: Float64Array): void {
  const { inChannels: C, kernel: K, inSide: H, outSide: OH, stride, padBegin } = s;
  for (let o = 0; o < s.outChannels; o++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OH; ox++) {
        let sum = b[o] as number;
        for (let c = 0; c < C; c++) {
          for (let ky = 0; ky < K; ky++) {
            const iy = oy * stride - padBegin + ky;
            if (iy < 0 || iy >= H) continue;
            for (let kx = 0; kx < K; kx++) {
              const ix = ox * stride - padBegin + kx;
              if (ix < 0 || ix >= H) continue;
              sum += (w[((o * C + c) * K + ky) * K + kx] as number) * (x[(c * H + iy) * H + ix] as number);
            }
          }
        }
        out[(o * OH + oy) * OH + ox] = sum;
      }
    }
  }
}

/** Accumulates dW and dB; writes dX when given (the first conv needs no input gradient). */
function convBackward(s: ConvShape, x: Float64Array, w: Float32Array, dz: Float64Array, dw: Float64Array, db: Float64Array, dx: Float64Array | null): void {
  const { inChannels: C, kernel: K, inSide: H, outSide: OH, stride, padBegin } = s;
  dx?.fill(0);
  for (let o = 0; o < s.outChannels; o++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OH; ox++) {
        const g = dz[(o * OH + oy) * OH + ox] as number;
        if (g === 0) continue;
        db[o] = (db[o] as number) + g;
        for (let c = 0; c < C; c++) {
          for (let ky = 0; ky < K; ky++) {
            const iy = oy * stride - padBegin + ky;
            if (iy < 0 || iy >= H) continue;
            for (let kx = 0; kx < K; kx++) {
              const ix = ox * stride - padBegin + kx;
              if (ix < 0 || ix >= H) continue;
              const wi = ((o * C + c) * K + ky) * K + kx;
              const xi = (c * H + iy) * H + ix;
              dw[wi] = (dw[wi] as number) + g * (x[xi] as number);
              if (dx) dx[xi] = (dx[xi] as number) + g * (w[wi] as number);
            }
          }
        }
      }
    }
  }
}

/** Per-sample activations, reused between samples to keep the trainer allocation-free. */
export class CnnWorkspace {
  readonly input = new Float64Array(PIXELS);
  readonly z1 = new Float64Array(CONV1.outChannels * CONV1.outSide ** 2);
  readonly a1 = new Float64Array(this.z1.length);
  readonly z2 = new Float64Array(FLAT);
  readonly a2 = new Float64Array(FLAT);
  readonly logits = new Float64Array(CLASSES);
  private readonly dLogits = new Float64Array(CLASSES);
  private readonly dA2 = new Float64Array(FLAT);
  private readonly dA1 = new Float64Array(this.z1.length);

  /**
   * Runs the network on one 28x28 image of bytes (scaled by 1/255, as the deployed model expects).
   * shiftX/shiftY translate the image (training-time augmentation; vacated pixels are background).
   */
  forward(p: CnnParams, pixels: Uint8Array, shiftX = 0, shiftY = 0): Float64Array {
    if (shiftX === 0 && shiftY === 0) {
      for (let i = 0; i < PIXELS; i++) this.input[i] = (pixels[i] as number) / 255;
    } else {
      for (let y = 0; y < IMAGE_SIDE; y++) {
        for (let x = 0; x < IMAGE_SIDE; x++) {
          const sy = y - shiftY;
          const sx = x - shiftX;
          const inside = sy >= 0 && sy < IMAGE_SIDE && sx >= 0 && sx < IMAGE_SIDE;
          this.input[y * IMAGE_SIDE + x] = inside ? (pixels[sy * IMAGE_SIDE + sx] as number) / 255 : 0;
        }
      }
    }
    convForward(CONV1, this.input, p.conv1W, p.conv1B, this.z1);
    for (let i = 0; i < this.z1.length; i++) this.a1[i] = Math.max(0, this.z1[i] as number);
    convForward(CONV2, this.a1, p.conv2W, p.conv2B, this.z2);
    for (let i = 0; i < FLAT; i++) this.a2[i] = Math.max(0, this.z2[i] as number);
    for (let o = 0; o < CLASSES; o++) {
      let sum = p.denseB[o] as number;
      const row = o * FLAT;
      for (let i = 0; i < FLAT; i++) sum += (p.denseW[row + i] as number) * (this.a2[i] as number);
      this.logits[o] = sum;
    }
    return this.logits;
  }

  /** Softmax cross-entropy on the last forward pass; adds this sample's gradients (scaled by `weight`) to `grads`. Returns the loss. */
  backward(p: CnnParams, label: number, weight: number, grads: Record<ParamName, Float64Array>): number {
    const max = Math.max(...this.logits);
    let total = 0;
    for (let o = 0; o < CLASSES; o++) total += Math.exp((this.logits[o] as number) - max);
    for (let o = 0; o < CLASSES; o++) {
      const prob = Math.exp((this.logits[o] as number) - max) / total;
      this.dLogits[o] = (prob - (o === label ? 1 : 0)) * weight;
    }
    const loss = -((this.logits[label] as number) - max - Math.log(total));

    this.dA2.fill(0);
    for (let o = 0; o < CLASSES; o++) {
      const g = this.dLogits[o] as number;
      grads.denseB[o] = (grads.denseB[o] as number) + g;
      const row = o * FLAT;
      for (let i = 0; i < FLAT; i++) {
        grads.denseW[row + i] = (grads.denseW[row + i] as number) + g * (this.a2[i] as number);
        this.dA2[i] = (this.dA2[i] as number) + g * (p.denseW[row + i] as number);
      }
    }
    for (let i = 0; i < FLAT; i++) if ((this.z2[i] as number) <= 0) this.dA2[i] = 0;
    convBackward(CONV2, this.a1, p.conv2W, this.dA2, grads.conv2W, grads.conv2B, this.dA1);
    for (let i = 0; i < this.dA1.length; i++) if ((this.z1[i] as number) <= 0) this.dA1[i] = 0;
    convBackward(CONV1, this.input, p.conv1W, this.dA1, grads.conv1W, grads.conv1B, null);
    return loss;
  }
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}

export function parameterCount(p: CnnParams): number {
  return PARAM_NAMES.reduce((sum, name) => sum + p[name].length, 0);
}
