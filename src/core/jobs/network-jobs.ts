/**
 * The formats of one network compared with each other, each format in its own runner with its
 * own runtime (ONNX in onnxruntime, TFLite in LiteRT, TF.js in TensorFlow.js):
 *
 * - checkFormats: seeded random inputs (the check that confirms a suggestion by structure, or a
 *   link): every format's first output against the reference format's, by parity.ts's
 *   compareOutputs (cosine, largest absolute error) and top-1 agreement;
 * - evaluateNetwork: a workspace dataset, through the Accuracy page's own evaluation (records
 *   stored, so the results grid shows each format's accuracy), the reference being the format the
 *   others are compared with.
 *
 * The reference is the ONNX file when the network has one (the usual source of the others), else
 * the first linked. A format whose cosine is below PARITY_MIN_COSINE or whose top-1 agreement is
 * below FORMAT_MIN_TOP1_AGREEMENT disagrees, and is flagged.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ModelEntry } from '../../shared/contract';
import { StudioError } from '../../shared/errors';
import { planModelInputs } from '../../shared/input-plan';
import { NO_GIVEN_INPUTS } from '../../shared/model-inputs';
import { FORMAT_MIN_TOP1_AGREEMENT, formatInRuntime, type FormatComparison, type NetworkAgreement } from '../../shared/networks';
import type { RuntimeName } from '../../shared/run-schema';
import { RUNTIME_LABELS } from '../../shared/runtimes';
import { compareOutputs, PARITY_MIN_COSINE } from '../convert/parity';
import { seededUniform } from '../convert/tflite-parity';
import { writeStoredDataset } from '../datasets/stored-dataset';
import { checkEvalReadiness } from '../eval/eval-readiness';
import { top1Agreement } from '../eval/metrics';
import { evaluateOne, type EvalModel } from '../eval/run-evaluation';
import type { OutputsReply } from '../runner/protocol';
import type { RunnerSpawner } from '../runner/runner-client';
import { savedInputsForRun } from '../workspace/inputs-store';
import { mainModelPath } from '../workspace/model-store';
import { findNetwork } from '../workspace/networks-store';
import type { Workspace } from '../workspace/workspace';
import { runEvaluations } from './eval-jobs';

/** Seeded samples the check feeds each format: enough to see a disagreement, few enough to take a second. */
export const CHECK_SAMPLES = 16;
/** The seed of the check's inputs, so a check repeated gives the same figures. */
export const CHECK_SEED = 7;

/** The models a check or evaluation covers: a network's members, or models not linked yet (a suggestion). */
async function membersOf(workspace: Workspace, request: { networkId?: string; modelIds?: string[] }): Promise<{ networkId: string | null; models: ModelEntry[] }> {
  if (request.networkId !== undefined) {
    const network = await findNetwork(workspace, request.networkId);
    if (network.members.length < 2) {
      throw new StudioError('BAD_INPUT', `The network '${network.name}' has fewer than two of its formats left in the workspace; link another format to it first.`, { id: network.id });
    }
    return { networkId: network.id, models: await Promise.all(network.members.map((m) => workspace.readModelEntry(m.modelId))) };
  }
  const ids = [...new Set(request.modelIds ?? [])];
  if (ids.length < 2) throw new StudioError('BAD_INPUT', 'Comparing formats takes a network, or at least two models of different formats.');
  return { networkId: null, models: await Promise.all(ids.map((id) => workspace.readModelEntry(id))) };
}

/** The index of the format the others are compared with: ONNX when there is one, else the first. */
export function referenceIndex(models: readonly Pick<ModelEntry, 'info'>[]): number {
  const onnx = models.findIndex((m) => m.info.format === 'onnx');
  return onnx < 0 ? 0 : onnx;
}

function evalModel(workspace: Workspace, entry: ModelEntry): EvalModel {
  return { name: entry.name, path: mainModelPath(workspace, entry), info: entry.info, variant: entry.variant, savedInputs: savedInputsForRun(entry) };
}

/**
 * One stored sample of the seeded inputs, from the reference's only input: an image input (4-D
 * with 1 or 3 channels, either layout) is stored channels-first, as every dataset stores images,
 * so each format is fed in its own layout; any other input is a plain tensor without its batch dim.
 */
