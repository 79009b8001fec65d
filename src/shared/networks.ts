/**
 * One network in several formats: the ONNX, TFLite and TF.js files of one network, linked by the
 * user into a network (workspace networks.json), so a benchmark runs each format with its own
 * runtime and an evaluation compares the formats. Only zod and pure functions: the contract, the
 * CLI, the engine and the studio share them.
 *
 * Suggestions by structure: two models of different formats are suggested as one network when
 * their inputs and outputs match (shapes equal, or equal once a 4-D NCHW shape is read as NHWC;
 * a symbolic or unknown dim matches any size; dtypes equal), their parameter counts agree within
 * PARAMETER_TOLERANCE (a converter folds batch norms into the convolutions before them, which drops
 * a few parameters per channel), they have as many compute ops of each family (convolutions and
 * dense layers, which every format names differently) and, where both models' inputs are sized
 * past the batch, those ops' MACs agree within MACS_TOLERANCE. A suggestion is a sentence per
 * reason; only the user applies it.
 */
import { z } from 'zod';
import type { ModelEntry } from './contract';
import type { Dim, ModelFormat, ModelInfo, TensorInfo } from './model-info';

export const NETWORKS_SCHEMA = 'edgebench.networks/1';

export const NetworkRecord = z.object({
  /** "net-" + random hex; stable for the network's life. */
  id: z.string().min(1).max(200),
  name: z.string().min(1).max(200),
  /** Workspace model ids, at most one per format, in the order linked. */
  modelIds: z.array(z.string().min(1)).min(2),
  createdAt: z.string(),
});
export type NetworkRecord = z.infer<typeof NetworkRecord>;

/** workspace/networks.json: absent in workspaces made before networks existed (then there are none). */
export const NetworksFile = z.object({
  schema: z.literal(NETWORKS_SCHEMA),
  networks: z.array(NetworkRecord),
});
export type NetworksFile = z.infer<typeof NetworksFile>;

export const NetworkMember = z.object({
  modelId: z.string(),
  name: z.string(),
  format: z.string(),
  /** The runtime a benchmark of this format uses (the format's own). */
  runtime: z.string(),
});

/** A network as the contract gives it: its members that are still in the workspace. */
export const NetworkEntry = NetworkRecord.extend({
  members: z.array(NetworkMember),
  /** Model ids linked but no longer in the workspace (removed since); they are left out of every job. */
  missing: z.array(z.string()),
});
export type NetworkEntry = z.infer<typeof NetworkEntry>;

export const NetworkSuggestion = z.object({
  /** The models suggested as one network, one per format (and the network some already belong to). */
  modelIds: z.array(z.string()).min(2),
  networkId: z.string().nullable(),
  name: z.string(),
  /** One sentence per thing that matched. */
  reasons: z.array(z.string()),
});
export type NetworkSuggestion = z.infer<typeof NetworkSuggestion>;

/** Each format against the reference format on the same inputs (parity.ts's comparison). */
export const FormatComparison = z.object({
  modelId: z.string(),
  name: z.string(),
  format: z.string(),
  runtime: z.string(),
  /** True for the format the others are compared with. */
  reference: z.boolean(),
  /** Fractions 0..1 against the reference; null for the reference itself or when not comparable. */
  top1Agreement: z.number().nullable(),
  cosine: z.number().nullable(),
  maxAbsError: z.number().nullable(),
  /** Top-1 accuracy on a labelled dataset; null for seeded inputs or without labels. */
  top1: z.number().nullable(),
  /** True when this format's outputs differ from the reference's (cosine or top-1 agreement below the thresholds). */
  disagrees: z.boolean(),
  /** Why it could not be compared, or what stands out; one sentence each. */
  notes: z.array(z.string()),
});
export type FormatComparison = z.infer<typeof FormatComparison>;

export const NetworkAgreement = z.object({
  /** The network compared, or null for models not linked yet (a suggestion being checked). */
  networkId: z.string().nullable(),
  /** 'seeded': seeded random inputs (the structure check); 'dataset': a workspace dataset's samples. */
  inputs: z.enum(['seeded', 'dataset']),
  datasetId: z.string().nullable(),
  samples: z.number().int(),
  formats: z.array(FormatComparison),
  /** True when every format that ran agrees with the reference. */
  agree: z.boolean(),
  /** Formats that could not run on these inputs, and why. */
  skipped: z.array(z.object({ modelId: z.string(), reason: z.string() })),
});
export type NetworkAgreement = z.infer<typeof NetworkAgreement>;

