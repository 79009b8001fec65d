import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      // npm packages stay in node_modules: onnxruntime-node is native and must be loaded, not bundled.
      externalizeDeps: true,
      rolldownOptions: {
        input: {
          index: resolve(root, 'src/main/index.ts'),
          // The benchmark runner, started by utility-spawner.ts as out/main/runner.js.
          runner: resolve(root, 'src/core/runner/runner-process.ts'),
          // Quantization and per-layer SQNR, started the same way as out/main/worker.js.
          worker: resolve(root, 'src/core/workers/worker-process.ts'),
          // The simulated serial board, run by the Devices page on a pseudo-terminal.
          'pty-board': resolve(root, 'src/core/targets/serial/simulator/pty-board-main.ts'),
          // TFLite calibration in LiteRT, started by the worker as out/main/tflite-calibrate.js (process-entries.ts).
          'tflite-calibrate': resolve(root, 'src/core/workers/tflite-calibrate-process.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can require only 'electron' and cannot load ES modules, so it is
      // one self-contained CommonJS file with zod (via src/shared) bundled in.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src/renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      rolldownOptions: {
        input: { index: resolve(root, 'src/renderer/index.html') },
      },
    },
  },
});
