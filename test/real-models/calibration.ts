/**
 * The calibration set of the table's static checks, shared with scripts/quantize-real-models.ts so
 * the script's figures are the test's: how many samples, the seeds, and the feeds the studio makes
 * of the .npz a user would save (one array per model input, named after it) once it is imported as
 * a dataset, as `edgebench dataset import X.npz --no-labels` does.
 */
import { promises as fs } from 'node:fs';
import { calibrationFeeds } from '../../src/core/datasets/calibration-arrays';
import { importDataset } from '../../src/core/datasets/import-dataset';
import { decodeModelProto } from '../../src/core/formats/onnx/onnx-codec';
import { modelInputs } from '../../src/core/quantize/calibrate';
import type { CalibrationData } from '../../src/core/quantize';
import { calibrationNpz, type ConcreteInput } from './seeded-data';
import { modelPath, type OnnxRow } from './table';

/** Samples in the calibration set: enough that minmax ranges cover what the check sample holds. */
export const CALIBRATION_SAMPLES = 16;
export const CALIBRATION_SEED = 11;
/** The check feeds the float model and its variant this many samples, seeded from CHECK_SEED on. */
export const CHECK_SAMPLES = 4;
export const CHECK_SEED = 7;

/** Writes the row's calibration .npz to `npz`, imports it as a dataset into `dir`, and reads the feeds the quantizer gets. */
export async function calibrationFeedsFromNpz(row: OnnxRow, inputs: readonly ConcreteInput[], npz: string, dir: string): Promise<CalibrationData['inputs']> {
  await fs.writeFile(npz, calibrationNpz(inputs, CALIBRATION_SAMPLES, CALIBRATION_SEED));
  await importDataset(npz, dir, { labelsKey: null, overwrite: true });
  const model = decodeModelProto(new Uint8Array(await fs.readFile(modelPath(row))), row.id);
  return calibrationFeeds(dir, modelInputs(model), CALIBRATION_SAMPLES);
}
