/**
 * The calibration dataset a variant form preselects, from the engine's check of each dataset
 * (evals.check): MediaPipe's face detector ([1,128,128,3]) cannot take the demo digits
 * ([1,28,28]), so with the digits alone nothing is picked and the reason is shown; with a
 * 128×128 RGB set beside them, that one is picked.
 */
import { describe, expect, it } from 'vitest';
import { pickCalibration } from '../../../../src/renderer/src/components/variants/calibration-fit';
import type { DatasetEntry } from '../../../../src/shared/contract';
import type { EvalCheck } from '../../../../src/shared/eval-schema';

const dataset = (id: string, name: string, sampleShape: number[]): DatasetEntry => ({ id, name, samples: 100, classes: [], sampleShape, description: '', labeled: true, preprocessing: {} });
const digits = dataset('demo-digits', 'Demo digits (held-out MNIST)', [1, 28, 28]);
const faces = dataset('faces', 'Faces 128', [3, 128, 128]);
const FACE_REASON =
  "The dataset's samples are [1,28,28] but the model's input 'input' expects [1,128,128,3]; set the dataset's preprocessing to resize to 128×128, channel order RGB (or BGR), layout NHWC (the Preprocessing editor on the Datasets page, or edgebench dataset import's flags), or choose a dataset made for this model.";
// As evals.check words it for the Accuracy page; the form drops the "Evaluating" prefix.
const refused: EvalCheck = { modelId: 'face', evaluable: false, reason: `Evaluating 'face_detection_short_range': ${FACE_REASON}` };
const fits: EvalCheck = { modelId: 'face', evaluable: true, reason: null };

describe('pickCalibration', () => {
  it('picks none when no dataset fits, saying why for the usual one', () => {
    const pick = pickCalibration([digits], new Map([['demo-digits', refused]]), 'demo-digits', null);
    expect(pick.datasetId).toBe('');
    expect(pick.warning).toBe(`No dataset here fits this model, so none is picked; 'Demo digits (held-out MNIST)', for one: ${FACE_REASON}`);
  });

  it('picks the first dataset that fits over the usual one', () => {
    expect(pickCalibration([digits, faces], new Map([['demo-digits', refused], ['faces', fits]]), 'demo-digits', null)).toEqual({ datasetId: 'faces', warning: null });
  });

  it('keeps the usual one while the checks are under way, or when the engine could not say', () => {
    expect(pickCalibration([digits, faces], new Map([['demo-digits', refused], ['faces', undefined]]), 'demo-digits', null).datasetId).toBe('demo-digits');
    expect(pickCalibration([digits], new Map([['demo-digits', null]]), 'demo-digits', null)).toEqual({ datasetId: 'demo-digits', warning: null });
  });

  it("keeps the user's own pick, with the reason when the model cannot take it", () => {
    const pick = pickCalibration([digits, faces], new Map([['demo-digits', refused], ['faces', fits]]), 'demo-digits', 'demo-digits');
    expect(pick).toEqual({ datasetId: 'demo-digits', warning: `This dataset does not fit the model: ${FACE_REASON}` });
  });
});
