/**
 * The TF.js runtime on real TF.js (no mocks): the demo model classifies held-out digits, the
 * runtime module builds inputs and runs, refreshes inputs, reports its backend, frees its
 * tensors, names a broken file, and runs through a real runner process.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { RunnerClient, nodeForkSpawner } from '../../../src/core/runner/runner-client';
import { runOnce, tfjsModule } from '../../../src/core/runner/runtimes/tfjs';
import { loadTfjsCore, tfjsNodeInstalled, tfjsNodeState, useTfjsBackend } from '../../../src/core/runner/runtimes/tfjs-backend';
import { openTfjsModel } from '../../../src/core/runner/runtimes/tfjs-model';
import { StudioError } from '../../../src/shared/errors';
import { RuntimeOptions } from '../../../src/shared/run-schema';

const root = join(import.meta.dirname, '..', '..', '..');
const demoModel = join(root, 'resources', 'models', 'demo-mnist-tfjs', 'model.json');
const digitsDir = join(root, 'resources', 'datasets', 'demo-digits');
const PIXELS = 28 * 28;
const DIGITS = 20;

const options = (tfjsBackend: RuntimeOptions['tfjsBackend'] = 'auto'): RuntimeOptions => RuntimeOptions.parse({ tfjsBackend });

/** The first held-out digits as NHWC float32 [1,28,28,1] pixels/255, with their labels. */
function heldOutDigits(): Array<{ pixels: Float32Array; label: number }> {
  const samples = readFileSync(join(digitsDir, 'samples.u8'));
  const labels = readFileSync(join(digitsDir, 'labels.u8'));
  return Array.from({ length: DIGITS }, (_, i) => ({
    pixels: Float32Array.from(samples.subarray(i * PIXELS, (i + 1) * PIXELS), (v) => v / 255),
    label: labels[i] as number,
  }));
}

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}

async function rejection(promise: Promise<unknown>): Promise<StudioError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof StudioError)) throw new Error(`expected a StudioError, got ${String(error)}`);
  return error;
}

/** A graph model as the converter writes one: y = relu(x · W + b), x float32 [-1, 4] fed by signature name. */
function writeGraphModel(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgebench-tfjs-graph-'));
  const dims = (...sizes: number[]): { dim: Array<{ size: string }> } => ({ dim: sizes.map((size) => ({ size: String(size) })) });
  const json = {
    format: 'graph-model',
    generatedBy: '2.15.0',
    convertedBy: 'edgebench test',
    signature: {
      inputs: { x: { name: 'x:0', dtype: 'DT_FLOAT', tensorShape: dims(-1, 4) } },
      outputs: { y: { name: 'y:0', dtype: 'DT_FLOAT', tensorShape: dims(-1, 3) } },
    },
    modelTopology: {
      node: [
        { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dims(-1, 4) } } },
        { name: 'w', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' }, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dims(4, 3) } } } },
        { name: 'b', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' }, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dims(3) } } } },
        { name: 'xw', op: 'MatMul', input: ['x', 'w'], attr: { T: { type: 'DT_FLOAT' }, transpose_a: { b: false }, transpose_b: { b: false } } },
        { name: 'xwb', op: 'BiasAdd', input: ['xw', 'b'], attr: { T: { type: 'DT_FLOAT' } } },
        { name: 'y', op: 'Relu', input: ['xwb'], attr: { T: { type: 'DT_FLOAT' } } },
      ],
      versions: { producer: 1474 },
    },
    weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'w', shape: [4, 3], dtype: 'float32' }, { name: 'b', shape: [3], dtype: 'float32' }] }],
  };
  const weights = new Float32Array([...Array.from({ length: 12 }, (_, i) => i / 10), 0.5, -100, 1]);
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
  writeFileSync(join(dir, 'weights.bin'), new Uint8Array(weights.buffer));
  return join(dir, 'model.json');
}

