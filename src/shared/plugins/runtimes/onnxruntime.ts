import { z } from 'zod';
import { defineRuntime } from './runtime';

export const onnxruntimeRuntime = defineRuntime({
  name: 'onnxruntime',
  label: 'onnxruntime',
  description: 'ONNX Runtime, CPU execution provider (onnxruntime-node; onnxruntime for Python on boards).',
  formats: ['onnx'],
  profiler: true,
  options: z.object({
    /** Graph optimization level. */
    graphOptimizationLevel: z.enum(['disabled', 'basic', 'extended', 'all']).default('all'),
    /** Run independent nodes one after another, or in parallel on the inter-op pool. */
    executionMode: z.enum(['sequential', 'parallel']).default('sequential'),
    /** Inter-op threads (used by the parallel execution mode); 0 lets the runtime choose. */
    interOpThreads: z.number().int().min(0).default(0),
  }),
  optionSpecs: {
    graphOptimizationLevel: {
      label: 'Graph optimization',
      flag: 'graph-opt',
      help: 'onnxruntime graph optimization level (default all).',
      field: {
        kind: 'select',
        choices: { all: 'all (layout and fusions)', extended: 'extended', basic: 'basic (constant folding)', disabled: 'disabled' },
        hint: 'onnxruntime only',
        testId: 'bench-graph-opt',
      },
      report: { label: 'graph opt' },
    },
    executionMode: {
      label: 'Execution mode',
      flag: 'execution-mode',
      help: 'onnxruntime execution mode (default sequential).',
      field: {
        kind: 'select',
        choices: { sequential: 'sequential (one node at a time)', parallel: 'parallel (independent nodes at once)' },
        hint: 'Parallel uses the inter-op threads',
        testId: 'bench-exec-mode',
      },
      report: { label: '' },
    },
    interOpThreads: {
      label: 'Inter-op threads',
      flag: 'inter-op-threads',
      help: 'onnxruntime inter-op threads, for the parallel mode (default 0 = runtime decides).',
      field: {
        kind: 'number',
        hint: '0 = runtime decides',
        testId: 'bench-interop-input',
        enabledWhen: { key: 'executionMode', equals: 'parallel', reason: 'Used in parallel mode only' },
      },
      report: { label: 'inter-op', text: (threads) => (threads === 0 ? 'auto' : String(threads)) },
    },
  },
});
