/**
 * quantizeOnnx: one entry for the three variant kinds. The same model bytes, recipe and
 * calibration feeds give the same output bytes: names derive from the model's own names, every
 * list is built in graph order, and calibration runs single-threaded.
 *
 * The model is decoded into the generated onnx.proto messages and edited in place, so whatever
 * a pass does not change (subgraphs, functions, metadata, sparse initializers, fields newer than
 * onnx.proto) is written back as it came. If/Loop/Scan bodies are quantized like the main graph.
 *
 * onnxruntime's session.run is synchronous native work: call this from a worker process, never
 * from the UI or engine process.
 */
import * as ort from 'onnxruntime-node';
import { StudioError } from '../../shared/errors';
import type { GraphProto, ModelProto, TensorProto } from '../formats/onnx/generated/onnx_pb';
import { decodeModelProto, defaultOpsetVersion, encodeModelProto, nodeSubgraphs } from '../formats/onnx/onnx-codec';
import { externalLocations, loadExternalData, storeExternalData } from '../formats/onnx/onnx-external';
import { probeLocalHardware } from '../targets/local-target';
import { collectStats, validateFeeds } from './calibrate';
import { QuantContext, QuantRun } from './context';
import { quantizeDynamic } from './dynamic';
import { foldIntoConvs } from './fold';
import { convertFloat16 } from './fp16';
import { MIN_OPSET, opsetBlockers, PER_CHANNEL_QDQ_OPSET, raiseOpset } from './opset';
import { quantizeStatic } from './qdq';
import { activationsToMeasure, planStatic } from './qdq-plan';
import { type OriginalNodes, originalNodes, reasonsByOp } from './refusal';
import type { TensorStats } from './ranges';
import { type CalibrationData, normalizeRecipe, QuantRecipe, type QuantRecipeInput, type QuantResult } from './recipe';
import type { Probe } from './surface';
import { type CpuInfo, resolveWeightRange } from './weight-range';

export interface QuantizeOptions {
  /** The model file's name, for messages. */
  fileName?: string;
  /** A side file named by the model's external data, relative to the model's folder. */
  sideFile?: (location: string) => Uint8Array;
  /** The file name the variant's side file will have (when its parent kept weights in one); default '<fileName>.data'. */
  externalDataName?: string;
  /** The CPU the variant is made for, which resolves weightRange 'auto'; default this machine. */
  cpu?: CpuInfo;
}

