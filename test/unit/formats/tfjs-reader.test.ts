import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { inspectModelBuffers } from '../../../src/core/formats/inspect';
import type { ModelInfo } from '../../../src/shared/model-info';
import { graphModel, layersModel, type TfjsFixture } from './tfjs-fixtures';

const files = (fixture: TfjsFixture): Array<{ name: string; data: Uint8Array }> => [
  { name: 'model.json', data: fixture.json },
  ...fixture.shards,
];

const cases: Array<{ name: string; fixture: TfjsFixture; expect: Partial<ModelInfo> }> = [
  {
    name: 'layers-model: Conv2D → MaxPooling2D → Flatten → Dense over two shards',
    fixture: layersModel(),
    expect: {
      format: 'tfjs',
      producer: 'keras v2.15.0, TensorFlow.js Converter v4.22.0',
      formatVersion: 'format layers-model',
      inputs: [{ name: 'pixels', dtype: 'float32', shape: [null, 28, 28, 1] }],
      outputs: [{ name: 'dense', dtype: 'float32', shape: [null, 10] }],
      ops: { Conv2D: 1, MaxPooling2D: 1, Flatten: 1, Dense: 1 },
      parameters: 13_610,
      macs: 48_672 + 13_520,
      macsByOp: { Conv2D: 48_672, Dense: 13_520 },
      notes: [],
    },
  },
  {
    name: 'graph-model: _FusedConv2D → MaxPool → Reshape (stored shape) → _FusedMatMul, uint8-quantized weights',
    fixture: graphModel(),
    expect: {
      formatVersion: 'format graph-model',
      inputs: [{ name: 'x', dtype: 'float32', shape: [null, 28, 28, 1] }],
      outputs: [{ name: 'Identity', dtype: 'float32', shape: [null, 10] }],
      ops: { Placeholder: 1, Const: 5, _FusedConv2D: 1, MaxPool: 1, Reshape: 1, _FusedMatMul: 1, Softmax: 1 },
      parameters: 15_772,
      macs: 56_448 + 15_680,
      macsByOp: { _FusedConv2D: 56_448, _FusedMatMul: 15_680 },
      notes: ['1 weight(s) are stored quantized (uint8) and dequantized when the model loads.'],
    },
  },
];

