/** Suggestions by structure on the demo's three formats and on real models that are not one network. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectModelBuffers } from '../../../src/core/formats/inspect';
import { commonName, computeProfile, matchStructure, suggestNetworks } from '../../../src/shared/networks';
import type { ModelInfo } from '../../../src/shared/model-info';
import { repoRoot } from '../../helpers/run-cli';

const read = (...files: string[]): ModelInfo => inspectModelBuffers(files.map((f) => ({ name: path.basename(f), data: readFileSync(path.join(repoRoot, f)) })));
const ONNX = read('resources/models/demo-mnist.onnx');
const TFLITE = read('resources/models/demo-mnist.tflite');
const TFJS = read('resources/models/demo-mnist-tfjs/model.json', 'resources/models/demo-mnist-tfjs/group1-shard1of1.bin');
const OTHER_ONNX = read('node_modules/openwakeword-js/models/hello_deepa.onnx');
const FACE = read('node_modules/@mediapipe/face_detection/face_detection_short_range.tflite');

const model = (id: string, name: string, info: ModelInfo) => ({ id, name, info, origin: null });

describe('matchStructure', () => {
  it('matches the demo ONNX (NCHW) with its TFLite and TF.js (NHWC), with the reasons', () => {
    const a = matchStructure(ONNX, TFLITE);
    expect(a.match).toBe(true);
    if (!a.match) return;
    expect(a.reasons[0]).toBe('inputs match: [batch,1,28,28] and [1,28,28,1] float32 (NCHW against NHWC)');
    expect(a.reasons[1]).toBe('outputs match: [batch,10] and [1,10] float32');
    expect(a.reasons[2]).toBe('9,098 and 9,100 parameters (0.02 % apart)');
    expect(a.reasons[3]).toBe('compute ops agree: 2 convolutions and 1 dense each, 78,400 and 78,400 MACs');
    expect(matchStructure(TFLITE, TFJS).match).toBe(true);
    expect(matchStructure(ONNX, TFJS)).toMatchObject({ match: true, reasons: expect.arrayContaining(['9,098 parameters each']) });
  });

  it('says why unrelated models do not match', () => {
    expect(matchStructure(ONNX, FACE)).toEqual({ match: false, why: 'input 1 is [batch,1,28,28] against [1,128,128,3]' });
    expect(matchStructure(ONNX, OTHER_ONNX)).toMatchObject({ match: false, why: expect.stringContaining('both are onnx files') });
    // Same shapes but a different network: the parameters tell.
    const wider: ModelInfo = { ...TFLITE, parameters: 20_000 };
    expect(matchStructure(ONNX, wider)).toEqual({ match: false, why: '9,098 parameters against 20,000' });
    const otherMacs: ModelInfo = { ...TFLITE, macsByOp: { CONV_2D: 90_000, FULLY_CONNECTED: 7840 } };
    expect(matchStructure(ONNX, otherMacs)).toEqual({ match: false, why: 'convolution MACs 70,560 against 90,000' });
  });

  it('counts convolutions and dense layers by family whatever each format calls them', () => {
    for (const info of [ONNX, TFLITE, TFJS]) expect(computeProfile(info)).toEqual({ convolution: { ops: 2, macs: 70_560 }, dense: { ops: 1, macs: 7_840 } });
  });
});

describe('suggestNetworks', () => {
  const models = [model('a', 'demo-mnist', ONNX), model('f', 'face_detection_short_range', FACE), model('b', 'demo-mnist', TFLITE), model('c', 'demo-mnist-tfjs', TFJS), model('m', 'hello_deepa', OTHER_ONNX)];

  it('suggests the three demo files as one network, leaves the others out, and gives a reason per pair', () => {
    const suggestions = suggestNetworks(models, []);
    expect(suggestions).toHaveLength(1);
    expect(suggestions[0]).toMatchObject({ modelIds: ['a', 'b', 'c'], networkId: null, name: 'demo-mnist' });
    expect(suggestions[0]?.reasons).toHaveLength(2);
    expect(suggestions[0]?.reasons[0]).toMatch(/^demo-mnist \(onnx\) and demo-mnist \(tflite\): inputs match/);
  });

  it('suggests adding the missing format to an existing network, and nothing once all are linked', () => {
    expect(suggestNetworks(models, [{ id: 'net-1', name: 'digits', modelIds: ['a', 'b'] }])).toEqual([expect.objectContaining({ modelIds: ['a', 'b', 'c'], networkId: 'net-1', name: 'digits' })]);
    expect(suggestNetworks(models, [{ id: 'net-1', name: 'digits', modelIds: ['a', 'b', 'c'] }])).toEqual([]);
  });

  it('never suggests a variant as a format', () => {
    const withVariant = [model('a', 'demo-mnist', ONNX), { ...model('v', 'demo-mnist-int8', TFLITE), origin: { kind: 'linked' as const, parentId: 'a' } }];
    expect(suggestNetworks(withVariant, [])).toEqual([]);
  });

  it('names a network after what its members share', () => {
    expect(commonName(['demo-mnist', 'demo-mnist-tfjs'])).toBe('demo-mnist');
    // A TF.js model picked as files is named by its Keras name (demo_mnist): separators count as one.
    expect(commonName(['demo-mnist', 'demo-mnist', 'demo_mnist'])).toBe('demo-mnist');
    expect(commonName(['ab', 'cd'])).toBe('ab');
  });
});