/** Below this top-1 agreement with the reference format, a format is flagged (one sample in 100 may flip on a near tie). */
export const FORMAT_MIN_TOP1_AGREEMENT = 0.99;

/**
 * Parameter counts agree within this fraction. Conversions change the count a little: TFLite keeps
 * a Reshape's target shape as a constant buffer (2 more in the demo); folding batch norms drops
 * their four values per channel (PP-OCR's mobile classifier: 133,665 in ONNX, 127,301 once
 * converted, 4.8 % fewer). The op counts and MACs below are the stricter test.
 */
export const PARAMETER_TOLERANCE = 0.1;
/** Compute MACs of each op family agree within this fraction. */
export const MACS_TOLERANCE = 0.01;

/** The compute op families, by each format's names (ONNX, TFLite builtins, TF.js graph ops and Keras layers). */
const COMPUTE_FAMILY: Readonly<Record<string, 'convolution' | 'dense'>> = {
  Conv: 'convolution',
  ConvTranspose: 'convolution',
  QLinearConv: 'convolution',
  ConvInteger: 'convolution',
  CONV_2D: 'convolution',
  DEPTHWISE_CONV_2D: 'convolution',
  TRANSPOSE_CONV: 'convolution',
  CONV_3D: 'convolution',
  Conv2D: 'convolution',
  _FusedConv2D: 'convolution',
  DepthwiseConv2dNative: 'convolution',
  FusedDepthwiseConv2dNative: 'convolution',
  DepthwiseConv2D: 'convolution',
  // Keras's SeparableConv2D counts twice below: it is a depthwise and a pointwise convolution elsewhere.
  SeparableConv2D: 'convolution',
  Conv2DTranspose: 'convolution',
  Conv2DBackpropInput: 'convolution',
  Conv1D: 'convolution',
  Gemm: 'dense',
  MatMul: 'dense',
  QLinearMatMul: 'dense',
  MatMulInteger: 'dense',
  FULLY_CONNECTED: 'dense',
  BATCH_MATMUL: 'dense',
  _FusedMatMul: 'dense',
  BatchMatMulV2: 'dense',
  Dense: 'dense',
};

export interface ComputeProfile {
  convolution: { ops: number; macs: number };
  dense: { ops: number; macs: number };
}

/** Convolutions and dense layers of a model: how many, and their MACs. */
export function computeProfile(info: ModelInfo): ComputeProfile {
  const profile: ComputeProfile = { convolution: { ops: 0, macs: 0 }, dense: { ops: 0, macs: 0 } };
  for (const [op, count] of Object.entries(info.ops)) {
    const family = COMPUTE_FAMILY[op];
    if (family) profile[family].ops += op === 'SeparableConv2D' ? 2 * count : count;
  }
  for (const [op, macs] of Object.entries(info.macsByOp)) {
    const family = COMPUTE_FAMILY[op];
    if (family) profile[family].macs += macs;
  }
  return profile;
}

/** A symbolic or unknown dim (batch, N, null, -1) matches any size. */
function dimsMatch(a: Dim, b: Dim): boolean {
  if (typeof a !== 'number' || typeof b !== 'number' || a < 0 || b < 0) return true;
  return a === b;
}

function shapesEqual(a: readonly Dim[], b: readonly Dim[]): boolean {
  return a.length === b.length && a.every((dim, i) => dimsMatch(dim, b[i] as Dim));
}

/** NCHW [n, c, h, w] read as NHWC [n, h, w, c]. */
function nchwAsNhwc(shape: readonly Dim[]): Dim[] {
  const [n, c, h, w] = shape as [Dim, Dim, Dim, Dim];
  return [n, h, w, c];
}

export type LayoutMatch = 'same' | 'nchw-nhwc' | null;