export function seededSampleShape(model: Pick<ModelEntry, 'name' | 'info' | 'savedInputs'>): number[] {
  const inputs = model.info.inputs;
  if (inputs.length !== 1) {
    throw new StudioError('BAD_INPUT', `'${model.name}' has ${inputs.length} inputs; the format check feeds models with one input (compare such formats on a dataset of named arrays instead).`, { model: model.name });
  }
  const input = inputs[0] as (typeof inputs)[number];
  // Sizes saved with the model (Models page, Input sizes) fix its open dims, as in every run of it.
  const saved = model.savedInputs ? { shapes: model.savedInputs.shapes, dims: model.savedInputs.dims, values: {} } : NO_GIVEN_INPUTS;
  const planned = planModelInputs(inputs, saved, 'saved').inputs[0];
  const open = planned === undefined || planned.shape === null || planned.dims.slice(1).some((dim) => dim.source === 'guessed');
  const dims = open ? [] : (planned.shape as number[]).slice(1);
  if (open || dims.length === 0) {
    throw new StudioError('BAD_INPUT', `Input '${input.name}' of '${model.name}' has open sizes past its batch dim; save its sizes (Models page, Input sizes) or compare the formats on a dataset.`, { model: model.name, input: input.name });
  }
  const sizes = dims;
  if (sizes.length === 3) {
    const [a, b, c] = sizes as [number, number, number];
    if (a === 1 || a === 3) return [a, b, c];
    if (c === 1 || c === 3) return [c, a, b];
  }
  return sizes;
}

/**
 * Seeded values over the range of the input's type: [-1, 1) for a float input, whole numbers over
 * 0..255 or -128..127 for an 8-bit one (values in [-1, 1) would round to a constant image there).
 */
export function seededValues(count: number, dtype: string): Float32Array {
  const values = seededUniform(count, CHECK_SEED);
  if (dtype !== 'uint8' && dtype !== 'int8') return values;
  const low = dtype === 'uint8' ? 0 : -128;
  return values.map((v) => Math.min(low + 255, Math.floor(low + ((v + 1) / 2) * 256)));
}

async function writeSeededDataset(dir: string, sampleShape: number[], dtype: string, samples: number): Promise<void> {
  const perSample = sampleShape.reduce((n, d) => n * d, 1);
  await writeStoredDataset(dir, {
    name: 'seeded inputs',
    source: `seeded uniform values over the range of ${dtype}, seed ${CHECK_SEED}`,
    sampleShape,
    samples: seededValues(perSample * samples, dtype),
    labels: null,
    classes: [],
    preprocessing: {},
  });
}

function flag(comparison: Omit<FormatComparison, 'disagrees'>): FormatComparison {
  const lowCosine = comparison.cosine !== null && comparison.cosine < PARITY_MIN_COSINE;
  const lowAgreement = comparison.top1Agreement !== null && comparison.top1Agreement < FORMAT_MIN_TOP1_AGREEMENT;
  const uncomparable = !comparison.reference && comparison.cosine === null && comparison.top1Agreement === null;
  const notes = [...comparison.notes];
  if (lowCosine) notes.push(`Its outputs differ from the reference format's: cosine ${(comparison.cosine as number).toFixed(6)}, below ${PARITY_MIN_COSINE}.`);
  if (lowAgreement) notes.push(`Its top-1 class differs from the reference format's on ${((1 - (comparison.top1Agreement as number)) * 100).toFixed(1)} % of the samples.`);
  return { ...comparison, notes, disagrees: lowCosine || lowAgreement || uncomparable };
}

