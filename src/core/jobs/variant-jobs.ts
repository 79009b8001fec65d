/**
 * Variants in the workspace: quantize a model (in a worker process), link a variant made
 * elsewhere to its float model, and compare a static int8 variant with its parent layer by layer.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import type { ModelEntry, TargetEntry } from '../../shared/contract';
import { StudioError } from '../../shared/errors';
import { TARGET_KINDS } from '../../shared/plugins/target-kinds';
import type { LayerSqnr } from '../../shared/eval-schema';
import { recipeLabel, type MadeFor, type QuantRecipe, type VariantOrigin } from '../../shared/variants';
import { normalizeRecipe } from '../quantize/recipe';
import { weightChoices } from '../quantize-tflite/full-int8';
import { autoRangeFor, cpuInfoOf, type CpuInfo } from '../quantize/weight-range';
import type { RunnerSpawner } from '../runner/runner-client';
import { runWorkerTask } from '../workers/run-worker';
import { importModel, mainModelPath } from '../workspace/model-store';
import type { Workspace } from '../workspace/workspace';

export interface QuantizeVariantRequest {
  modelId: string;
  recipe: QuantRecipe;
  datasetId?: string;
  calibrationSamples: number;
  /** The target the variant is made for (see variantTarget): its probed CPU resolves weight range 'auto'. */
  target: Pick<TargetEntry, 'id' | 'name' | 'hardware'>;
}

/**
 * The target of the studio's targets list a variant is made for ('local' when none is named),
 * refused in one sentence where the choice cannot matter or cannot run an ONNX int8 model.
 */
export function variantTarget(targets: readonly TargetEntry[], targetId: string | undefined, recipe: QuantRecipe): TargetEntry {
  const id = targetId ?? 'local';
  if (targetId !== undefined && recipe.mode === 'fp16') {
    throw new StudioError('BAD_INPUT', 'An fp16 variant is the same for every CPU, so it is not made for a target; leave the target out.', { target: id });
  }
  if (targetId !== undefined && recipe.weightRange !== 'auto') {
    throw new StudioError('BAD_INPUT', `Weight range '${recipe.weightRange}' is the same for every CPU, so the variant is not made for a target; choose weight range auto, or leave the target out.`, { target: id });
  }
  const target = targets.find((t) => t.id === id);
  if (!target) throw new StudioError('NOT_FOUND', `There is no target '${id}' in this workspace; choose This computer or a target the Targets page lists.`, { target: id });
  if (TARGET_KINDS[target.kind].processor === 'microcontroller') {
    throw new StudioError('BAD_INPUT', `'${target.name}' is a microcontroller board, where ONNX int8 variants do not run; make the variant for This computer or an SSH board, or link a full-integer .tflite to the model for the board.`, { target: id });
  }
  return target;
}

export async function createQuantizedVariant(
  workspace: Workspace,
  spawner: RunnerSpawner,
  request: QuantizeVariantRequest,
  onProgress: (message: string) => void,
): Promise<ModelEntry> {
  const parent = await workspace.readModelEntry(request.modelId);
  if (parent.info.format === 'tflite') return createTfliteVariant(workspace, spawner, parent, request, onProgress);
  if (parent.info.format !== 'onnx') {
    throw new StudioError(
      'BAD_INPUT',
      `'${parent.name}' is a ${parent.info.format} model; the studio quantizes ONNX and TFLite models. Import a ${parent.info.format} variant made elsewhere and link it to '${parent.name}' instead.`,
      { model: parent.name },
    );
  }
  if (request.recipe.io !== undefined) {
    throw new StudioError('BAD_INPUT', `The I/O type applies to TFLite full-integer variants; '${parent.name}' is an ONNX model, whose variants keep its input and output types. Leave it out.`, { model: parent.name });
  }
  const tfliteChoice = request.recipe.denseWeights !== undefined ? 'dense-layer weights' : request.recipe.biasCorrection !== undefined ? 'bias correction' : null;
  if (tfliteChoice !== null) {
    throw new StudioError('BAD_INPUT', `The ${tfliteChoice} choice applies to TFLite full-integer variants; '${parent.name}' is an ONNX model, so leave it out.`, { model: parent.name });
  }
  const dataset = request.datasetId ? await workspace.readDataset(request.datasetId) : null;
  const useDataset = request.recipe.mode === 'static' ? dataset : null;

  await fs.mkdir(workspace.tempDir(), { recursive: true });
  const outPath = path.join(workspace.tempDir(), `quantize-${randomBytes(4).toString('hex')}.onnx`);
  // The label does not depend on what the worker resolves ('auto' weight range), so the variant's
  // file name, and its side file's (for a parent with external data), are known now.
  const label = recipeLabel(normalizeRecipe(request.recipe));
  const slug = label.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();
  const fileName = `${parent.name}.${slug}.onnx`;
  const int8 = request.recipe.mode !== 'fp16';
  const cpu: CpuInfo = cpuInfoOf(request.target.name, request.target.hardware);
  const madeFor: MadeFor | undefined = int8 && request.recipe.weightRange === 'auto' ? { targetId: request.target.id, ...autoRangeFor(cpu).madeFor } : undefined;
  let sideFile: string | undefined;
  try {
    const outcome = await runWorkerTask(
      spawner,
      {
        type: 'quantize',
        modelPath: mainModelPath(workspace, parent),
        outPath,
        recipe: request.recipe,
        datasetDir: useDataset?.dir,
        calibrationSamples: request.calibrationSamples,
        externalDataName: `${fileName}.data`,
        ...(int8 ? { targetCpu: { ...cpu, cpuFeatures: [...cpu.cpuFeatures] } } : {}),
      },
      { onProgress },
    );
    if (outcome.type !== 'quantized') throw new StudioError('INTERNAL', 'The worker answered something other than a quantized model.');
    sideFile = outcome.externalDataFile;
    const files = [{ name: fileName, data: await fs.readFile(outPath) }];
    if (sideFile) files.push({ name: path.basename(sideFile), data: await fs.readFile(sideFile) });
    const origin: VariantOrigin = {
      kind: 'quantized',
      parentId: parent.id,
      recipe: outcome.recipe,
      calibration: useDataset
        ? {
            datasetId: request.datasetId as string,
            sha256: useDataset.manifest.contentSha256 ?? (await datasetContentHash(useDataset.dir, useDataset.manifest.files)),
            samples: outcome.calibrationSamples,
          }
        : null,
      quantizedNodes: outcome.quantizedNodes.length,
      skipped: outcome.skipped,
      ...(outcome.opset ? { opset: outcome.opset } : {}),
      notes: outcome.notes,
      ...(madeFor ? { madeFor } : {}),
    };
    const entry = await importModel(workspace, files, { name: `${parent.name} · ${label}`, variant: label, origin });
    return await rememberLatestMaking(workspace, entry, origin);
  } finally {
    await fs.rm(outPath, { force: true });
    if (sideFile) await fs.rm(sideFile, { force: true });
  }
}