function parseRecipe(recipe: QuantRecipeInput): QuantRecipe {
  const parsed = QuantRecipe.safeParse(recipe);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'recipe'}: ${issue.message}`).join('; ');
    throw new StudioError('BAD_INPUT', `The quantization recipe is not valid: ${issues}.`, {});
  }
  return normalizeRecipe(parsed.data);
}

/** The variant must load in onnxruntime; a variant that does not is our bug, reported as such. */
async function checkLoads(bytes: Uint8Array, recipe: QuantRecipe): Promise<void> {
  let session: ort.InferenceSession | undefined;
  try {
    session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  } catch (error) {
    throw new StudioError(
      'INTERNAL',
      `The ${recipe.mode} variant does not load in onnxruntime (${(error as Error).message}). Exclude the node it names and retry, and report the model.`,
      { mode: recipe.mode },
    );
  } finally {
    await session?.release();
  }
}

function localCpu(): CpuInfo {
  const hardware = probeLocalHardware();
  return { arch: hardware.arch, cpuFeatures: hardware.cpuFeatures, label: `this machine (${hardware.cpuModel})` };
}

/** One context per graph, parents before their bodies (so reversed, bodies come first). */
function graphContexts(run: QuantRun, main: GraphProto): QuantContext[] {
  const contexts: QuantContext[] = [];
  const visit = (graph: GraphProto, parent?: QuantContext): void => {
    const ctx = new QuantContext(run, graph, parent);
    contexts.push(ctx);
    for (const node of graph.node) for (const { graph: body } of nodeSubgraphs(node)) visit(body, ctx);
  };
  visit(main);
  return contexts;
}

/**
 * Folds BatchNormalization, Mul and Add steps into the Conv before them, in every graph (see
 * fold.ts); returns the note saying what was folded, or undefined when nothing was.
 */
function foldAffineIntoConvs(run: QuantRun, main: GraphProto): string | undefined {
  const total = { BatchNormalization: 0, Mul: 0, Add: 0 };
  for (const ctx of graphContexts(run, main)) {
    const counts = foldIntoConvs(ctx);
    for (const op of Object.keys(total) as Array<keyof typeof total>) total[op] += counts[op];
  }
  const parts = Object.entries(total).filter(([, n]) => n > 0).map(([op, n]) => `${op} ×${n}`);
  if (parts.length === 0) return undefined;
  return `Folded into the Conv before each (${parts.join(', ')}), as onnxruntime's quantization pre-processing does: their per-channel scales and shifts are now in the Conv's weights and bias, so int8 covers them.`;
}

/** Whether any graph holds a float32 weight (an initializer or a Constant node's tensor). */
function hasFloatWeights(graphs: OriginalNodes): boolean {
  return graphs.some(({ ctx, nodes }) => [...ctx.graph.initializer.map((t) => t.name), ...nodes.flatMap((n) => (n.opType === 'Constant' ? n.output : []))].some((name) => ctx.floatWeight(name) !== undefined));
}

/**
 * `calibration` (static mode) is the feeds, or a function that loads them: it is called only once
 * the model is known to have something to quantize, so a model with nothing to quantize is refused
 * for that rather than for its calibration data.
 */
export async function quantizeOnnx(
  modelBytes: Uint8Array,
  recipeInput: QuantRecipeInput,
  calibrationSource?: CalibrationData | (() => Promise<CalibrationData>),
  options: QuantizeOptions = {},
): Promise<QuantResult> {
  let recipe = parseRecipe(recipeInput);
  const fileName = options.fileName ?? 'model.onnx';
  const model = decodeModelProto(modelBytes, fileName);
  const locations = externalLocations(model, fileName);
  let external = new Map<TensorProto, unknown>();
  if (locations.length > 0) {
    if (!options.sideFile) {
      throw new StudioError('BAD_INPUT', `'${fileName}' keeps weights in ${locations.map((l) => `'${l}'`).join(', ')}; give the model file from its folder, next to that file.`, { file: fileName });
    }
    external = loadExternalData(model, options.sideFile, fileName);
  }
  const notes: string[] = [];
  let opset: QuantResult['opset'];
  let perChannel = recipe.perChannel;
  let reducedRange = false;

  if (recipe.mode !== 'fp16') {
    const weights = resolveWeightRange(recipe.weightRange, options.cpu ?? localCpu());
    recipe = { ...recipe, weightRange: weights.range };
    reducedRange = weights.range === 'reduced';
    if (weights.note) notes.push(weights.note);
    const from = defaultOpsetVersion(model);
    let target: number = recipe.mode === 'static' ? MIN_OPSET.static : MIN_OPSET.dynamic;
    let why = recipe.mode === 'static' ? "int8 static (QuantizeLinear/DequantizeLinear, and Round for onnxruntime's bias quantization)" : 'int8 dynamic (DynamicQuantizeLinear)';
    if (recipe.mode === 'static' && perChannel && from < PER_CHANNEL_QDQ_OPSET) {
      const blockers = opsetBlockers(model, PER_CHANNEL_QDQ_OPSET);
      if (blockers.size === 0) {
        target = PER_CHANNEL_QDQ_OPSET;
        why = "int8 static with per-channel weights (DequantizeLinear's axis)";
      } else {
        perChannel = false;
        notes.push(
          `Weights are quantized per tensor: per-channel DequantizeLinear needs opset ${PER_CHANNEL_QDQ_OPSET}, and the studio cannot raise the model's opset ${from} there (${[...blockers.values()].join('; ')}).`,
        );
      }
    }
    const change = raiseOpset(model, target, why);
    if (change) {
      opset = { from: change.from, to: change.to };
      notes.push(
        `The model imports opset ${change.from}; ${why} needs opset ${change.to}, so the variant imports opset ${change.to}` +
          (change.rewritten.length > 0 ? ` (rewritten to their opset-${change.to} form: ${change.rewritten.join(', ')}).` : '; none of its ops changed meaning.'),
      );
    }
  }

  const run = new QuantRun(model, recipe.exclude);
  if (recipe.mode !== 'fp16') {
    const folded = foldAffineIntoConvs(run, model.graph as GraphProto);
    if (folded) notes.push(folded);
  }
  const contexts = graphContexts(run, model.graph as GraphProto);
  const bodiesFirst = [...contexts].reverse();
  const before = originalNodes(contexts);
  let calibrationSamples = 0;
  let converted = 0;
  if (recipe.mode === 'dynamic') {
    for (const ctx of bodiesFirst) quantizeDynamic(ctx, { perChannel, reducedRange });
  } else if (recipe.mode === 'fp16') {
    const fp16 = convertFloat16(contexts);
    converted = fp16.converted + fp16.storedOnly;
    if (fp16.storedOnly > 0) {
      notes.push(
        `${fp16.storedOnly} weight(s) that only float32 ops read are stored as float16 and cast to float32 in front of those ops (onnxruntime folds the Cast when the session loads), so they compute in float32 but take half the bytes.`,
      );
    }
  } else {
    // What the variant would quantize is known before any calibration: a model with nothing to
    // quantize is refused for that, not for lacking calibration data.
    const planned = new QuantRun(model, recipe.exclude);
    const plannedContexts = graphContexts(planned, model.graph as GraphProto);
    if (plannedContexts.every((ctx) => planStatic(ctx, !recipe.activationSymmetric, () => true).size === 0)) {
      throw new StudioError('BAD_INPUT', `The static variant would quantize no node, so it would only be a copy of the model: ${reasonsByOp(planned, originalNodes(plannedContexts), 'static')}`, { mode: 'static' });
    }
    const calibration = typeof calibrationSource === 'function' ? await calibrationSource() : calibrationSource;
    if (!calibration || calibration.inputs.length === 0) {
      throw new StudioError(
        'BAD_INPUT',
        'Static int8 quantization needs a calibration dataset: pass --calibration DATASET (a dataset folder, or an .npz with one array per model input) or, in the studio, choose one; a few hundred samples is typical.',
        { flag: 'calibration' },
      );
    }
    validateFeeds(model, calibration.inputs, 'Calibration');
    calibrationSamples = calibration.inputs.length;
    const probes: Probe[] = contexts.flatMap((ctx) => activationsToMeasure(ctx).map((tensor) => ({ graph: ctx.graph, tensor })));
    const measured = probes.length > 0 ? await collectStats(model, probes, calibration.inputs, recipe.method ?? 'minmax', recipe.activationSymmetric) : [];
    const statsByGraph = new Map<GraphProto, Map<string, TensorStats>>();
    probes.forEach((probe, i) => {
      const map = statsByGraph.get(probe.graph) ?? new Map<string, TensorStats>();
      map.set(probe.tensor, measured[i] as TensorStats);
      statsByGraph.set(probe.graph, map);
    });
    for (const ctx of bodiesFirst) quantizeStatic(ctx, recipe, statsByGraph.get(ctx.graph) ?? new Map(), { perChannel, reducedRange });
  }
  run.finish();

  if (run.quantized.length === 0) {
    throw new StudioError('BAD_INPUT', `The ${recipe.mode} variant would quantize no node, so it would only be a copy of the model: ${reasonsByOp(run, before, recipe.mode)}`, { mode: recipe.mode });
  }
  if (recipe.mode === 'fp16' && converted === 0) {
    const message = hasFloatWeights(before)
      ? `The fp16 variant would leave every weight float32 (no float16 node reads one), so it would not be smaller: ${reasonsByOp(run, before, 'fp16')}`
      : 'The fp16 variant would not be smaller: the model has no float32 weight (initializer or Constant node) to store as float16.';
    throw new StudioError('BAD_INPUT', message, { mode: recipe.mode });
  }

  const inline = encodeModelProto(model);
  await checkLoads(inline, recipe);
  let bytes = inline;
  let externalData: QuantResult['externalData'];
  if (external.size > 0) {
    const location = options.externalDataName ?? `${fileName}.data`;
    const side = storeExternalData(model, (tensor) => external.has(tensor), location);
    if (side) {
      externalData = { location, bytes: side };
      bytes = encodeModelProto(model);
    }
  }
  return {
    bytes,
    quantizedNodes: [...run.quantized],
    skipped: [...run.skipped],
    recipe,
    calibrationSamples,
    ...(opset ? { opset } : {}),
    notes,
    ...(externalData ? { externalData } : {}),
  };
}

export type { ModelProto };
