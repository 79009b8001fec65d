/** The trained demo CNN as an ONNX model spec (NCHW input, as the trainer computes it). */
import type { OnnxModelSpec } from '../../src/core/formats/onnx/onnx-writer';
import { CONV1, CONV2, type CnnParams, type ConvShape, FLAT } from './cnn';
import { CLASSES, IMAGE_SIDE } from './mnist-data';

export const PRODUCER_NAME = 'edgebench-train-demo';
/** Bump when the trainer changes what it writes. */
export const PRODUCER_VERSION = '1';

function convAttributes(s: ConvShape): Record<string, number[]> {
  // Pads are [top, left, bottom, right]: the extra row/column at the end is TF "same" padding.
  const padEnd = (s.outSide - 1) * s.stride + s.kernel - s.inSide - s.padBegin;
  return {
    kernel_shape: [s.kernel, s.kernel],
    strides: [s.stride, s.stride],
    pads: [s.padBegin, s.padBegin, padEnd, padEnd],
    dilations: [1, 1],
  };
}

export function demoOnnxSpec(p: CnnParams, docString: string): OnnxModelSpec {
  const k = (s: ConvShape): number[] => [s.outChannels, s.inChannels, s.kernel, s.kernel];
  return {
    irVersion: 8,
    opsetImports: [{ domain: '', version: 17 }],
    producerName: PRODUCER_NAME,
    producerVersion: PRODUCER_VERSION,
    graphName: 'demo_mnist',
    docString,
    inputs: [{ name: 'input', elemType: 'FLOAT', shape: ['batch', 1, IMAGE_SIDE, IMAGE_SIDE] }],
    outputs: [{ name: 'logits', elemType: 'FLOAT', shape: ['batch', CLASSES] }],
    initializers: [
      { name: 'conv1.weight', dims: k(CONV1), dataType: 'FLOAT', data: p.conv1W },
      { name: 'conv1.bias', dims: [CONV1.outChannels], dataType: 'FLOAT', data: p.conv1B },
      { name: 'conv2.weight', dims: k(CONV2), dataType: 'FLOAT', data: p.conv2W },
      { name: 'conv2.bias', dims: [CONV2.outChannels], dataType: 'FLOAT', data: p.conv2B },
      { name: 'dense.weight', dims: [CLASSES, FLAT], dataType: 'FLOAT', data: p.denseW },
      { name: 'dense.bias', dims: [CLASSES], dataType: 'FLOAT', data: p.denseB },
    ],
    nodes: [
      { opType: 'Conv', name: 'conv1', inputs: ['input', 'conv1.weight', 'conv1.bias'], outputs: ['conv1_out'], attributes: convAttributes(CONV1) },
      { opType: 'Relu', name: 'relu1', inputs: ['conv1_out'], outputs: ['relu1_out'] },
      { opType: 'Conv', name: 'conv2', inputs: ['relu1_out', 'conv2.weight', 'conv2.bias'], outputs: ['conv2_out'], attributes: convAttributes(CONV2) },
      { opType: 'Relu', name: 'relu2', inputs: ['conv2_out'], outputs: ['relu2_out'] },
      { opType: 'Flatten', name: 'flatten', inputs: ['relu2_out'], outputs: ['flat'], attributes: { axis: 1 } },
      { opType: 'Gemm', name: 'dense', inputs: ['flat', 'dense.weight', 'dense.bias'], outputs: ['logits'], attributes: { transB: 1 } },
    ],
  };
}