describe('TF.js reader', () => {
  it.each(cases)('$name', ({ fixture, expect: expected }) => {
    const info = inspectModelBuffers(files(fixture));
    expect(info).toMatchObject(expected);
    const total = fixture.json.byteLength + fixture.shards.reduce((sum, shard) => sum + shard.data.byteLength, 0);
    expect(info.sizeBytes).toBe(total);
    expect(info.fileName).toBe('model.json');
  });

  it("a -1 dim is unknown and unnamed (null), as the file and tfjs-converter give it; two inputs' open dims are not one dim", () => {
    const fixture = graphModel();
    const info = inspectModelBuffers(files(fixture));
    expect(info.inputs[0]?.shape).toEqual([null, 28, 28, 1]);
  });

  describe('output shapes the file leaves out are inferred through the graph', () => {
    /** The graph fixture without its signature, the Reshape target set to `target`. */
    const unsigned = (target: [number, number]): Array<{ name: string; data: Uint8Array }> => {
      const fixture = graphModel();
      const json = JSON.parse(new TextDecoder().decode(fixture.json)) as Record<string, unknown>;
      delete json.signature;
      const shard = fixture.shards[0] as TfjsFixture['shards'][0];
      new DataView(shard.data.buffer, shard.data.byteOffset).setInt32(320, target[0], true);
      new DataView(shard.data.buffer, shard.data.byteOffset).setInt32(324, target[1], true);
      return [{ name: 'model.json', data: new TextEncoder().encode(JSON.stringify(json)) }, shard];
    };

    it('a dim that follows the open batch stays open: Reshape [-1, 1568] then MatMul gives [null, 10]', () => {
      const info = inspectModelBuffers(unsigned([-1, 1568]));
      expect(info.outputs.map((t) => [t.name, t.shape])).toEqual([['Identity', [null, 10]]]);
    });

    it('a dim the graph fixes is a number even though the input batch is open: Reshape [1, 1568] gives [1, 10]', () => {
      const info = inspectModelBuffers(unsigned([1, 1568]));
      expect(info.outputs.map((t) => [t.name, t.shape])).toEqual([['Identity', [1, 10]]]);
      // MACs count the open batch as 1.
      expect(info.macs).toBe(56_448 + 15_680);
    });
  });

  it('hashes model.json followed by the shards in manifest order, whatever the upload order', () => {
    const fixture = layersModel();
    fixture.shards.forEach((shard, index) => shard.data.fill(index + 1));
    const info = inspectModelBuffers([...fixture.shards].reverse().concat({ name: 'model.json', data: fixture.json }));
    const expected = createHash('sha256').update(fixture.json);
    for (const shard of fixture.shards) expected.update(shard.data);
    expect(info.sha256).toBe(expected.digest('hex'));
  });

  it('names the missing shard', () => {
    const fixture = layersModel();
    expect(() => inspectModelBuffers([{ name: 'model.json', data: fixture.json }, fixture.shards[0] as TfjsFixture['shards'][0]])).toThrowError(
      expect.objectContaining({ code: 'FILE_NOT_FOUND', message: expect.stringContaining("'group1-shard2of2.bin'") }),
    );
  });

  it('says which shard is short when one is cut off', () => {
    const fixture = graphModel();
    const shard = fixture.shards[0] as TfjsFixture['shards'][0];
    const cut = [{ name: 'model.json', data: fixture.json }, { name: shard.name, data: shard.data.subarray(0, 1000) }];
    expect(() => inspectModelBuffers(cut)).toThrowError(
      expect.objectContaining({ code: 'MODEL_FORMAT', message: expect.stringMatching(/'weights\.bin'.*truncated/) }),
    );
  });

  it('reports a model.json that is cut short as invalid JSON', () => {
    const fixture = layersModel();
    const cut = [{ name: 'model.json', data: fixture.json.subarray(0, 200) }, ...fixture.shards];
    expect(() => inspectModelBuffers(cut)).toThrowError(
      expect.objectContaining({ code: 'MODEL_FORMAT', message: expect.stringMatching(/'model\.json'.*not valid JSON/) }),
    );
  });

  const damaged: Array<{ name: string; edit: (json: Record<string, unknown>) => void; message: RegExp }> = [
    { name: 'modelTopology null', edit: (json) => (json.modelTopology = null), message: /no 'modelTopology' object/ },
    { name: 'a negative weight dim', edit: (json) => ((json.weightsManifest as Array<{ weights: Array<{ shape: number[] }> }>)[0]!.weights[0]!.shape = [-3]), message: /field 'weightsManifest\.0\.weights\.0\.shape\.0'/ },
    { name: 'paths not a list', edit: (json) => ((json.weightsManifest as Array<{ paths: unknown }>)[0]!.paths = 'group1.bin'), message: /field 'weightsManifest\.0\.paths'/ },
  ];
  it.each(damaged)('explains a model.json with $name', ({ edit, message }) => {
    const fixture = layersModel();
    const json = JSON.parse(new TextDecoder().decode(fixture.json)) as Record<string, unknown>;
    edit(json);
    const data = new TextEncoder().encode(JSON.stringify(json));
    expect(() => inspectModelBuffers([{ name: 'model.json', data }, ...fixture.shards])).toThrowError(
      expect.objectContaining({ code: 'MODEL_FORMAT', message: expect.stringMatching(message) }),
    );
  });

  it('reads odd but well-formed topologies without crashing (strings where numbers belong)', () => {
    const fixture = layersModel();
    const json = JSON.parse(new TextDecoder().decode(fixture.json)) as { modelTopology: { model_config: { config: { layers: Array<{ config: Record<string, unknown> }> } } } };
    const layers = json.modelTopology.model_config.config.layers;
    layers[1]!.config.kernel_size = 'three';
    layers[4]!.config.units = '10';
    const info = inspectModelBuffers([{ name: 'model.json', data: new TextEncoder().encode(JSON.stringify(json)) }, ...fixture.shards]);
    expect(info.macs).toBe(0);
    expect(info.outputs[0]?.shape).toBeNull();
    expect(info.notes.join(' ')).toMatch(/MACs of 2 op\(s\) are not counted because their shapes could not be inferred: Conv2D 'conv2d', Dense 'dense'/);
  });
});
