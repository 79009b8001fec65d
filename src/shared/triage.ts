/**
 * The quantization triage loop (issue 13, item 6): a chain of static int8 variants of one float
 * model, each keeping a few more layers in float than the one before, with what each step bought
 * (accuracy points) and cost (latency on the same targets). Stored per chain in the workspace
 * (triage/<id>.json, schema edgebench.triage/1); the figures are copied from the evaluation and
 * the runs when the step ends, so the table survives those files being removed.
 */
import { z } from 'zod';
import { ErrorData } from './errors';
import type { EvalResult } from './eval-schema';
import { CpuSelection, headlineMedianMs, type RunFile } from './run-schema';
import { QuantRecipe } from './variants';

export const TRIAGE_SCHEMA = 'edgebench.triage/1';

/** The steps of one "Keep in float and compare", in the order they run. */
export const TriageStepName = z.enum(['quantize', 'evaluate', 'benchmark']);
export type TriageStepName = z.infer<typeof TriageStepName>;

/** The accuracy an evaluation measured: top-1 with labels, else top-1 agreement with the float model. */
export const TriageAccuracy = z.object({
  metric: z.enum(['top1', 'agreement']),
  /** 0..1. */
  value: z.number(),
  samples: z.number().int(),
  /** Against the float parent; null for a result without a reference. */
  agreement: z.number().nullable(),
  sqnrDb: z.number().nullable(),
  evaluatedAt: z.string(),
});
export type TriageAccuracy = z.infer<typeof TriageAccuracy>;

/** One run's headline latency on one target. */
export const TriageLatency = z.object({
  targetId: z.string(),
  targetName: z.string(),
  runId: z.string(),
  runtime: z.string(),
  threads: z.number().int(),
  /** The run's CPU selection (settings.cpus); absent: not pinned, as in sessions from before pinning. */
  cpus: CpuSelection.optional(),
  /** headlineMedianMs of the run. */
  medianMs: z.number(),
  /** The CI beside that median: between fresh runs when the run had repeats, else within the run (pooled samples). */
  ci95: z.object({ low: z.number(), high: z.number() }).nullable(),
  ciKind: z.enum(['between-run', 'within-run']),
  /** A partial run (it stopped early) is shown, marked. */
  partial: z.boolean(),
});
export type TriageLatency = z.infer<typeof TriageLatency>;

export const TriageStep = z.object({
  variantId: z.string(),
  variantName: z.string(),
  /** Every layer (node name) this variant keeps in float: its recipe's exclude list. */
  exclude: z.array(z.string()),
  /** The layers this step added to the previous step's (empty for the first). */
  added: z.array(z.string()),
  accuracy: TriageAccuracy.nullable(),
  latency: z.array(TriageLatency),
  /** Where this step stopped before the end, and why, in the UI's words; absent when it ran to the end. */
  stopped: z.object({ at: TriageStepName, cancelled: z.boolean(), reason: z.string() }).optional(),
});
export type TriageStep = z.infer<typeof TriageStep>;

export const TriageSession = z.object({
  schema: z.literal(TRIAGE_SCHEMA),
  id: z.string(),
  /** The float model every step is a variant of. */
  parentId: z.string(),
  datasetId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** The first is the int8 variant the triage started from; each later one refines the one before. */
  steps: z.array(TriageStep).min(1),
});
export type TriageSession = z.infer<typeof TriageSession>;

/** Per-layer latency from one profiled run: kernel time of the layer itself and of the Q/DQ nodes that feed it. */
export const LayerLatency = z.object({
  node: z.string(),
  /** Mean µs per run of the runtime's kernels attributed to this layer (its own, fused ones included). */
  ownUs: z.number(),
  /** Mean µs per run of the QuantizeLinear/DequantizeLinear kernels that feed it (0 in a float model). */
  qdqUs: z.number(),
  /** (ownUs + qdqUs) over the run's total kernel time. */
  share: z.number(),
  /** The runtime's node names these figures add up. */
  profileNames: z.array(z.string()),
});
export type LayerLatency = z.infer<typeof LayerLatency>;

export const ProfiledRunLayers = z.object({
  runId: z.string(),
  createdAt: z.string(),
  medianMs: z.number(),
  layers: z.array(LayerLatency),
  /** Kernel time the runtime spent in nodes that match no node of the model (layout reorders it inserted…), mean µs per run. */
  unmatchedUs: z.number(),
});
export type ProfiledRunLayers = z.infer<typeof ProfiledRunLayers>;

const Id = z.string().min(1).max(200);

