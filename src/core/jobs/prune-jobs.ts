/**
 * Pruned variants in the workspace (models.prune): the parent is pruned in a worker process (a
 * large model takes seconds; the studio stays responsive), and the variant is imported with its
 * recipe, per-layer report and speed-up answers as its origin, under its parent like a quantized one.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ModelEntry } from '../../shared/contract';
import { StudioError } from '../../shared/errors';
import { pruneLabel, type PruneRecipe, type VariantOrigin } from '../../shared/variants';
import type { RunnerSpawner } from '../runner/runner-client';
import { runWorkerTask } from '../workers/run-worker';
import { importModel, mainModelPath } from '../workspace/model-store';
import type { Workspace } from '../workspace/workspace';

export async function createPrunedVariant(
  workspace: Workspace,
  spawner: RunnerSpawner,
  request: { modelId: string; recipe: PruneRecipe },
  onProgress: (message: string) => void,
): Promise<ModelEntry> {
  const parent = await workspace.readModelEntry(request.modelId);
  if (parent.info.format === 'tfjs') {
    throw new StudioError('BAD_INPUT', `'${parent.name}' is a TF.js model; the studio prunes ONNX and TFLite models. Prune the ONNX or TFLite file of the same network.`, { model: parent.name });
  }
  const extension = parent.info.format === 'onnx' ? 'onnx' : 'tflite';
  await fs.mkdir(workspace.tempDir(), { recursive: true });
  const outPath = path.join(workspace.tempDir(), `prune-${randomBytes(4).toString('hex')}.${extension}`);
  const label = pruneLabel(request.recipe);
  const slug = label.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();
  try {
    const outcome = await runWorkerTask(spawner, { type: 'prune', modelPath: mainModelPath(workspace, parent), outPath, recipe: request.recipe }, { onProgress });
    if (outcome.type !== 'pruned') throw new StudioError('INTERNAL', 'The worker answered something other than a pruned model.');
    const { type: _type, ...facts } = outcome;
    const origin: VariantOrigin = { kind: 'pruned', parentId: parent.id, recipe: request.recipe, ...facts };
    const files = [{ name: `${parent.name}.${slug}.${extension}`, data: await fs.readFile(outPath) }];
    return await importModel(workspace, files, { name: `${parent.name} · ${label}`, variant: label, origin });
  } finally {
    await fs.rm(outPath, { force: true });
  }
}