/** How two tensors' shapes match: equal, equal once one 4-D side is read channels-last, or not at all. */
export function shapeMatch(a: TensorInfo, b: TensorInfo): LayoutMatch {
  if (a.shape === null || b.shape === null) return a.shape === b.shape ? 'same' : null;
  if (shapesEqual(a.shape, b.shape)) return 'same';
  if (a.shape.length === 4 && b.shape.length === 4 && (shapesEqual(nchwAsNhwc(a.shape), b.shape) || shapesEqual(nchwAsNhwc(b.shape), a.shape))) return 'nchw-nhwc';
  return null;
}

export function formatShape(shape: readonly Dim[] | null): string {
  return shape === null ? '[?]' : `[${shape.map((dim) => (dim === null ? '?' : String(dim))).join(',')}]`;
}

function within(a: number, b: number, tolerance: number): boolean {
  if (a === b) return true;
  return Math.abs(a - b) <= tolerance * Math.max(Math.abs(a), Math.abs(b));
}

export type StructureMatch = { match: true; reasons: string[] } | { match: false; why: string };

function tensorsMatch(kind: 'input' | 'output', a: TensorInfo[], b: TensorInfo[]): { ok: true; text: string } | { ok: false; why: string } {
  if (a.length !== b.length) return { ok: false, why: `${a.length} ${kind}s against ${b.length}` };
  const parts: string[] = [];
  for (const [i, ta] of a.entries()) {
    const tb = b[i] as TensorInfo;
    if (ta.dtype !== tb.dtype) return { ok: false, why: `${kind} ${i + 1} is ${ta.dtype} against ${tb.dtype}` };
    const how = shapeMatch(ta, tb);
    if (how === null) return { ok: false, why: `${kind} ${i + 1} is ${formatShape(ta.shape)} against ${formatShape(tb.shape)}` };
    parts.push(`${formatShape(ta.shape)} and ${formatShape(tb.shape)} ${ta.dtype}${how === 'nchw-nhwc' ? ' (NCHW against NHWC)' : ''}`);
  }
  return { ok: true, text: `${kind}s match: ${parts.join('; ')}` };
}

const count = (n: number): string => n.toLocaleString('en-US');

/** Every input sized past its batch dim, so the reader's MACs are the model's (it counts an open dim as 1). */
function sizedPastBatch(info: ModelInfo): boolean {
  return info.inputs.every((input) => input.shape !== null && input.shape.slice(1).every((dim) => typeof dim === 'number' && dim > 0));
}

/** Whether two models look like one network in two formats, with the reasons (or the first difference). */
export function matchStructure(a: ModelInfo, b: ModelInfo): StructureMatch {
  if (a.format === b.format) return { match: false, why: `both are ${a.format} files (two files of one format are variants, not formats)` };
  const inputs = tensorsMatch('input', a.inputs, b.inputs);
  if (!inputs.ok) return { match: false, why: inputs.why };
  const outputs = tensorsMatch('output', a.outputs, b.outputs);
  if (!outputs.ok) return { match: false, why: outputs.why };
  if (!within(a.parameters, b.parameters, PARAMETER_TOLERANCE)) return { match: false, why: `${count(a.parameters)} parameters against ${count(b.parameters)}` };
  const pa = computeProfile(a);
  const pb = computeProfile(b);
  if (pa.convolution.ops + pa.dense.ops === 0) return { match: false, why: 'it has no convolutions or dense layers to compare' };
  const comparable = sizedPastBatch(a) && sizedPastBatch(b);
  for (const family of ['convolution', 'dense'] as const) {
    if (pa[family].ops !== pb[family].ops) return { match: false, why: `${pa[family].ops} ${family} ops against ${pb[family].ops}` };
    if (comparable && !within(pa[family].macs, pb[family].macs, MACS_TOLERANCE)) return { match: false, why: `${family} MACs ${count(pa[family].macs)} against ${count(pb[family].macs)}` };
  }
  const share = Math.abs(a.parameters - b.parameters) / Math.max(a.parameters, b.parameters, 1);
  const parameters = a.parameters === b.parameters ? `${count(a.parameters)} parameters each` : `${count(a.parameters)} and ${count(b.parameters)} parameters (${(share * 100).toFixed(share < 0.01 ? 2 : 1)} % apart)`;
  const ops = `compute ops agree: ${pa.convolution.ops} convolution${pa.convolution.ops === 1 ? '' : 's'} and ${pa.dense.ops} dense each`;
  const macs = comparable ? `, ${count(pa.convolution.macs + pa.dense.macs)} and ${count(pb.convolution.macs + pb.dense.macs)} MACs` : ' (MACs not compared: an input has open sizes)';
  return { match: true, reasons: [inputs.text, outputs.text, parameters, `${ops}${macs}`] };
}

