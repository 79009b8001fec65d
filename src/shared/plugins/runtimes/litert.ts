import { z } from 'zod';
import { defineRuntime } from './runtime';

export const litertRuntime = defineRuntime({
  name: 'litert',
  label: 'LiteRT (TFLite)',
  description: 'LiteRT (TFLite) in wasm with XNNPACK (@litertjs/core); a Python TFLite interpreter on boards.',
  formats: ['tflite'],
  profiler: false,
  options: z.object({}),
  optionSpecs: {},
});
