/** Synthetic .tflite models for the serial tests, built with the test flatbuffer builder. */
import { builtinOperatorName } from '../../../src/core/formats/tflite/tflite-schema';
import { encodeTfliteModel } from '../../../src/core/formats/tflite/tflite-writer';
import { buildTflite, TensorType } from '../formats/tflite-builder';

const SIN = Array.from({ length: 200 }, (_, code) => code).find((code) => builtinOperatorName(code) === 'SIN') as number;

/** input [1,8] float32 → SIN → output: an op our firmware's resolver does not register. */
export function unsupportedOpModel(): Uint8Array {
  return buildTflite({
    version: 3,
    opcodes: [{ deprecated: SIN, builtin: SIN }],
    tensors: [
      { name: 'input', shape: [1, 8], type: TensorType.FLOAT32 },
      { name: 'output', shape: [1, 8], type: TensorType.FLOAT32 },
    ],
    inputs: [0],
    outputs: [1],
    operators: [{ opcode: 0, inputs: [0], outputs: [1] }],
    buffers: [new Uint8Array(0)],
  });
}

/** input → CONV_2D (stride 4) → RESHAPE → FULLY_CONNECTED, float32, with the sizes given. */
function convDense(side: number, channels: number, units: number, description: string): Uint8Array {
  const out = side / 4;
  const flat = out * out * channels;
  return encodeTfliteModel({
    description,
    subgraphName: 'main',
    tensors: [
      { name: 'input', type: 'float32', shape: [1, side, side, channels] },
      { name: 'filter', type: 'float32', shape: [channels, 3, 3, channels], data: new Float32Array(channels * 9 * channels) },
      { name: 'bias', type: 'float32', shape: [channels], data: new Float32Array(channels) },
      { name: 'conv', type: 'float32', shape: [1, out, out, channels] },
      { name: 'flat', type: 'float32', shape: [1, flat] },
      { name: 'weights', type: 'float32', shape: [units, flat], data: new Float32Array(units * flat) },
      { name: 'logits', type: 'float32', shape: [1, units] },
    ],
    inputs: ['input'],
    outputs: ['logits'],
    operators: [
      { op: 'CONV_2D', inputs: ['input', 'filter', 'bias'], outputs: ['conv'], options: { padding: 'SAME', strideW: 4, strideH: 4 } },
      { op: 'RESHAPE', inputs: ['conv'], outputs: ['flat'], options: { newShape: [1, flat] } },
      { op: 'FULLY_CONNECTED', inputs: ['flat', 'weights'], outputs: ['logits'] },
    ],
  });
}

/** 1.6 MiB of float activations (a 160x160x16 input), small weights: too big for internal RAM, fine in PSRAM. */
export const bigActivationsModel = (): Uint8Array => convDense(160, 16, 2, 'synthetic big-activation model');

/** 4 MiB of float weights (a 256-unit dense layer over 4096 features): too big for a 2 MiB-flash STM32. */
export const bigWeightsModel = (): Uint8Array => convDense(64, 16, 256, 'synthetic big-weight model');