describe('TF.js runtime', () => {
  test.each(['wasm', 'cpu'] as const)('the demo model classifies held-out digits on the %s backend', async (name) => {
    const backend = await useTfjsBackend(name, 0);
    expect(backend.name).toBe(name);
    const model = await openTfjsModel(demoModel, backend.tf);
    expect(model.kind).toBe('layers');
    expect(model.inputs).toEqual([{ name: 'conv1_input', dtype: 'float32', tensorDtype: 'float32', shape: [null, 28, 28, 1] }]);
    let correct = 0;
    for (const digit of heldOutDigits()) {
      const input = backend.tf.tensor(digit.pixels, [1, 28, 28, 1]);
      const [logits] = await runOnce(model, [input]);
      input.dispose();
      if (logits instanceof Float32Array && argmax(logits) === digit.label) correct++;
    }
    model.dispose();
    expect(correct).toBeGreaterThanOrEqual(18);
  });

  test('loads the demo model with a constant input, runs it and says which backend ran', async () => {
    const loaded = await tfjsModule.load({ modelPath: demoModel, threads: 0, inputs: [{ name: 'conv1_input', fill: { kind: 'constant', value: 0.5 } }], options: options() });
    expect(loaded.backend).toBe(tfjsNodeInstalled() ? 'tensorflow' : 'wasm');
    expect(loaded.inputs).toEqual([{ name: 'conv1_input', dtype: 'float32', shape: [1, 28, 28, 1], fill: { kind: 'constant', value: 0.5 }, declaredShape: [null, 28, 28, 1] }]);
    const [logits] = (await loaded.run()) as Float32Array[];
    expect(logits).toHaveLength(10);
    // A constant input is not random data: refreshing leaves it, and so the outputs, alone.
    loaded.refreshInputs(7);
    expect((await loaded.run()) as Float32Array[]).toEqual([logits]);
    await loaded.release();
  });

  test('refreshInputs gives generated inputs new values', async () => {
    const loaded = await tfjsModule.load({ modelPath: demoModel, threads: 0, inputs: [], options: options('wasm') });
    const before = (await loaded.run()) as Float32Array[];
    expect((await loaded.run()) as Float32Array[]).toEqual(before);
    loaded.refreshInputs(1234);
    expect((await loaded.run()) as Float32Array[]).not.toEqual(before);
    await loaded.release();
  });

  test('leaves no tensor behind over 100 runs and frees everything on release', async () => {
    const tf = await loadTfjsCore();
    const start = tf.memory().numTensors;
    const loaded = await tfjsModule.load({ modelPath: demoModel, threads: 0, inputs: [], options: options('wasm') });
    await loaded.run();
    const afterFirst = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) await loaded.run();
    loaded.refreshInputs(5);
    expect(tf.memory().numTensors).toBe(afterFirst);
    await loaded.release();
    expect(tf.memory().numTensors).toBe(start);
  });

  test('runs a graph model, feeding inputs by signature name with -1 dims set to 1 unless a shape is given', async () => {
    const modelPath = writeGraphModel();
    const loaded = await tfjsModule.load({ modelPath, threads: 0, inputs: [], options: options('cpu') });
    expect(loaded.backend).toBe('cpu');
    expect(loaded.inputs).toEqual([{ name: 'x', dtype: 'float32', shape: [1, 4], fill: { kind: 'random', seed: 1 }, declaredShape: [null, 4] }]);
    await loaded.release();
    const batch = await tfjsModule.load({ modelPath, threads: 0, inputs: [{ name: 'x', shape: [2, 4], fill: { kind: 'constant', value: 1 } }], options: options('cpu') });
    // x = ones: y = relu(column sums of W + b) = relu([1.8 + 0.5, 2.2 - 100, 2.6 + 1]) for each of 2 rows.
    const [y] = (await batch.run()) as Float32Array[];
    expect(Array.from(y ?? [], (v) => Number(v.toFixed(4)))).toEqual([2.3, 0, 3.6, 2.3, 0, 3.6]);
    await batch.release();
  });

  test('a damaged model.json or a missing shard is a RUNTIME error naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgebench-tfjs-broken-'));
    const cut = join(dir, 'model.json');
    writeFileSync(cut, readFileSync(demoModel, 'utf8').slice(0, 200));
    const error = await rejection(tfjsModule.load({ modelPath: cut, threads: 0, inputs: [], options: options('cpu') }));
    expect(error.code).toBe('RUNTIME');
    expect(error.context.runnerCode).toBe('LOAD_FAILED');
    expect(error.message).toContain(cut);
    expect(error.message).toContain('not valid JSON');

    const noShard = join(mkdtempSync(join(tmpdir(), 'edgebench-tfjs-noshard-')), 'model.json');
    writeFileSync(noShard, readFileSync(demoModel));
    const missing = await rejection(tfjsModule.load({ modelPath: noShard, threads: 0, inputs: [], options: options('cpu') }));
    expect(missing.context.runnerCode).toBe('LOAD_FAILED');
    expect(missing.message).toContain('group1-shard1of1.bin');
  });

  test('asking for the tensorflow backend without tfjs-node says how to get it', async () => {
    if (tfjsNodeInstalled()) {
      expect((await useTfjsBackend('tensorflow', 0)).name).toBe('tensorflow');
      return;
    }
    const error = await rejection(tfjsModule.load({ modelPath: demoModel, threads: 0, inputs: [], options: options('tensorflow') }));
    // npm installs the optional package without running its install script, so it may be present without its addon.
    const why = tfjsNodeState() === 'missing'
      ? 'is not installed'
      : 'is installed without its native addon (its install script, which downloads libtensorflow, did not run)';
    expect(error.message).toBe(
      `The TF.js backend 'tensorflow' cannot start here: @tensorflow/tfjs-node ${why}. Install it with 'npm install @tensorflow/tfjs-node' and let its install script run (it downloads libtensorflow), or choose the wasm or cpu backend.`,
    );
  });

  test('runs the demo model through a real runner process: hello, load, warmup, measure, bye', async () => {
    const client = RunnerClient.start(nodeForkSpawner());
    try {
      const hello = await client.hello();
      expect(hello.runtimes.tfjs).toBe(tfjsModule.version());
      const loaded = await client.load({ modelPath: demoModel, runtime: 'tfjs', threads: 1, inputs: [], options: { tfjsBackend: 'wasm' } });
      expect(loaded.backend).toBe('wasm');
      expect(loaded.inputs.map((input) => input.shape)).toEqual([[1, 28, 28, 1]]);
      const warm = await client.warmup({ runs: 5 });
      expect(warm.runs).toBe(5);
      const samples = await client.measure({ runs: 20, minTimeMs: 0, progressEvery: 10 });
      expect(samples.latencyMs).toHaveLength(20);
      expect(samples.latencyMs.every((ms) => ms > 0)).toBe(true);
      const bye = await client.bye();
      expect(bye.peakRssBytes).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
  });
});