/** triage.start: keep more layers of a static int8 variant in float, then evaluate and benchmark the new variant. */
export const TriageStartRequest = z.object({
  /** The int8 variant this step refines (the first step of a new triage, or the last step of one). */
  variantId: Id,
  /**
   * The new variant's recipe: the refined variant's, with the layers to keep in float added to
   * its exclude list (the UI builds it as "Exclude these and re-quantize" does).
   */
  recipe: QuantRecipe,
  /** The target the new variant is made for (weight range 'auto'), as models.quantize takes it. */
  madeForTargetId: Id.optional(),
  /** Accuracy and fidelity are measured on this dataset. */
  datasetId: Id,
  /** The target the user chose: benchmarked with the targets the refined variant has runs on. */
  targetId: Id,
  /** Evaluate on the first `limit` samples only. */
  evalLimit: z.number().int().min(1).optional(),
});
export type TriageStartRequest = z.infer<typeof TriageStartRequest>;

export const TriageStarted = z.object({ triageId: z.string(), sessionId: z.string() });

export const TriageList = z.object({
  sessions: z.array(TriageSession),
  /** triage/ files that could not be read; each is left untouched. */
  problems: z.array(z.object({ path: z.string(), message: z.string() })),
});
export type TriageList = z.infer<typeof TriageList>;

/** triage.layerLatency: per-layer time from the newest profiled run of a variant, and of its float parent, on one target. */
export const TriageLayerLatencyResult = z.object({
  variant: ProfiledRunLayers.nullable(),
  parent: ProfiledRunLayers.nullable(),
});
export type TriageLayerLatencyResult = z.infer<typeof TriageLayerLatencyResult>;

export const TriageProgressEvent = z.object({
  triageId: z.string(),
  sessionId: z.string(),
  step: TriageStepName,
  /** What the step is doing now, in the UI's words. */
  message: z.string(),
  /** benchmark: the cell running (1-based) of how many. */
  cell: z.number().int().min(1).optional(),
  cells: z.number().int().min(1).optional(),
  /** 0..1 over the whole triage action. */
  fraction: z.number().min(0).max(1),
});

export const TriageDoneEvent = z.object({
  triageId: z.string(),
  sessionId: z.string(),
  state: z.enum(['completed', 'cancelled', 'failed']),
  /** The step that was running when it was cancelled or failed. */
  at: TriageStepName.optional(),
  error: ErrorData.optional(),
  /** Benchmark cells that failed (the others still count). */
  failedCells: z.number().int().min(0),
  session: TriageSession,
});
export type TriageDoneEvent = z.infer<typeof TriageDoneEvent>;

/** A node of an ONNX graph, as far as matching a profile needs it. */
export interface GraphNodeRef {
  name: string;
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
}

type ProfileNode = NonNullable<RunFile['profile']>['nodes'][number];

const QDQ_OPS = new Set(['QuantizeLinear', 'DequantizeLinear']);
/** Upstream steps taken to find the node a fused kernel named after a tensor belongs to (Conv → Relu → Clip is 2). */
const MAX_FUSED_CHAIN = 4;

/**
 * Attributes a run's per-node profile to the model's own nodes. onnxruntime profiles the graph it
 * optimized, so a kernel is found under one of these names (seen with onnxruntime-node 1.30):
 * the node's own name; `<node>_token_<n>` for a node a QDQ group fused into an integer kernel
 * (conv1 → conv1_token_1, QLinearConv); `<tensor>_nchwc` for a kernel the NCHWc layout pass
 * rebuilt, named after its output, which after Conv+Relu fusion is the Relu's output: that one
 * goes to the nearest node upstream of the tensor with the kernel's op type. Q/DQ kernels go
 * to the first non-Q/DQ node that reads what they produce, since keeping that layer in float
 * removes them too.
 */
