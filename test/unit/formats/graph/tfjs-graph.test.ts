import { describe, expect, it } from 'vitest';
import { readTfjsGraph } from '../../../../src/core/formats/graph/tfjs-graph';
import type { ModelFile } from '../../../../src/core/formats/model-file';
import { graphModel, layersModel, type TfjsFixture } from '../tfjs-fixtures';

function files(fixture: TfjsFixture, extra: Record<string, unknown> = {}) {
  const json = { ...JSON.parse(new TextDecoder().decode(fixture.json)), ...extra };
  return {
    main: { name: 'model.json', data: new TextEncoder().encode(JSON.stringify(json)) },
    companions: new Map<string, ModelFile>(fixture.shards.map((shard) => [shard.name, shard])),
  };
}

describe('readTfjsGraph: layers models', () => {
  const fixture = layersModel();
  // Every kernel weight is 0.5 and the dense kernel runs across the two shards: its stats need both.
  const all = new Float32Array(13_610).fill(0.5);
  const bytes = new Uint8Array(all.buffer);
  fixture.shards[0]?.data.set(bytes.subarray(0, 32_768));
  fixture.shards[1]?.data.set(bytes.subarray(32_768));
  const graph = readTfjsGraph(files(fixture));

  it('makes each layer a node that reads the layer before it (Sequential) and its own weights', () => {
    expect(graph.nodes.map((n) => [n.id, n.op, n.inputs])).toEqual([
      ['pixels', 'InputLayer', []],
      ['conv2d', 'Conv2D', ['pixels', 'conv2d/kernel', 'conv2d/bias']],
      ['max_pooling2d', 'MaxPooling2D', ['conv2d']],
      ['flatten', 'Flatten', ['max_pooling2d']],
      ['dense', 'Dense', ['flatten', 'dense/kernel', 'dense/bias']],
    ]);
    expect(graph.edges).toEqual([
      { from: 'pixels', to: 'conv2d', tensor: 'pixels' },
      { from: 'conv2d', to: 'max_pooling2d', tensor: 'conv2d' },
      { from: 'max_pooling2d', to: 'flatten', tensor: 'max_pooling2d' },
      { from: 'flatten', to: 'dense', tensor: 'flatten' },
    ]);
    expect(graph.nodes[1]?.attributes).toMatchObject({ filters: '8', kernel_size: '[3,3]', activation: 'relu' });
  });

  it('gives weights their statistics, a weight that runs across two shards included', () => {
    expect(graph.tensors['dense/kernel']).toMatchObject({ role: 'weight', dtype: 'float32', shape: [1352, 10], stats: { elements: 13_520, min: 0.5, max: 0.5, mean: 0.5, std: 0, zeroShare: 0 } });
    expect(graph.tensors.pixels).toMatchObject({ role: 'input', dtype: 'float32', shape: [null, 28, 28, 1] });
  });
});

describe('readTfjsGraph: graph models', () => {
  const fixture = graphModel();
  const view = new DataView(fixture.shards[0]?.data.buffer as ArrayBuffer);
  // fc/w as uint8 codes: all code 128 → 128 × 0.01 − 1.28 = 0.
  for (let i = 0; i < 15_680; i += 1) view.setUint8(328 + i, 128);
  const graph = readTfjsGraph(files(fixture));

  it('gives every GraphDef node a node, Const and Placeholder included, control inputs left out', () => {
    expect(graph.nodes.map((n) => n.id)).toEqual(['x', 'conv/w', 'conv/b', 'flatten/shape', 'fc/w', 'fc/b', 'conv', 'pool', 'flatten', 'fc', 'Identity']);
    expect(graph.nodes.find((n) => n.id === 'fc')?.inputs).toEqual(['flatten', 'fc/w', 'fc/b']);
    expect(graph.edges).toContainEqual({ from: 'fc/w', to: 'fc', tensor: 'fc/w' });
    expect(graph.nodes.find((n) => n.id === 'conv')?.attributes).toEqual({ strides: '[1, 1, 1, 1]', padding: 'SAME', data_format: 'NHWC', fused_ops: '[BiasAdd, Relu]' });
  });

  it('dequantizes weights stored as uint8 codes, and says how they are stored', () => {
    expect(graph.tensors['fc/w']).toMatchObject({ role: 'weight', dtype: 'float32', storedAs: 'uint8', stats: { elements: 15_680, zeroShare: 1 } });
    expect(graph.tensors['fc/w']?.stats?.max).toBeCloseTo(0, 6);
    expect(graph.tensors['flatten/shape']?.stats).toMatchObject({ elements: 2, min: -1, max: 1568 });
    expect(graph.tensors.x).toMatchObject({ role: 'input', dtype: 'float32', shape: [null, 28, 28, 1] });
  });

  it('makes a library function a subgraph run by the node that calls it', () => {
    const withFunction = files(fixture, {});
    const json = JSON.parse(new TextDecoder().decode(withFunction.main.data));
    json.modelTopology.node.push({ name: 'call', op: 'StatefulPartitionedCall', input: ['Identity'], attr: { f: { func: { name: 'tail' } } } });
    json.modelTopology.library = { function: [{ signature: { name: 'tail', inputArg: [{ name: 'a' }], outputArg: [{ name: 'out' }] }, ret: { out: 'relu:y:0' }, nodeDef: [{ name: 'relu', op: 'Relu', input: ['a'] }, { name: 'neg', op: 'Neg', input: ['relu:y:0'] }] }] };
    withFunction.main.data = new TextEncoder().encode(JSON.stringify(json));
    const called = readTfjsGraph(withFunction);
    expect(called.subgraphs).toEqual([{ id: 'function:tail', label: "function 'tail'", ownerNode: 'call' }]);
    expect(called.nodes.filter((n) => n.subgraph === 'function:tail').map((n) => n.id)).toEqual(['relu', 'neg']);
    // 'relu:y:0' is relu's first output, the tensor named 'relu'.
    expect(called.edges).toContainEqual({ from: 'relu', to: 'neg', tensor: 'relu' });
  });

  it('refuses a model.json whose shard is missing, naming it', () => {
    expect(() => readTfjsGraph({ main: files(fixture).main, companions: new Map() })).toThrow(/Weight shard 'weights.bin' listed in 'model.json' was not given/);
  });
});
