import { defineModelFormat } from './model-format';

export const onnxFormat = defineModelFormat({
  name: 'onnx',
  label: 'ONNX',
  description: 'An ONNX model (.onnx), external data files beside it.',
  withArticle: 'an ONNX',
  extensions: ['.onnx'],
  fileName: (modelName) => `${modelName}.onnx`,
  detectOrder: 3,
});