export function attributeProfile(profile: readonly ProfileNode[], graph: readonly GraphNodeRef[]): { layers: LayerLatency[]; unmatchedUs: number } {
  const byName = new Map(graph.map((node) => [node.name, node]));
  const producer = new Map<string, GraphNodeRef>();
  const consumers = new Map<string, GraphNodeRef[]>();
  for (const node of graph) {
    for (const output of node.outputs) producer.set(output, node);
    for (const input of node.inputs) consumers.set(input, [...(consumers.get(input) ?? []), node]);
  }
  const upstreamOfType = (tensor: string, opType: string): GraphNodeRef | undefined => {
    let node = producer.get(tensor);
    const first = node;
    for (let step = 0; node && step < MAX_FUSED_CHAIN; step += 1) {
      if (node.opType === opType) return node;
      node = producer.get(node.inputs[0] ?? '');
    }
    return first;
  };
  const readerPastQdq = (node: GraphNodeRef): GraphNodeRef | undefined => {
    let current: GraphNodeRef | undefined = node;
    for (let step = 0; current && QDQ_OPS.has(current.opType) && step < MAX_FUSED_CHAIN; step += 1) {
      current = consumers.get(current.outputs[0] ?? '')?.[0];
    }
    return current && !QDQ_OPS.has(current.opType) ? current : undefined;
  };
  const graphNodeOf = (entry: ProfileNode): GraphNodeRef | undefined => {
    const own = byName.get(entry.name);
    if (own) return own;
    const token = /^(.*)_token_\d+$/.exec(entry.name);
    if (token && byName.has(token[1] as string)) return byName.get(token[1] as string);
    const nchwc = /^(.*)_nchwc$/.exec(entry.name);
    if (nchwc) return upstreamOfType(nchwc[1] as string, entry.opType);
    return undefined;
  };

  const totals = new Map<string, LayerLatency>();
  const totalUs = profile.reduce((sum, entry) => sum + entry.meanUs, 0);
  let unmatchedUs = 0;
  for (const entry of profile) {
    const matched = graphNodeOf(entry);
    const qdq = matched !== undefined && QDQ_OPS.has(matched.opType);
    const layer = matched && qdq ? readerPastQdq(matched) : matched;
    if (!layer) {
      unmatchedUs += entry.meanUs;
      continue;
    }
    const row = totals.get(layer.name) ?? { node: layer.name, ownUs: 0, qdqUs: 0, share: 0, profileNames: [] };
    if (qdq) row.qdqUs += entry.meanUs;
    else row.ownUs += entry.meanUs;
    row.profileNames.push(entry.name);
    totals.set(layer.name, row);
  }
  const layers = [...totals.values()].map((row) => ({ ...row, share: totalUs > 0 ? (row.ownUs + row.qdqUs) / totalUs : 0 }));
  return { layers: layers.sort((a, b) => b.ownUs + b.qdqUs - (a.ownUs + a.qdqUs)), unmatchedUs };
}

/** The accuracy a triage step shows: top-1 when the dataset has labels, else agreement with the float model. */
export function triageAccuracyOf(result: EvalResult, evaluatedAt: string): TriageAccuracy | null {
  const metric = result.top1 !== null ? 'top1' : result.agreement !== null ? 'agreement' : null;
  if (metric === null) return null;
  return { metric, value: result[metric] as number, samples: result.samples, agreement: result.agreement, sqnrDb: result.sqnrDb, evaluatedAt };
}

/** A run's headline latency and the CI that goes with it (see TriageLatency). */
export function triageLatencyOf(run: RunFile, target: { id: string; name: string }): TriageLatency {
  const between = run.betweenRun;
  return {
    targetId: target.id,
    targetName: target.name,
    runId: run.id,
    runtime: run.runtime.name,
    threads: run.runtime.threads,
    ...(run.settings.cpus !== undefined ? { cpus: run.settings.cpus } : {}),
    medianMs: headlineMedianMs(run),
    ci95: between ? between.ci95 : run.latencyMs.medianCi95,
    ciKind: between ? 'between-run' : 'within-run',
    partial: run.status === 'partial',
  };
}

/** What a step bought in accuracy against the step before: percentage points (0..100 scale). */
export function accuracyChangePoints(previous: TriageAccuracy | null, current: TriageAccuracy | null): number | null {
  if (!previous || !current || previous.metric !== current.metric) return null;
  return (current.value - previous.value) * 100;
}

export interface LatencyChange {
  deltaMs: number;
  /** Relative to the previous step's median, in percent. */
  deltaPct: number;
  /**
   * True when both CIs are known and do not overlap: the change is larger than either run's own
   * uncertainty. False when they overlap (within noise); null when a CI is missing.
   */
  beyondNoise: boolean | null;
}

/** What a step cost in latency on one target against the step before (same target, runtime, threads and CPUs). */
export function latencyChange(previous: TriageLatency | undefined, current: TriageLatency | undefined): LatencyChange | null {
  if (!previous || !current || previous.medianMs <= 0) return null;
  const deltaMs = current.medianMs - previous.medianMs;
  const a = previous.ci95;
  const b = current.ci95;
  const beyondNoise = a && b ? a.high < b.low || b.high < a.low : null;
  return { deltaMs, deltaPct: (deltaMs / previous.medianMs) * 100, beyondNoise };
}

/**
 * The run of a step to compare with another step's run: same target, runtime, threads and CPU
 * selection (a run pinned to 0x2 is not compared with an unpinned one).
 */
export function sameCell(latency: readonly TriageLatency[], like: TriageLatency): TriageLatency | undefined {
  return latency.find((l) => sameSettings(l, like));
}

/** Two runs measured alike: same target, runtime, threads and CPU selection. */
export function sameSettings(a: TriageLatency, b: TriageLatency): boolean {
  return a.targetId === b.targetId && a.runtime === b.runtime && a.threads === b.threads && a.cpus === b.cpus;
}