/** Every format on the same seeded inputs, each against the reference format (compareOutputs). */
export async function checkFormats(
  workspace: Workspace,
  spawner: RunnerSpawner,
  request: { networkId?: string; modelIds?: string[]; samples?: number },
  onProgress: (message: string) => void = () => undefined,
): Promise<NetworkAgreement> {
  const { networkId, models } = await membersOf(workspace, request);
  const ref = referenceIndex(models);
  const reference = models[ref] as ModelEntry;
  const samples = request.samples ?? CHECK_SAMPLES;
  const dir = path.join(workspace.tempDir(), `format-check-${randomBytes(4).toString('hex')}`);
  try {
    await writeSeededDataset(dir, seededSampleShape(reference), reference.info.inputs[0]?.dtype ?? 'float32', samples);
    const outputs = new Map<number, { reply: OutputsReply; runtime: RuntimeName }>();
    const skipped: NetworkAgreement['skipped'] = [];
    for (const [index, entry] of models.entries()) {
      const model = evalModel(workspace, entry);
      const ready = await checkEvalReadiness(model, dir, { frontEnd: 'ui' });
      if (!ready.ok) {
        skipped.push({ modelId: entry.id, reason: ready.error.message });
        continue;
      }
      onProgress(`${entry.name} (${formatInRuntime(entry.info.format, RUNTIME_LABELS[ready.runtime])}): running ${samples} seeded inputs`);
      try {
        outputs.set(index, { reply: await evaluateOne(model, ready.runtime, index, dir, ready.plan, { spawner }), runtime: ready.runtime });
      } catch (error) {
        if (!(error instanceof StudioError) || error.code === 'CANCELLED') throw error;
        skipped.push({ modelId: entry.id, reason: error.message });
      }
    }
    const base = outputs.get(ref);
    if (base === undefined) {
      throw new StudioError('RUNTIME', `The reference format '${reference.name}' could not run on seeded inputs (${skipped.find((s) => s.modelId === reference.id)?.reason ?? 'unknown reason'}), so the formats were not compared.`, { model: reference.id });
    }
    const formats = models.flatMap((entry, index): FormatComparison[] => {
      const got = outputs.get(index);
      if (got === undefined) return [];
      const common = { modelId: entry.id, name: entry.name, format: entry.info.format, runtime: got.runtime, reference: index === ref, top1: null };
      if (index === ref) return [flag({ ...common, top1Agreement: null, cosine: null, maxAbsError: null, notes: ['The other formats are compared with this one.'] })];
      if (got.reply.width !== base.reply.width) {
        return [flag({ ...common, top1Agreement: null, cosine: null, maxAbsError: null, notes: [`It gives ${got.reply.width} values per sample and the reference ${base.reply.width}; its first output is not the same tensor.`] })];
      }
      const dims = [got.reply.count, got.reply.width];
      const parity = compareOutputs([{ data: Float32Array.from(base.reply.values), dims }], [{ name: got.reply.outputName, data: Float32Array.from(got.reply.values), dims }], {
        reference: `${reference.name} in ${RUNTIME_LABELS[base.runtime]}`,
        test: `${entry.name} in ${RUNTIME_LABELS[got.runtime]}`,
      });
      const out = parity.outputs[0];
      return [flag({ ...common, top1Agreement: top1Agreement(base.reply.values, got.reply.values, got.reply.width), cosine: out?.cosine ?? null, maxAbsError: out?.maxAbsError ?? null, notes: [] })];
    });
    return { networkId, inputs: 'seeded', datasetId: null, samples: base.reply.count, formats, agree: formats.every((f) => !f.disagrees), skipped };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/**
 * Evaluates every format of a network on a dataset (stored like any evaluation), each against the
 * reference format: top-1 accuracy, top-1 agreement and cosine of the outputs; a format the
 * dataset does not fit is skipped with the reason.
 */
export async function evaluateNetwork(
  workspace: Workspace,
  spawner: RunnerSpawner,
  request: { networkId: string; datasetId: string; limit?: number },
  onProgress: (message: string) => void = () => undefined,
): Promise<NetworkAgreement> {
  const { networkId, models } = await membersOf(workspace, { networkId: request.networkId });
  const reference = models[referenceIndex(models)] as ModelEntry;
  const outcome = await runEvaluations(workspace, spawner, { modelIds: models.map((m) => m.id), datasetId: request.datasetId, referenceId: reference.id, limit: request.limit }, onProgress);
  const byId = new Map(models.map((m) => [m.id, m]));
  const formats = outcome.records.map((record) => {
    const entry = byId.get(record.modelId) as ModelEntry;
    const isReference = record.modelId === reference.id;
    return flag({
      modelId: record.modelId,
      name: entry.name,
      format: entry.info.format,
      runtime: record.result.runtime,
      reference: isReference,
      top1: record.result.top1,
      top1Agreement: isReference ? null : record.result.agreement,
      cosine: isReference ? null : record.result.cosine,
      maxAbsError: isReference ? null : record.result.maxAbsError,
      notes: isReference ? ['The other formats are compared with this one.'] : record.result.notes.filter((note) => note.includes('fidelity')),
    });
  });
  const samples = outcome.records[0]?.result.samples ?? 0;
  return { networkId, inputs: 'dataset', datasetId: request.datasetId, samples, formats, agree: formats.every((f) => !f.disagrees), skipped: outcome.skipped };
}
