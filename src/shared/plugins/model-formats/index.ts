/**
 * Every model format, one line each. ModelFormat is derived from these keys; the engine's readers
 * (src/core/formats/model-readers.ts) are a table typed by it, so a format without a reader does
 * not compile.
 */
import { z } from 'zod';
import { defineRegistry, registryNames } from '../plugin';
import { onnxFormat } from './onnx';
import { tfjsFormat } from './tfjs';
import { tfliteFormat } from './tflite';

export type { ModelFormatDescriptor } from './model-format';

export const MODEL_FORMATS = defineRegistry({
  onnx: onnxFormat,
  tflite: tfliteFormat,
  tfjs: tfjsFormat,
});

export const ModelFormat = z.enum(registryNames(MODEL_FORMATS));
export type ModelFormat = z.infer<typeof ModelFormat>;
