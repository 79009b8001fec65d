/**
 * Every TF.js model @vladmandic/human ships runs through the studio's TF.js runtime on the wasm
 * backend (tfjs-node cannot install here): in a real runner process (hello, load, warmup, a short
 * measure, bye) with the inputs inspection declares (uint8 and int32 inputs, handtrack's
 * 320x320 from its signature rather than a guessed 1x1), and in-process with every output named
 * and shaped as inspection reports it. No model is refused: each loads and runs.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { inspectModelFiles } from '../../../src/core/formats/inspect';
import { RunnerClient, nodeForkSpawner } from '../../../src/core/runner/runner-client';
import { tfjsModule } from '../../../src/core/runner/runtimes/tfjs';
import { RuntimeOptions } from '../../../src/shared/run-schema';
import type { Dim } from '../../../src/shared/model-info';

const MODELS_DIR = join(import.meta.dirname, '..', '..', '..', 'node_modules', '@vladmandic', 'human', 'models');
// models.json in that folder is the package's size index, not a model.
const MODELS = readdirSync(MODELS_DIR).filter((name) => name.endsWith('.json') && name !== 'models.json').sort();

/** What a run uses for a declared shape: symbolic batch dims become 1. */
const sized = (shape: Dim[] | null): number[] | null => shape?.map((dim) => (typeof dim === 'number' ? dim : 1)) ?? null;

describe('@vladmandic/human models in the TF.js runtime', () => {
  test('the package ships the 11 graph models this test covers', () => {
    expect(MODELS).toHaveLength(11);
  });

  test.each(MODELS)('%s: a short bench in a runner process with the inputs inspect declares', { timeout: 120_000 }, async (file) => {
    const modelPath = join(MODELS_DIR, file);
    const info = await inspectModelFiles([modelPath]);
    const client = RunnerClient.start(nodeForkSpawner());
    try {
      await client.hello();
      const loaded = await client.load({ modelPath, runtime: 'tfjs', threads: 1, inputs: [], options: { tfjsBackend: 'wasm' } });
      expect(loaded.backend).toBe('wasm');
      expect(loaded.inputs.map((input) => [input.name, input.dtype, input.shape])).toEqual(info.inputs.map((t) => [t.name, t.dtype, sized(t.shape)]));
      await client.warmup({ runs: 1 });
      const samples = await client.measure({ runs: 3, minTimeMs: 0, progressEvery: 3 });
      expect(samples.latencyMs).toHaveLength(3);
      expect(samples.latencyMs.every((ms) => ms > 0)).toBe(true);
      await client.bye();
    } finally {
      await client.close();
    }
  });

  test.each(MODELS)('%s: outputs come back named and shaped as inspect reports them', { timeout: 60_000 }, async (file) => {
    const modelPath = join(MODELS_DIR, file);
    const info = await inspectModelFiles([modelPath]);
    const loaded = await tfjsModule.load({ modelPath, threads: 0, inputs: [], options: RuntimeOptions.parse({ tfjsBackend: 'wasm' }) });
    try {
      expect(loaded.outputNames).toEqual(info.outputs.map((output) => output.name));
      const given = Object.fromEntries(
        loaded.inputs.map((input) => [input.name, { dims: input.shape, data: new Float32Array(input.shape.reduce((a, b) => a * b, 1)).fill(1) }]),
      );
      const outputs = await loaded.infer?.(given);
      for (const output of info.outputs) {
        const dims = outputs?.[output.name]?.dims;
        expect(dims, `output '${output.name}'`).toBeDefined();
        if (output.shape) expect(dims).toEqual(sized(output.shape));
      }
    } finally {
      await loaded.release();
    }
  });
});
