import { z } from 'zod';
import { defineRuntime } from './runtime';

export const tfjsRuntime = defineRuntime({
  name: 'tfjs',
  label: 'TensorFlow.js',
  description: 'TensorFlow.js: tfjs-node where installed, else the wasm backend, else cpu.',
  formats: ['tfjs'],
  profiler: false,
  options: z.object({
    /** Preferred backend; 'auto' tries tensorflow (tfjs-node), then wasm, then cpu. */
    tfjsBackend: z.enum(['auto', 'tensorflow', 'wasm', 'cpu']).default('auto'),
  }),
  optionSpecs: {
    tfjsBackend: {
      label: 'TF.js backend',
      flag: 'tfjs-backend',
      help: 'TF.js backend (default auto: tensorflow, then wasm, then cpu).',
      field: {
        kind: 'select',
        choices: { auto: 'auto (tensorflow, then wasm, then cpu)', tensorflow: 'tensorflow (tfjs-node)', wasm: 'wasm', cpu: 'cpu' },
        hint: 'TensorFlow.js only',
        testId: 'bench-tfjs-backend',
      },
      report: { label: 'backend' },
    },
  },
});
