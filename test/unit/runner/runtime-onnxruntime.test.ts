/**
 * The onnxruntime runtime module loaded in this process (as the runner loads it): options reach
 * the session, fresh inputs really change the data, and the profile comes from a separate
 * session whose file is cleaned up.
 */
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Tensor } from 'onnxruntime-node';
import { afterEach, describe, expect, test } from 'vitest';
import type { LoadedModel } from '../../../src/core/runner/runtimes/index';
import { onnxruntimeModule } from '../../../src/core/runner/runtimes/onnxruntime';
import type { OnnxModelSpec } from '../../../src/core/formats/onnx/onnx-writer';
import { RuntimeOptions } from '../../../src/shared/run-schema';
import { DEMO_ONNX_PATH } from './bench-helpers';
import { writeModel } from './tiny-models';

/** y = x and z = w: what goes in comes out, so an output shows exactly the input that ran. */
const identitySpec: OnnxModelSpec = {
  irVersion: 8,
  opsetImports: [{ domain: '', version: 17 }],
  producerName: 'edgebench-test',
  producerVersion: '1',
  graphName: 'identity',
  inputs: [
    { name: 'x', elemType: 'FLOAT', shape: [2, 3] },
    { name: 'w', elemType: 'FLOAT', shape: [4] },
  ],
  outputs: [
    { name: 'y', elemType: 'FLOAT', shape: [2, 3] },
    { name: 'z', elemType: 'FLOAT', shape: [4] },
  ],
  initializers: [],
  nodes: [
    { opType: 'Identity', name: 'id_x', inputs: ['x'], outputs: ['y'] },
    { opType: 'Identity', name: 'id_w', inputs: ['w'], outputs: ['z'] },
  ],
};
const identityPath = writeModel(identitySpec);

const loaded: LoadedModel[] = [];
afterEach(async () => {
  await Promise.all(loaded.splice(0).map((model) => model.release()));
});

async function load(modelPath: string, options: Partial<RuntimeOptions> = {}, inputs: Parameters<typeof onnxruntimeModule.load>[0]['inputs'] = []): Promise<LoadedModel> {
  const model = await onnxruntimeModule.load({ modelPath, threads: 1, inputs, options: RuntimeOptions.parse(options) });
  loaded.push(model);
  return model;
}

/** The data of one output of a run (the runtime's run() resolves to onnxruntime's outputs). */
async function outputOf(model: LoadedModel, name: string): Promise<number[]> {
  const outputs = (await model.run()) as Record<string, Tensor>;
  const tensor = outputs[name];
  if (tensor === undefined) throw new Error(`no output ${name}`);
  return Array.from(tensor.data as Float32Array);
}

describe('onnxruntime runtime', () => {
  test('reports the cpu backend', async () => {
    expect((await load(identityPath)).backend).toBe('cpu');
  });

  test('refreshInputs gives new random data per seed, reproducibly, and leaves --value inputs alone', async () => {
    const model = await load(identityPath, {}, [{ name: 'w', fill: { kind: 'constant', value: 7 } }]);
    const initial = await outputOf(model, 'y');
    model.refreshInputs(1);
    const first = await outputOf(model, 'y');
    model.refreshInputs(2);
    const second = await outputOf(model, 'y');
    model.refreshInputs(1);
    const again = await outputOf(model, 'y');

    expect(first).not.toEqual(initial);
    expect(second).not.toEqual(first);
    expect(again).toEqual(first);
    expect(first.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(await outputOf(model, 'z')).toEqual([7, 7, 7, 7]);
  });

  test('graphOptimizationLevel reaches the session: "basic" keeps Relu nodes, "all" fuses them into Conv', async () => {
    const basic = await (await load(DEMO_ONNX_PATH, { graphOptimizationLevel: 'basic' })).profile?.(3);
    const all = await (await load(DEMO_ONNX_PATH, { graphOptimizationLevel: 'all' })).profile?.(3);
    expect(new Set(basic?.nodes.map((n) => n.opType))).toEqual(new Set(['Conv', 'Relu', 'Flatten', 'Gemm']));
    expect(all?.nodes.map((n) => n.opType)).toContain('Conv');
    expect(all?.nodes.map((n) => n.opType)).not.toContain('Relu');
  });

  test('the parallel execution mode with an inter-op pool is accepted and runs', async () => {
    const model = await load(DEMO_ONNX_PATH, { executionMode: 'parallel', interOpThreads: 2 });
    const outputs = (await model.run()) as Record<string, Tensor>;
    expect(outputs.logits?.dims).toEqual([1, 10]);
  });

  test('profile: one entry per run, runtime time within wall time, and no file left behind', async () => {
    const before = readdirSync(tmpdir()).filter((name) => name.startsWith('edgebench-ort-profile-'));
    const profile = await (await load(DEMO_ONNX_PATH, { graphOptimizationLevel: 'basic' })).profile?.(5);
    expect(profile?.runs).toBe(5);
    expect(profile?.wallRunMs).toHaveLength(5);
    expect(profile?.runtimeRunMs).toHaveLength(5);
    profile?.runtimeRunMs.forEach((runtimeMs, i) => expect(runtimeMs).toBeLessThanOrEqual(profile.wallRunMs[i] ?? 0));
    expect(profile?.nodes.map((n) => n.name)).toEqual(['conv1', 'relu1', 'conv2', 'relu2', 'flatten', 'dense']);
    expect(readdirSync(tmpdir()).filter((name) => name.startsWith('edgebench-ort-profile-'))).toEqual(before);
  });
});