/**
 * A TFLite variant (src/core/quantize-tflite, in the worker): the recipe's dynamic and fp16 are
 * TFLite's weight-only modes, static is full integer (int8, calibrated on the dataset) with the
 * recipe's io (float when not given). The ops kept float are stored as the variant's skipped
 * list, named "op:N" as --exclude takes them.
 */
async function createTfliteVariant(
  workspace: Workspace,
  spawner: RunnerSpawner,
  parent: ModelEntry,
  request: QuantizeVariantRequest,
  onProgress: (message: string) => void,
): Promise<ModelEntry> {
  const { mode } = request.recipe;
  if (request.recipe.weightRange !== 'auto' || request.recipe.activationSymmetric) {
    throw new StudioError('BAD_INPUT', `'${parent.name}' is a TFLite model, whose modes fix the weight range and the activations; leave those out.`, { model: parent.name });
  }
  const full = mode === 'static';
  // The recipe records every full-integer choice as the quantizer resolves it (its defaults from
  // weightChoices, the CLI's too), so two variants that differ only in them are told apart.
  const choices = full ? weightChoices({ calibrationMethod: request.recipe.method, percentile: request.recipe.percentile, denseWeights: request.recipe.denseWeights, biasCorrection: request.recipe.biasCorrection }) : null;
  const recipe: QuantRecipe = choices
    ? {
        ...request.recipe,
        method: choices.method,
        ...(choices.method === 'percentile' ? { percentile: choices.percentile } : {}),
        perChannel: true,
        io: request.recipe.io ?? 'float',
        denseWeights: choices.perChannelDense ? 'per-channel' : 'per-tensor',
        biasCorrection: choices.biasCorrection,
      }
    : { ...request.recipe, perChannel: mode === 'dynamic', io: undefined };
  if (!full && request.recipe.io !== undefined) {
    throw new StudioError('BAD_INPUT', `The I/O type only applies to full-integer int8 variants; a ${mode} variant keeps float inputs and outputs, so leave it out.`, { model: parent.name });
  }
  const dataset = full && request.datasetId ? await workspace.readDataset(request.datasetId) : null;
  if (full && !dataset) throw new StudioError('BAD_INPUT', `A full-integer int8 variant of '${parent.name}' needs a calibration dataset; choose one (import it on the Datasets page).`, { model: parent.name });
  await fs.mkdir(workspace.tempDir(), { recursive: true });
  const outPath = path.join(workspace.tempDir(), `quantize-${randomBytes(4).toString('hex')}.tflite`);
  const label = recipeLabel(recipe);
  const slug = label.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();
  try {
    const outcome = await runWorkerTask(
      spawner,
      {
        type: 'quantizeTflite',
        modelPath: mainModelPath(workspace, parent),
        outPath,
        mode: full ? 'int8' : mode === 'dynamic' ? 'dynamic' : 'fp16',
        ...(full ? { io: recipe.io, method: recipe.method, percentile: recipe.percentile, denseWeights: recipe.denseWeights, biasCorrection: recipe.biasCorrection } : {}),
        exclude: recipe.exclude,
        ...(dataset ? { datasetDir: dataset.dir } : {}),
        calibrationSamples: request.calibrationSamples,
      },
      { onProgress },
    );
    if (outcome.type !== 'quantizedTflite') throw new StudioError('INTERNAL', 'The worker answered something other than a quantized TFLite model.');
    const origin: VariantOrigin = {
      kind: 'quantized',
      parentId: parent.id,
      recipe,
      calibration: dataset
        ? { datasetId: request.datasetId as string, sha256: dataset.manifest.contentSha256 ?? (await datasetContentHash(dataset.dir, dataset.manifest.files)), samples: outcome.calibrationSamples }
        : null,
      quantizedNodes: outcome.quantizedOps.length,
      skipped: outcome.keptFloat.map((op) => ({ node: `op:${op.op}`, opType: op.opName, reason: op.reason })),
      notes: outcome.notes,
    };
    const files = [{ name: `${parent.name}.${slug}.tflite`, data: await fs.readFile(outPath) }];
    const entry = await importModel(workspace, files, { name: `${parent.name} · ${label}`, variant: label, origin });
    return await rememberLatestMaking(workspace, entry, origin);
  } finally {
    await fs.rm(outPath, { force: true });
  }
}

