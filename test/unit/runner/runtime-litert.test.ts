/**
 * The LiteRT runtime on real LiteRT.js in Node (no mocks): the demo TFLite model classifies
 * held-out digits, the runtime module builds inputs and runs, refreshes inputs, reports its
 * backend, names a broken file, and runs through a real runner process.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { encodeTfliteModel } from '../../../src/core/formats/tflite/tflite-writer';
import { RUNNER_PROTOCOL, RunnerReply } from '../../../src/core/runner/protocol';
import { RunnerClient, nodeForkSpawner } from '../../../src/core/runner/runner-client';
import { LITERT_BACKEND, litertModule, openLiteRtModel, runLiteRtOnce } from '../../../src/core/runner/runtimes/litert';
import { StudioError } from '../../../src/shared/errors';
import { RuntimeOptions } from '../../../src/shared/run-schema';

const root = join(import.meta.dirname, '..', '..', '..');
const demoModel = join(root, 'resources', 'models', 'demo-mnist.tflite');
const digitsDir = join(root, 'resources', 'datasets', 'demo-digits');
const PIXELS = 28 * 28;
const DIGITS = 20;
const options = RuntimeOptions.parse({});

/** The first held-out digits as NHWC float32 [1,28,28,1] pixels/255, with their labels. */
function heldOutDigits(): Array<{ pixels: Float32Array<ArrayBuffer>; label: number }> {
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

function writeFile(name: string, bytes: Uint8Array): string {
  const path = join(mkdtempSync(join(tmpdir(), 'edgebench-litert-')), name);
  writeFileSync(path, bytes);
  return path;
}

describe('LiteRT runtime', () => {
  test('the demo model classifies held-out digits', async () => {
    const model = await openLiteRtModel(demoModel, 0);
    expect(model.inputs).toEqual([{ name: 'input', dtype: 'float32', shape: [1, 28, 28, 1] }]);
    let correct = 0;
    for (const digit of heldOutDigits()) {
      const input = new model.library.Tensor(digit.pixels, [1, 28, 28, 1]);
      const [logits] = await runLiteRtOnce(model.compiled, [input]);
      input.delete();
      if (logits !== undefined && argmax(logits) === digit.label) correct++;
    }
    model.compiled.delete();
    expect(correct).toBeGreaterThanOrEqual(18);
  });

  test('loads the demo model with a constant input, runs it and says which backend ran', async () => {
    const loaded = await litertModule.load({ modelPath: demoModel, threads: 0, inputs: [{ name: 'input', fill: { kind: 'constant', value: 0.5 } }], options });
    expect(loaded.backend).toBe(LITERT_BACKEND);
    expect(loaded.inputs).toEqual([{ name: 'input', dtype: 'float32', shape: [1, 28, 28, 1], fill: { kind: 'constant', value: 0.5 }, declaredShape: [1, 28, 28, 1] }]);
    const [logits] = (await loaded.run()) as Float32Array[];
    expect(logits).toHaveLength(10);
    // A constant input is not random data: refreshing leaves it, and so the outputs, alone.
    loaded.refreshInputs(7);
    expect((await loaded.run()) as Float32Array[]).toEqual([logits]);
    await loaded.release();
  });

  test('refreshInputs gives generated inputs new values', async () => {
    const loaded = await litertModule.load({ modelPath: demoModel, threads: 0, inputs: [], options });
    const before = (await loaded.run()) as Float32Array[];
    expect((await loaded.run()) as Float32Array[]).toEqual(before);
    loaded.refreshInputs(1234);
    expect((await loaded.run()) as Float32Array[]).not.toEqual(before);
    await loaded.release();
  });

  test('runs a one-op model exactly and keeps running after 1000 inferences', async () => {
    const add = encodeTfliteModel({
      description: 'y = x + 1',
      subgraphName: 'main',
      tensors: [
        { name: 'x', type: 'float32', shape: [1, 4] },
        { name: 'one', type: 'float32', shape: [1, 4], data: new Float32Array([1, 1, 1, 1]) },
        { name: 'y', type: 'float32', shape: [1, 4] },
      ],
      inputs: ['x'],
      outputs: ['y'],
      operators: [{ op: 'ADD', inputs: ['x', 'one'], outputs: ['y'] }],
    });
    const loaded = await litertModule.load({ modelPath: writeFile('add.tflite', add), threads: 0, inputs: [{ name: 'x', fill: { kind: 'constant', value: 41 } }], options });
    for (let i = 0; i < 1000; i++) await loaded.run();
    expect(Array.from(((await loaded.run()) as Float32Array[])[0] ?? [])).toEqual([42, 42, 42, 42]);
    await loaded.release();
  });

  test('a damaged or missing .tflite file is a RUNTIME error naming the file, and the runtime stays usable', async () => {
    const truncated = writeFile('cut.tflite', readFileSync(demoModel).subarray(0, 4000));
    const error = await rejection(litertModule.load({ modelPath: truncated, threads: 0, inputs: [], options }));
    expect(error.code).toBe('RUNTIME');
    expect(error.context.runnerCode).toBe('LOAD_FAILED');
    expect(error.message).toBe(`LiteRT.js could not load '${truncated}': Failed to load model from buffer; is it a complete .tflite file? Re-export it or check the download.`);

    const missing = join(tmpdir(), 'edgebench-no-such-model.tflite');
    const notThere = await rejection(litertModule.load({ modelPath: missing, threads: 0, inputs: [], options }));
    expect(notThere.message).toBe(`LiteRT.js could not load '${missing}': the file does not exist; check the path.`);

    const loaded = await litertModule.load({ modelPath: demoModel, threads: 0, inputs: [], options });
    expect(((await loaded.run()) as Float32Array[])[0]).toHaveLength(10);
    await loaded.release();
  });

  test('runs the demo model through a real runner process: hello, load, warmup, measure, bye', async () => {
    const client = RunnerClient.start(nodeForkSpawner());
    try {
      const hello = await client.hello();
      expect(hello.runtimes.litert).toBe(litertModule.version());
      const loaded = await client.load({ modelPath: demoModel, runtime: 'litert', threads: 1, inputs: [] });
      expect(loaded.backend).toBe(LITERT_BACKEND);
      expect(loaded.inputs.map((input) => input.shape)).toEqual([[1, 28, 28, 1]]);
      const warm = await client.warmup({ runs: 5 });
      expect(warm.runs).toBe(5);
      const samples = await client.measure({ runs: 20, minTimeMs: 0, progressEvery: 10 });
      expect(samples.latencyMs).toHaveLength(20);
      expect(samples.latencyMs.every((ms) => ms > 0)).toBe(true);
      // LiteRT.js's own log lines are kept as the runner's log.
      expect(client.runnerLog.some((line) => line.includes('XNNPACK'))).toBe(true);
      await client.bye();
    } finally {
      await client.close();
    }
  });

  test("LiteRT.js's log never reaches the runner's stdout, where only protocol lines may go", () => {
    const runnerPath = fileURLToPath(new URL('../../../src/core/runner/runner-process.ts', import.meta.url));
    const requests = [
      { type: 'hello', protocol: RUNNER_PROTOCOL },
      { type: 'load', modelPath: demoModel, runtime: 'litert', threads: 0, inputs: [] },
      { type: 'warmup', runs: 1 },
      { type: 'bye' },
    ];
    const result = spawnSync(process.execPath, ['--import', 'tsx', runnerPath], {
      input: `${requests.map((r) => JSON.stringify(r)).join('\n')}\n`,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(0);
    const kinds = result.stdout.trim().split('\n').map((line) => RunnerReply.parse(JSON.parse(line)).type);
    expect(kinds.filter((kind) => kind !== 'progress')).toEqual(['hello', 'loaded', 'first', 'warmedUp', 'bye']);
    expect(result.stderr).toContain('XNNPACK');
  });
});
