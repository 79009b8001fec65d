import { describe, expect, it } from 'vitest';
import { readOnnxGraph } from '../../../../src/core/formats/graph/onnx-graph';
import { decodeModelProto, encodeModelProto } from '../../../../src/core/formats/onnx/onnx-codec';
import { storeExternalData } from '../../../../src/core/formats/onnx/onnx-external';
import { encodeOnnxModel, type OnnxModelSpec } from '../../../../src/core/formats/onnx/onnx-writer';
import type { ModelFile } from '../../../../src/core/formats/model-file';

const WEIGHT = new Float32Array([0, 1, -2, 3, 0, 4]);

function spec(): OnnxModelSpec {
  return {
    irVersion: 8,
    opsetImports: [{ domain: '', version: 17 }],
    producerName: 'test',
    producerVersion: '1',
    graphName: 'main',
    inputs: [{ name: 'x', elemType: 'FLOAT', shape: ['batch', 6] }],
    outputs: [{ name: 'y', elemType: 'FLOAT', shape: ['batch', 6] }],
    initializers: [{ name: 'w', dims: [6], dataType: 'FLOAT', data: WEIGHT }],
    valueInfo: [{ name: 'scaled', elemType: 'FLOAT', shape: ['batch', 6] }],
    nodes: [
      { opType: 'Mul', name: 'scale', inputs: ['x', 'w'], outputs: ['scaled'] },
      { opType: 'ReduceSum', name: '', inputs: ['scaled'], outputs: ['total'], attributes: { keepdims: 0 } },
      { opType: 'Constant', name: '', inputs: [], outputs: ['zero'], attributes: { value: { tensor: { name: 'z', dims: [], dataType: 'FLOAT', data: new Float32Array([0]) } } } },
      { opType: 'Greater', name: 'scale', inputs: ['total', 'zero'], outputs: ['positive'] },
      {
        opType: 'If',
        name: 'branch',
        inputs: ['positive'],
        outputs: ['y'],
        attributes: {
          then_branch: {
            graph: {
              name: 'then',
              inputs: [],
              outputs: [{ name: 'then_y', elemType: 'FLOAT' }],
              initializers: [],
              // Reads 'scaled' from the outer graph: an edge from the outer producer into the body.
              nodes: [{ opType: 'Relu', name: '', inputs: ['scaled'], outputs: ['then_y'] }],
            },
          },
          else_branch: {
            graph: {
              name: 'else',
              inputs: [],
              outputs: [{ name: 'else_y', elemType: 'FLOAT' }],
              initializers: [],
              nodes: [{ opType: 'Cast', name: 'cast', inputs: ['scaled'], outputs: ['else_y'], attributes: { to: 10 } }],
            },
          },
        },
      },
    ],
  };
}

function file(data: Uint8Array): ModelFile {
  return { name: 'm.onnx', data };
}

describe('readOnnxGraph', () => {
  const graph = readOnnxGraph({ main: file(encodeOnnxModel(spec())), companions: new Map() });

  it('gives every node, bodies included, a unique id: its name, or op_position when unnamed or already taken', () => {
    expect(graph.nodes.map((n) => n.id)).toEqual(['scale', 'ReduceSum_1', 'Constant_2', 'scale_2', 'branch', 'Relu_5', 'cast']);
    expect(graph.nodes.map((n) => n.subgraph)).toEqual([null, null, null, null, null, 'branch/then_branch', 'branch/else_branch']);
    expect(graph.subgraphs).toEqual([
      { id: 'branch/then_branch', label: 'then_branch of branch', ownerNode: 'branch' },
      { id: 'branch/else_branch', label: 'else_branch of branch', ownerNode: 'branch' },
    ]);
  });

  it('joins producers to consumers, into a body that reads an outer tensor', () => {
    expect(graph.edges).toEqual(
      expect.arrayContaining([
        { from: 'scale', to: 'ReduceSum_1', tensor: 'scaled' },
        { from: 'ReduceSum_1', to: 'scale_2', tensor: 'total' },
        { from: 'Constant_2', to: 'scale_2', tensor: 'zero' },
        { from: 'scale_2', to: 'branch', tensor: 'positive' },
        { from: 'scale', to: 'Relu_5', tensor: 'scaled' },
        { from: 'scale', to: 'cast', tensor: 'scaled' },
      ]),
    );
    expect(graph.edges).toHaveLength(6);
  });

  it('describes tensors from inputs, value_info and initializers, with weight statistics', () => {
    expect(graph.tensors.x).toMatchObject({ dtype: 'float32', shape: ['batch', 6], role: 'input' });
    expect(graph.tensors.y).toMatchObject({ role: 'output' });
    expect(graph.tensors.scaled).toMatchObject({ dtype: 'float32', shape: ['batch', 6], role: 'activation' });
    expect(graph.tensors.total).toMatchObject({ dtype: null, shape: null, role: 'activation' });
    const mean = 1;
    const std = Math.sqrt([0, 1, -2, 3, 0, 4].reduce((s, v) => s + (v - mean) ** 2, 0) / 6);
    expect(graph.tensors.w?.role).toBe('weight');
    expect(graph.tensors.w?.stats).toEqual({ elements: 6, min: -2, max: 4, mean, std: expect.closeTo(std, 12), zeroShare: 2 / 6 });
    expect(graph.tensors.zero).toMatchObject({ role: 'weight', dtype: 'float32', stats: { elements: 1, min: 0, max: 0 } });
  });

  it('writes attributes as text: numbers, a subgraph by its size, Cast to as its dtype', () => {
    expect(graph.nodes[1]?.attributes).toEqual({ keepdims: '0' });
    expect(graph.nodes[2]?.attributes).toEqual({ value: 'tensor float32[]' });
    expect(graph.nodes[4]?.attributes).toEqual({ then_branch: "graph 'then' (1 nodes)", else_branch: "graph 'else' (1 nodes)" });
    expect(graph.nodes[6]?.attributes).toEqual({ to: 'float16' });
  });

  it('reads weights kept in external data when the side file is given, and says so when it is not', () => {
    const model = decodeModelProto(encodeOnnxModel(spec()));
    const side = storeExternalData(model, (tensor) => tensor.name === 'w', 'm.data') as Uint8Array;
    const main = file(encodeModelProto(model));
    const withSide = readOnnxGraph({ main, companions: new Map([['m.data', { name: 'm.data', data: side }]]) });
    expect(withSide.tensors.w?.stats).toMatchObject({ elements: 6, min: -2, max: 4 });
    const without = readOnnxGraph({ main, companions: new Map() });
    expect(without.tensors.w?.stats).toBeUndefined();
    expect(without.notes.join(' ')).toMatch(/external data \(m\.data\) were not given/);
  });

  it('refuses a file that is not ONNX, naming it', () => {
    expect(() => readOnnxGraph({ main: file(new Uint8Array([1, 2, 3])), companions: new Map() })).toThrow(/'m\.onnx' is not a valid ONNX model/);
  });
});
