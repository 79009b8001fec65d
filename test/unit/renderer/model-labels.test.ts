/**
 * Issue 13's new-user finding: same-named models could not be told apart in pickers. Where names
 * collide, each label says what differs (format, then the variant's recipe, then the file name,
 * last the id), and only then: a picker of distinct names reads as before.
 */
import { describe, expect, it } from 'vitest';
import { distinctModelLabels } from '../../../src/renderer/src/model-labels';
import type { ModelEntry } from '../../../src/shared/contract';
import type { ModelFormat } from '../../../src/shared/model-info';
import { VariantOrigin } from '../../../src/shared/variants';

function model(id: string, name: string, format: ModelFormat, fileName: string, extra: Partial<ModelEntry> = {}): ModelEntry {
  return {
    id, name, importedAt: '', variant: 'float', files: [fileName], origin: null, savedInputs: null, savedInputsProblem: null,
    info: { format, fileName, producer: null, formatVersion: null, inputs: [], outputs: [], ops: {}, parameters: 0, sizeBytes: 0, sha256: id, macs: 0, macsByOp: {}, notes: [] },
    ...extra,
  };
}

const staticInt8 = (parentId: string, exclude: string[]): VariantOrigin =>
  VariantOrigin.parse({ kind: 'quantized', parentId, recipe: { mode: 'static', method: 'minmax', perChannel: true, exclude }, calibration: null, skipped: [], quantizedNodes: 3 });

describe('model labels in pickers', () => {
  it('leaves distinct names alone, with a non-float variant named once', () => {
    const labels = distinctModelLabels([
      model('a1', 'demo-mnist', 'onnx', 'demo-mnist.onnx'),
      model('b2', 'hands', 'tflite', 'hands.tflite'),
      model('c3', 'demo-mnist · int8 dynamic', 'onnx', 'demo-mnist.int8.onnx', { variant: 'int8 dynamic' }),
    ]);
    expect([...labels.values()]).toEqual(['demo-mnist', 'hands', 'demo-mnist · int8 dynamic']);
  });

  it('tells same-named models apart by format first', () => {
    const labels = distinctModelLabels([
      model('a1', 'demo-mnist', 'onnx', 'demo-mnist.onnx'),
      model('b2', 'demo-mnist', 'tflite', 'demo-mnist.tflite'),
      model('c3', 'other', 'tfjs', 'model.json'),
    ]);
    expect([...labels.values()]).toEqual(['demo-mnist · ONNX', 'demo-mnist · TFLite', 'other']);
  });

  it('then by the variant recipe, the file name, and last the SHA-256', () => {
    const parent = model('p0', 'net', 'onnx', 'net.onnx');
    const v1 = model('v1aaaaaaaa', 'net · int8 static (minmax, per-channel)', 'onnx', 'net.int8.onnx', { variant: 'int8 static (minmax, per-channel)', origin: staticInt8('p0', []) });
    const v2 = model('v2bbbbbbbb', 'net · int8 static (minmax, per-channel)', 'onnx', 'net.int8.onnx', { variant: 'int8 static (minmax, per-channel)', origin: staticInt8('p0', ['conv1']) });
    const f1 = model('f1cccccccc', 'model', 'onnx', 'model.onnx');
    const f2 = model('f2dddddddd', 'model', 'onnx', 'model.onnx');
    const f3 = model('f3eeeeeeee', 'model', 'onnx', 'model_v2.onnx');
    const labels = distinctModelLabels([parent, v1, v2, f1, f2, f3]);
    expect(labels.get('p0')).toBe('net');
    expect(labels.get(v1.id)).toBe('net · int8 static (minmax, per-channel)');
    expect(labels.get(v2.id)).toBe('net · int8 static (minmax, per-channel) · excludes conv1');
    expect(labels.get(f1.id)).toBe('model · model.onnx · SHA-256 f1cccccc');
    expect(labels.get(f2.id)).toBe('model · model.onnx · SHA-256 f2dddddd');
    // The file name already tells model_v2.onnx apart: no SHA-256 for it.
    expect(labels.get(f3.id)).toBe('model · model_v2.onnx');
    expect(new Set(labels.values()).size).toBe(6);
  });

  it('says when a same-named file was imported before its SHA-256', () => {
    const a = model('a1', 'model', 'onnx', 'model.onnx', { importedAt: '2026-12-07T09:00:00.000Z' });
    const b = model('b2', 'model', 'onnx', 'model.onnx', { importedAt: '2026-12-07T15:30:00.000Z' });
    const labels = distinctModelLabels([a, b]);
    expect(labels.get('a1')).toMatch(/^model · imported \S.*$/);
    expect(labels.get('a1')).not.toBe(labels.get('b2'));
    expect(labels.get('a1')).not.toContain('SHA-256');
  });

  it("leaves out what the picker shows beside the label (the bench form's format badge)", () => {
    const models = [model('a1', 'demo-mnist', 'onnx', 'demo-mnist.onnx'), model('b2', 'demo-mnist', 'tflite', 'demo-mnist.tflite')];
    // The badge tells these two apart: nothing added.
    expect([...distinctModelLabels(models, { base: (m) => m.name, omit: ['format'] }).values()]).toEqual(['demo-mnist', 'demo-mnist']);
    // Two ONNX files of one name: the badge does not tell them apart, so the file name does, and the label never says "ONNX".
    const twoOnnx = [...models, model('c3', 'demo-mnist', 'onnx', 'demo-mnist-v2.onnx')];
    expect([...distinctModelLabels(twoOnnx, { base: (m) => m.name, omit: ['format'] }).values()]).toEqual([
      'demo-mnist · demo-mnist.onnx', 'demo-mnist', 'demo-mnist · demo-mnist-v2.onnx',
    ]);
    expect(distinctModelLabels(models).get('b2')).toBe('demo-mnist · TFLite');
  });
});
