/** What the Formats panel and the results grid say about a network's formats; pure, so tests read it. */
import type { ModelEntry } from '../../../../shared/contract';
import { formatInRuntime, type NetworkAgreement, type NetworkEntry } from '../../../../shared/networks';
import { RUNTIME_LABELS } from '../../../../shared/runtimes';
import { formatPercent } from '../../format';

export function runtimeLabel(name: string): string {
  return name in RUNTIME_LABELS ? RUNTIME_LABELS[name as keyof typeof RUNTIME_LABELS] : name;
}

/** "ONNX in onnxruntime", "TFLite in LiteRT", "TF.js in TensorFlow.js". */
export function formatRuntimeLabel(format: string, runtime: string): string {
  return formatInRuntime(format, runtimeLabel(runtime));
}

export interface AgreementRow {
  modelId: string;
  where: string;
  name: string;
  top1: string;
  agreement: string;
  cosine: string;
  maxAbsError: string;
  verdict: 'reference' | 'agrees' | 'disagrees';
  notes: string[];
}

const NOT_MEASURED = 'not measured';

export function agreementRows(agreement: NetworkAgreement): AgreementRow[] {
  return agreement.formats.map((f) => ({
    modelId: f.modelId,
    where: formatRuntimeLabel(f.format, f.runtime),
    name: f.name,
    top1: f.top1 === null ? (agreement.inputs === 'seeded' ? '—' : NOT_MEASURED) : formatPercent(f.top1, 2),
    agreement: f.reference ? '—' : f.top1Agreement === null ? NOT_MEASURED : formatPercent(f.top1Agreement, 2),
    cosine: f.reference ? '—' : f.cosine === null ? NOT_MEASURED : f.cosine.toFixed(6),
    maxAbsError: f.reference ? '—' : f.maxAbsError === null ? NOT_MEASURED : f.maxAbsError.toExponential(2),
    verdict: f.reference ? 'reference' : f.disagrees ? 'disagrees' : 'agrees',
    notes: f.notes,
  }));
}

/** "16 seeded inputs: every format agrees with ONNX in onnxruntime." */
export function agreementHeadline(agreement: NetworkAgreement): string {
  const reference = agreement.formats.find((f) => f.reference);
  const against = reference ? formatRuntimeLabel(reference.format, reference.runtime) : 'the reference';
  const inputs = agreement.inputs === 'seeded' ? `${agreement.samples} seeded inputs` : `${agreement.samples} samples of the dataset`;
  const flagged = agreement.formats.filter((f) => f.disagrees).map((f) => formatRuntimeLabel(f.format, f.runtime));
  return flagged.length === 0 ? `${inputs}: every format agrees with ${against}.` : `${inputs}: ${flagged.join(' and ')} ${flagged.length === 1 ? 'disagrees' : 'disagree'} with ${against}.`;
}

/** The network a model belongs to, if any. */
export function networkOf(networks: readonly NetworkEntry[], modelId: string): NetworkEntry | null {
  return networks.find((n) => n.members.some((m) => m.modelId === modelId)) ?? null;
}

/** Models the user may link to `model` as another format: imported on their own, of another format, in no other network. */
export function linkCandidates(model: ModelEntry, models: readonly ModelEntry[], networks: readonly NetworkEntry[]): ModelEntry[] {
  const mine = networkOf(networks, model.id);
  const formats = new Set(mine ? mine.members.map((m) => m.format) : [model.info.format]);
  return models.filter((m) => {
    if (m.id === model.id || m.origin !== null || formats.has(m.info.format)) return false;
    const theirs = networkOf(networks, m.id);
    return theirs === null || (mine === null && !theirs.members.some((x) => x.format === model.info.format));
  });
}