/**
 * A variant whose bytes the workspace already holds is that entry (importModel); when it was made
 * for another target (the same weight range on both), its entry now names the latest one and that
 * making's notes, so the Variants list says what was just asked for.
 */
async function rememberLatestMaking(workspace: Workspace, entry: ModelEntry, origin: VariantOrigin): Promise<ModelEntry> {
  const stored = entry.origin;
  if (stored?.kind !== 'quantized' || origin.kind !== 'quantized') return entry;
  if (JSON.stringify([stored.madeFor, stored.notes]) === JSON.stringify([origin.madeFor, origin.notes])) return entry;
  const updated: ModelEntry = { ...entry, origin: { ...stored, notes: origin.notes, madeFor: origin.madeFor } };
  await workspace.writeModelEntry(updated);
  return updated;
}

/** Links a variant made elsewhere (an int8 or fp16 .tflite, say) to the float model it came from. */
export async function linkVariant(workspace: Workspace, modelId: string, parentId: string): Promise<ModelEntry> {
  if (modelId === parentId) throw new StudioError('BAD_INPUT', 'A model cannot be a variant of itself; choose its float model as the parent.');
  const entry = await workspace.readModelEntry(modelId);
  const parent = await workspace.readModelEntry(parentId);
  const dtypes = new Set([...entry.info.inputs, ...entry.info.outputs].map((t) => t.dtype));
  const quantized = entry.info.inputs.some((t) => t.quantization) || dtypes.has('int8') || dtypes.has('uint8');
  const updated: ModelEntry = {
    ...entry,
    variant: quantized ? 'int8 (imported)' : dtypes.has('float16') ? 'fp16 (imported)' : 'variant (imported)',
    origin: { kind: 'linked', parentId: parent.id },
  };
  await workspace.writeModelEntry(updated);
  return updated;
}

export async function layerSqnrOfVariant(
  workspace: Workspace,
  spawner: RunnerSpawner,
  request: { modelId: string; datasetId: string; samples: number },
  onProgress: (message: string) => void,
): Promise<LayerSqnr[]> {
  const variant = await workspace.readModelEntry(request.modelId);
  if (variant.origin?.kind !== 'quantized' || variant.origin.recipe.mode !== 'static' || variant.origin.recipe.io !== undefined) {
    throw new StudioError('BAD_INPUT', `Per-layer SQNR compares a static int8 (QDQ) variant with its float parent; '${variant.name}' is not one. Make one with mode 'static'.`);
  }
  const parent = await workspace.readModelEntry(variant.origin.parentId);
  const dataset = await workspace.readDataset(request.datasetId);
  const outcome = await runWorkerTask(
    spawner,
    {
      type: 'layerSqnr',
      floatPath: mainModelPath(workspace, parent),
      qdqPath: mainModelPath(workspace, variant),
      datasetDir: dataset.dir,
      samples: request.samples,
    },
    { onProgress },
  );
  if (outcome.type !== 'layerSqnr') throw new StudioError('INTERNAL', 'The worker answered something other than per-layer SQNR.');
  return outcome.layers;
}

/** sha256 over the dataset's data files in a stable order: identifies the calibration set in a recipe. */
async function datasetContentHash(dir: string, files: Record<string, string | undefined>): Promise<string> {
  const hash = createHash('sha256');
  for (const key of Object.keys(files).sort()) {
    const file = files[key];
    if (!file) continue;
    for await (const chunk of createReadStream(path.join(dir, file))) hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}
