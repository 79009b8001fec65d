import { defineModelFormat } from './model-format';

export const tfliteFormat = defineModelFormat({
  name: 'tflite',
  label: 'TFLite',
  description: "A TensorFlow Lite flatbuffer (.tflite, identifier 'TFL3').",
  withArticle: 'a TFLite',
  extensions: ['.tflite', '.lite'],
  fileName: (modelName) => `${modelName}.tflite`,
  detectOrder: 1,
});
