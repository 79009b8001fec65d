/**
 * Control flow v2 as the converter writes it: the branches of a StatelessIf live in
 * modelTopology.library.function, with their weights in the manifest under the body's node
 * names. TF.js runs the fixture (so it is a real graph model), and inspection counts the bodies'
 * ops, weights and MACs: each body once, with a note saying so.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { inspectModelBuffers } from '../../../src/core/formats/inspect';
import { tfjsModule } from '../../../src/core/runner/runtimes/tfjs';
import { RuntimeOptions } from '../../../src/shared/run-schema';

const dims = (...sizes: number[]): { dim: Array<{ size: string }> } => ({ dim: sizes.map((size) => ({ size: String(size) })) });
const ints = (...values: number[]): { list: { i: string[] } } => ({ list: { i: values.map(String) } });
const b64 = (text: string): string => Buffer.from(text).toString('base64');
const float = { type: 'DT_FLOAT' };
const conv = (name: string, input: string, filter: string): Record<string, unknown> => ({
  name,
  op: 'Conv2D',
  input: [input, filter],
  attr: { T: float, strides: ints(1, 1, 1, 1), padding: { s: b64('SAME') }, data_format: { s: b64('NHWC') }, dilations: ints(1, 1, 1, 1) },
});

/**
 * y = c ? relu(conv3x3(x, w_then)) : conv1x1(x, w_else), x float32 [1, 8, 8, 3], 4 output channels.
 * MACs: then 8*8*4 * 3*3*3 = 6,912; else 8*8*4 * 3 = 768. Weights: 108 + 12 elements, all ones.
 */
function ifModel(): { json: Record<string, unknown>; shard: Uint8Array } {
  const weights = new Float32Array(108 + 12).fill(1);
  const json = {
    format: 'graph-model',
    generatedBy: '2.15.0',
    convertedBy: 'TensorFlow.js Converter v4.22.0',
    signature: {
      inputs: {
        'c:0': { name: 'c:0', dtype: 'DT_BOOL', tensorShape: dims() },
        'x:0': { name: 'x:0', dtype: 'DT_FLOAT', tensorShape: dims(1, 8, 8, 3) },
      },
      outputs: { 'y:0': { name: 'y:0', dtype: 'DT_FLOAT', tensorShape: { unknownRank: true } } },
    },
    modelTopology: {
      node: [
        { name: 'c', op: 'Placeholder', attr: { dtype: { type: 'DT_BOOL' }, shape: { shape: dims() } } },
        { name: 'x', op: 'Placeholder', attr: { dtype: float, shape: { shape: dims(1, 8, 8, 3) } } },
        {
          name: 'branch',
          op: 'StatelessIf',
          input: ['c', 'x'],
          attr: { Tcond: { type: 'DT_BOOL' }, Tin: { list: { type: ['DT_FLOAT'] } }, Tout: { list: { type: ['DT_FLOAT'] } }, then_branch: { func: { name: 'then_fn' } }, else_branch: { func: { name: 'else_fn' } } },
        },
        { name: 'y', op: 'Identity', input: ['branch'], attr: { T: float } },
      ],
      library: {
        function: [
          {
            signature: { name: 'then_fn', inputArg: [{ name: 'x', type: 'DT_FLOAT' }], outputArg: [{ name: 'out', type: 'DT_FLOAT' }] },
            nodeDef: [
              { name: 'w_then', op: 'Const', attr: { dtype: float, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dims(3, 3, 3, 4) } } } },
              conv('conv3', 'x', 'w_then:output:0'),
              { name: 'relu', op: 'Relu', input: ['conv3:output:0'], attr: { T: float } },
            ],
            ret: { out: 'relu:activations:0' },
          },
          {
            signature: { name: 'else_fn', inputArg: [{ name: 'x', type: 'DT_FLOAT' }], outputArg: [{ name: 'out', type: 'DT_FLOAT' }] },
            nodeDef: [
              { name: 'w_else', op: 'Const', attr: { dtype: float, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dims(1, 1, 3, 4) } } } },
              conv('conv1', 'x', 'w_else:output:0'),
            ],
            ret: { out: 'conv1:output:0' },
          },
        ],
      },
      versions: { producer: 1474 },
    },
    weightsManifest: [
      {
        paths: ['weights.bin'],
        weights: [
          { name: 'w_then', shape: [3, 3, 3, 4], dtype: 'float32' },
          { name: 'w_else', shape: [1, 1, 3, 4], dtype: 'float32' },
        ],
      },
    ],
  };
  return { json, shard: new Uint8Array(weights.buffer) };
}

describe('TF.js function bodies (control flow v2)', () => {
  test.each([
    [1, 'then', 2 * 2 * 3],
    [0, 'else', 3],
  ])('TF.js runs the fixture: c = %i takes the %s branch (first output value %i)', async (cond, _branch, first) => {
    const { json, shard } = ifModel();
    const dir = mkdtempSync(join(tmpdir(), 'edgebench-tfjs-if-'));
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
    writeFileSync(join(dir, 'weights.bin'), shard);
    const loaded = await tfjsModule.load({
      modelPath: join(dir, 'model.json'),
      threads: 0,
      inputs: [
        { name: 'c:0', fill: { kind: 'constant', value: cond } },
        { name: 'x:0', fill: { kind: 'constant', value: 1 } },
      ],
      options: RuntimeOptions.parse({ tfjsBackend: 'cpu' }),
    });
    expect(loaded.inputs.map((input) => [input.name, input.dtype, input.shape])).toEqual([
      ['c:0', 'bool', []],
      ['x:0', 'float32', [1, 8, 8, 3]],
    ]);
    const [y] = (await loaded.run()) as Float32Array[];
    // A corner pixel of a SAME 3x3 convolution of ones sees 2x2 pixels of 3 channels; a 1x1 sees 3 values.
    expect(y).toHaveLength(8 * 8 * 4);
    expect(y?.[0]).toBe(first);
    await loaded.release();
  });

  test('inspection counts both bodies once: their ops, weights and MACs, and infers the output shape through them', () => {
    const { json, shard } = ifModel();
    const info = inspectModelBuffers([
      { name: 'model.json', data: new TextEncoder().encode(JSON.stringify(json)) },
      { name: 'weights.bin', data: shard },
    ]);
    expect(info).toMatchObject({
      ops: { Placeholder: 2, StatelessIf: 1, Identity: 1, Const: 2, Conv2D: 2, Relu: 1 },
      parameters: 108 + 12,
      macs: 6_912 + 768,
      macsByOp: { Conv2D: 6_912 + 768 },
      outputs: [{ name: 'y:0', dtype: 'float32', shape: [1, 8, 8, 4] }],
      notes: [
        'The graph has 2 function body(ies) (control flow); their ops, weights and MACs are counted once each (2 of them loop bodies or branches, counted as one iteration or as if taken).',
      ],
    });
  });
});
