import type { ModelFormat } from './model-info';

/** Which runtimes can load each model format, the first being the default. */
export const RUNTIMES_FOR_FORMAT: Record<ModelFormat, readonly ('onnxruntime' | 'tfjs' | 'litert')[]> = {
  onnx: ['onnxruntime'],
  tflite: ['litert'],
  tfjs: ['tfjs'],
};

/** Human names, for the UI and messages. */
export const RUNTIME_LABELS = {
  onnxruntime: 'onnxruntime',
  tfjs: 'TensorFlow.js',
  litert: 'LiteRT (TFLite)',
} as const;
