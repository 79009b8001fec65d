/**
 * "Will it fit?" for a model already in the workspace: the Devices page's estimate of tensor arena
 * and flash per chip (the same estimate as `edgebench fit`), read from the model's .tflite.
 */
import { promises as fs } from 'node:fs';
import type { FitEstimate } from '../../shared/contract';
import { StudioError } from '../../shared/errors';
import { MODEL_FORMAT_WITH_ARTICLE } from '../../shared/model-info';
import { CHIP_PROFILES, chipProfile, estimateFits, fitReport } from '../targets/serial/fit-estimate';
import { mainModelPath } from '../workspace/model-store';
import type { Workspace } from '../workspace/workspace';

/** One estimate per chip (or for `chipId` alone), in CHIP_PROFILES order. */
export async function estimateWorkspaceModelFit(workspace: Workspace, modelId: string, chipId?: string): Promise<FitEstimate[]> {
  const entry = await workspace.readModelEntry(modelId);
  if (entry.info.format !== 'tflite') {
    throw new StudioError(
      'BAD_INPUT',
      `'${entry.name}' is ${MODEL_FORMAT_WITH_ARTICLE[entry.info.format]} model, not .tflite; microcontrollers run TFLite models: convert it to .tflite (int8) and import or link that variant, then check it here.`,
      { model: entry.id, format: entry.info.format },
    );
  }
  // Checked before reading the model, so a wrong chip id is the one error the user sees.
  const chips = chipId !== undefined ? [chipProfile(chipId)] : CHIP_PROFILES;
  const file = mainModelPath(workspace, entry);
  const bytes = new Uint8Array(await fs.readFile(file));
  const fileName = entry.files[0] ?? `${entry.name}.tflite`;
  return estimateFits(bytes, fileName, chips.map((chip) => chip.id)).map(fitReport);
}
