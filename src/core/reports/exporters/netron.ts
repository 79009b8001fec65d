/**
 * A Netron attachment per profiled run: open the model in Netron, then open this file (File >
 * Open, or drop it on the window) and each profiled node's sidebar gains a "Metrics" section.
 *
 * The format is Netron's own, read by `metadata.Attachment` in source/view.js of
 * lutzroeder/netron (it is not documented elsewhere): a JSON file whose name ends in .json with
 * `signature: "netron:attachment"` and two arrays, `metadata` and `metrics`, of
 * `{ kind, target, name, value, type? }`. For kind "node", `target` is matched against the node
 * name (its first line); `type` is optional. Netron ignores other keys, so the run's provenance
 * rides along under `edgebench`.
 *
 * Node names are those of onnxruntime's optimized graph: a node that onnxruntime fused or renamed
 * has no twin in the file Netron shows. Benchmark with --graph-opt disabled for a one-to-one match.
 */
import { DEFAULT_BENCH_SETTINGS } from '../../../shared/bench-defaults';
import { StudioError } from '../../../shared/errors';
import { RUNTIMES, RuntimeName } from '../../../shared/plugins/runtimes';
import { remedy, worded } from '../../../shared/remedies';
import type { RunFile } from '../../../shared/run-schema';
import type { FormatExporter, ReportFile } from '../exporter';

export const NETRON_SIGNATURE = 'netron:attachment';

export interface NetronItem {
  kind: 'model' | 'graph' | 'node' | 'value' | 'tensor';
  target: string;
  name: string;
  value: string | number;
  type?: string;
}

export interface NetronAttachment {
  signature: typeof NETRON_SIGNATURE;
  metadata: NetronItem[];
  metrics: NetronItem[];
  edgebench: {
    runId: string;
    model: string;
    modelSha256: string;
    runtime: string;
    backend: string;
    threads: number;
    profileRuns: number;
    runtimeMedianMs: number;
    wallMedianMs: number;
    note: string;
  };
}

type Profile = NonNullable<RunFile['profile']>;

/** Netron keeps one value per (node, metric name): nodes that share a name are summed into one. */
function mergeByName(nodes: Profile['nodes']): Array<{ name: string; opTypes: string[]; meanUs: number; share: number }> {
  const merged = new Map<string, { name: string; opTypes: string[]; meanUs: number; share: number }>();
  for (const node of nodes) {
    const name = node.name.split('\n')[0] ?? '';
    const entry = merged.get(name) ?? { name, opTypes: [], meanUs: 0, share: 0 };
    if (!entry.opTypes.includes(node.opType)) entry.opTypes.push(node.opType);
    entry.meanUs += node.meanUs;
    entry.share += node.share;
    merged.set(name, entry);
  }
  return [...merged.values()].sort((a, b) => b.meanUs - a.meanUs);
}

/** The runtimes whose per-op profile the studio reads ("onnxruntime"), as a sentence names them. */
const PROFILING_RUNTIMES = RuntimeName.options
  .filter((name) => RUNTIMES[name].profiler)
  .map((name) => RUNTIMES[name].label)
  .join(' or ');

export function netronAttachment(run: RunFile): NetronAttachment {
  const profile = run.profile;
  if (!profile) {
    throw new StudioError('BAD_INPUT', worded`Run ${run.id} has no runtime profile, so there is nothing to attach in Netron; benchmark it with ${PROFILING_RUNTIMES} and ${remedy('profileRuns', String(DEFAULT_BENCH_SETTINGS.profileRuns))}.`, {
      run: run.id,
    });
  }
  const nodes = mergeByName(profile.nodes);
  const metrics: NetronItem[] = [];
  const metadata: NetronItem[] = [];
  nodes.forEach((node, i) => {
    metrics.push({ kind: 'node', target: node.name, name: 'edgebench mean time (µs)', value: Number(node.meanUs.toFixed(3)) });
    metrics.push({ kind: 'node', target: node.name, name: 'edgebench share of run', value: `${(node.share * 100).toFixed(2)}%` });
    metrics.push({ kind: 'node', target: node.name, name: 'edgebench rank by time', value: `${i + 1} of ${nodes.length}` });
    metadata.push({ kind: 'node', target: node.name, name: 'edgebench profiled op', value: node.opTypes.join(', ') });
  });
  return {
    signature: NETRON_SIGNATURE,
    metadata,
    metrics,
    edgebench: {
      runId: run.id,
      model: run.model.name,
      modelSha256: run.model.sha256,
      runtime: `${run.runtime.name} ${run.runtime.version}`,
      backend: run.runtime.backend,
      threads: run.runtime.threads,
      profileRuns: profile.runs,
      runtimeMedianMs: profile.runtimeMedianMs,
      wallMedianMs: profile.wallMedianMs,
      note: "Node names are onnxruntime's optimized-graph names; fused nodes have no twin in the model file (bench with --graph-opt disabled for a one-to-one match).",
    },
  };
}

export const netronExporter: FormatExporter = {
  async export(report) {
    const profiled = report.runs.filter((entry) => entry.run.profile);
    if (profiled.length === 0) {
      throw new StudioError(
        'BAD_INPUT',
        worded`None of the runs has a runtime profile to attach in Netron; benchmark the model with ${PROFILING_RUNTIMES} and ${remedy('profileRuns', String(DEFAULT_BENCH_SETTINGS.profileRuns))} (the default).`,
      );
    }
    return profiled.map(
      (entry): ReportFile => ({
        // One run: the file the user named; several: one file each, numbered as in the report.
        suffix: profiled.length === 1 ? '' : `-${entry.number}.json`,
        mediaType: 'application/json',
        data: `${JSON.stringify(netronAttachment(entry.run), null, 2)}\n`,
        description: `Netron attachment for #${entry.number} ${entry.label} (${entry.run.model.name})`,
      }),
    );
  },
};