type SuggestModel = Pick<ModelEntry, 'id' | 'name' | 'info' | 'origin'>;

/**
 * Groups of models the workspace holds that look like one network in several formats, one model
 * per format, every pair matching (matchStructure). Variants are not formats: only models
 * imported on their own take part. A group entirely inside one network is not suggested again;
 * one that would add models to a network names it.
 */
export function suggestNetworks(models: readonly SuggestModel[], networks: readonly Pick<NetworkRecord, 'id' | 'name' | 'modelIds'>[]): NetworkSuggestion[] {
  const networkOf = new Map<string, Pick<NetworkRecord, 'id' | 'name' | 'modelIds'>>();
  for (const network of networks) for (const id of network.modelIds) networkOf.set(id, network);
  const candidates = models.filter((model) => model.origin === null);
  const used = new Set<string>();
  const suggestions: NetworkSuggestion[] = [];
  for (const seed of candidates) {
    if (used.has(seed.id)) continue;
    const group: SuggestModel[] = [seed];
    const reasons: string[] = [];
    for (const other of candidates) {
      if (other.id === seed.id || used.has(other.id) || group.some((member) => member.info.format === other.info.format)) continue;
      // Two networks are never merged by a suggestion.
      const networksIn = new Set([...group, other].map((m) => networkOf.get(m.id)?.id).filter((id) => id !== undefined));
      if (networksIn.size > 1) continue;
      const matches = group.map((member) => matchStructure(member.info, other.info));
      if (!matches.every((m) => m.match)) continue;
      const first = matches[0] as { match: true; reasons: string[] };
      reasons.push(`${seed.name} (${seed.info.format}) and ${other.name} (${other.info.format}): ${first.reasons.join('; ')}.`);
      group.push(other);
    }
    if (group.length < 2) continue;
    const network = group.map((m) => networkOf.get(m.id)).find((n) => n !== undefined) ?? null;
    if (network && group.every((m) => network.modelIds.includes(m.id))) continue;
    for (const member of group) used.add(member.id);
    suggestions.push({ modelIds: group.map((m) => m.id), networkId: network?.id ?? null, name: network?.name ?? commonName(group.map((m) => m.name)), reasons });
  }
  return suggestions;
}

/** Word separators count as one: a Keras name "demo_mnist" and a file name "demo-mnist" name the same network. */
const sameSeparators = (text: string): string => text.replace(/[-_. ]/g, '-');

/** The network's default name: what its members' names share ("demo-mnist" of demo-mnist and demo-mnist-tfjs), else the first. */
export function commonName(names: readonly string[]): string {
  const first = names[0] ?? 'network';
  let prefix = first;
  for (const name of names.slice(1)) while (!sameSeparators(name).startsWith(sameSeparators(prefix))) prefix = prefix.slice(0, -1);
  const trimmed = prefix.replace(/[-_. ]+$/, '');
  return trimmed.length >= 3 ? trimmed : first;
}

/** "ONNX", "TFLite", "TF.js": how the grid and tables name a format. */
export const FORMAT_LABELS: Readonly<Record<ModelFormat, string>> = { onnx: 'ONNX', tflite: 'TFLite', tfjs: 'TF.js' };

export function formatLabel(format: string): string {
  return format in FORMAT_LABELS ? FORMAT_LABELS[format as ModelFormat] : format;
}

/** "TFLite in LiteRT", "ONNX in onnxruntime": a format with the runtime that runs it (the runtime's label without its aside). */
export function formatInRuntime(format: string, runtimeLabel: string): string {
  return `${formatLabel(format)} in ${runtimeLabel.replace(/\s*\(.*\)$/, '')}`;
}
