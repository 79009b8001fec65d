/** Mini-batch Adam over the demo CNN, and the trainer's own evaluation. */
import { argmax, CnnWorkspace, type CnnParams, PARAM_NAMES, type ParamName, zerosLike } from './cnn';
import { type Digits, PIXELS } from './mnist-data';
import { Prng } from './prng';

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Learning rate is multiplied by this after every epoch. */
  learningRateDecay: number;
  /** Each training image is shifted by up to this many pixels in x and y (uniform, seeded). */
  maxShiftPixels: number;
  seed: number;
  onEpoch?: (epoch: number, meanLoss: number) => void;
}

/** Adam (Kingma & Ba 2015) with the paper's default betas and epsilon. */
class Adam {
  private readonly m: Record<ParamName, Float64Array>;
  private readonly v: Record<ParamName, Float64Array>;
  private step = 0;

  constructor(params: CnnParams) {
    this.m = zerosLike(params);
    this.v = zerosLike(params);
  }

  update(params: CnnParams, grads: Record<ParamName, Float64Array>, learningRate: number): void {
    const beta1 = 0.9;
    const beta2 = 0.999;
    const epsilon = 1e-8;
    this.step++;
    const correction1 = 1 - beta1 ** this.step;
    const correction2 = 1 - beta2 ** this.step;
    for (const name of PARAM_NAMES) {
      const p = params[name];
      const g = grads[name];
      const m = this.m[name];
      const v = this.v[name];
      for (let i = 0; i < p.length; i++) {
        const gi = g[i] as number;
        const mi = beta1 * (m[i] as number) + (1 - beta1) * gi;
        const vi = beta2 * (v[i] as number) + (1 - beta2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        p[i] = (p[i] as number) - (learningRate * (mi / correction1)) / (Math.sqrt(vi / correction2) + epsilon);
      }
    }
  }
}

export function train(params: CnnParams, data: Digits, options: TrainOptions): void {
  const prng = new Prng(options.seed);
  const adam = new Adam(params);
  const grads = zerosLike(params);
  const work = new CnnWorkspace();
  const order = Uint32Array.from({ length: data.count }, (_, i) => i);
  let learningRate = options.learningRate;
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    prng.shuffle(order);
    let lossSum = 0;
    for (let start = 0; start < data.count; start += options.batchSize) {
      const batch = order.subarray(start, Math.min(start + options.batchSize, data.count));
      for (const name of PARAM_NAMES) grads[name].fill(0);
      for (const index of batch) {
        const shiftX = Math.floor(prng.next() * (2 * options.maxShiftPixels + 1)) - options.maxShiftPixels;
        const shiftY = Math.floor(prng.next() * (2 * options.maxShiftPixels + 1)) - options.maxShiftPixels;
        work.forward(params, data.pixels.subarray(index * PIXELS, (index + 1) * PIXELS), shiftX, shiftY);
        lossSum += work.backward(params, data.labels[index] as number, 1 / batch.length, grads);
      }
      adam.update(params, grads, learningRate);
    }
    options.onEpoch?.(epoch, lossSum / data.count);
    learningRate *= options.learningRateDecay;
  }
}

/** Top-1 predictions of the trainer's own forward pass. */
export function predict(params: CnnParams, data: Digits): Uint8Array {
  const work = new CnnWorkspace();
  const predictions = new Uint8Array(data.count);
  for (let i = 0; i < data.count; i++) {
    predictions[i] = argmax(work.forward(params, data.pixels.subarray(i * PIXELS, (i + 1) * PIXELS)));
  }
  return predictions;
}

export function top1(predictions: Uint8Array, labels: Uint8Array): number {
  let correct = 0;
  predictions.forEach((p, i) => {
    if (p === labels[i]) correct++;
  });
  return correct / labels.length;
}
