/**
 * Per-op latency delta between two runs that have a runtime profile (RunFile.profile). Pure.
 *
 * Each run's kernels are first attributed to its model's nodes by the one matcher the triage uses
 * (attributeProfile in shared/triage.ts: fused `_token_`/`_nchwc` kernels go to their node, and a
 * QuantizeLinear/DequantizeLinear kernel to the layer it feeds), so an int8 Conv's time includes
 * the Q/DQ it needs, which is what keeping it float would save. The two runs' nodes then meet
 * through the model diff when the runs are of different models (float Conv ↔ its QDQ Conv), or by
 * name when they are of the same model or no graph is at hand.
 */
import { StudioError } from '../errors';
import type { ModelGraph } from '../model-graph';
import { headlineMedianMs, type RunFile } from '../run-schema';
import { attributeProfile, type GraphNodeRef, type LayerLatency } from '../triage';
import type { ModelDiff } from './diff';

type Profile = NonNullable<RunFile['profile']>;

export interface RunDiffSide {
  run: RunFile;
  /** The run's model graph, when the workspace has the model; null: the profile's own names are used. */
  graph: ModelGraph | null;
}

export interface RunDiffRow {
  /** The node as the model names it (A's where both), or the runtime's name without a graph. */
  name: string;
  /** The op (A's where both, else B's). */
  op: string;
  /** Node ids in each graph, where there is a graph and a node. */
  aNode: string | null;
  bNode: string | null;
  /** Mean µs per profiled run (own kernels + the Q/DQ kernels that feed it); null: not in that run's profile. */
  aUs: number | null;
  bUs: number | null;
  /** Of which Q/DQ kernels. */
  aQdqUs: number;
  bQdqUs: number;
  /** bUs − aUs; null unless both ran. */
  deltaUs: number | null;
  /** deltaUs / aUs (−0.5: half the time); null unless both ran and aUs > 0. */
  relative: number | null;
}

export interface OpDiffRow {
  op: string;
  nodesA: number;
  nodesB: number;
  aUs: number;
  bUs: number;
  deltaUs: number;
  relative: number | null;
}

export interface RunDiff {
  /** Nodes timed in both profiles, then those in one only. */
  rows: RunDiffRow[];
  byOp: OpDiffRow[];
  /** Rows timed in only one profile. */
  onlyInA: number;
  onlyInB: number;
  /** The runs' headline medians (ms) and the runtime's own profiled medians (ms). */
  medianMs: { a: number; b: number };
  profiledMs: { a: number; b: number };
  /** Kernel time matching no node of the model (layout reorders the runtime inserted), mean µs per run. */
  unmatchedUs: { a: number; b: number };
  /** True when the runs' nodes were matched through a model diff (different models). */
  throughModelDiff: boolean;
}

/** Why two runs cannot be diffed per op, in one sentence, or null when they can. */
export function runDiffProblem(a: RunFile, b: RunFile): string | null {
  const missing = [a, b].filter((run) => !run.profile || run.profile.nodes.length === 0);
  if (missing.length === 0) return null;
  const which = missing.map((run) => `'${run.id}'`).join(' and ');
  return `Run ${which} has no per-op profile; run it again with profile runs above 0 (onnxruntime only: --profile-runs in the CLI, Profile runs on the Runs page).`;
}

/** Per-node time of one run, keyed by the graph node's name (or the profile's name with no graph). */
function layersOf(side: RunDiffSide): { layers: Map<string, LayerLatency & { op: string }>; unmatchedUs: number } {
  const profile = side.run.profile as Profile;
  if (!side.graph) {
    const layers = new Map<string, LayerLatency & { op: string }>();
    for (const entry of profile.nodes) {
      const known = layers.get(entry.name);
      layers.set(entry.name, { node: entry.name, op: entry.opType, ownUs: (known?.ownUs ?? 0) + entry.meanUs, qdqUs: 0, share: entry.share + (known?.share ?? 0), profileNames: [entry.name] });
    }
    return { layers, unmatchedUs: 0 };
  }
  const refs: GraphNodeRef[] = side.graph.nodes.map((n) => ({ name: n.name || n.id, opType: n.op, inputs: n.inputs, outputs: n.outputs }));
  const opOf = new Map(refs.map((r) => [r.name, r.opType]));
  const { layers, unmatchedUs } = attributeProfile(profile.nodes, refs);
  return { layers: new Map(layers.map((l) => [l.node, { ...l, op: opOf.get(l.node) ?? '' }])), unmatchedUs };
}

const idByName = (graph: ModelGraph | null): Map<string, string> => new Map((graph?.nodes ?? []).map((n) => [n.name || n.id, n.id]));
const nameById = (graph: ModelGraph | null): Map<string, string> => new Map((graph?.nodes ?? []).map((n) => [n.id, n.name || n.id]));

/**
 * The per-op diff of two profiled runs. `modelDiff` (A's model against B's) is needed when the runs
 * are of different models and both graphs are given; without it nodes meet by name.
 */
export function diffRuns(a: RunDiffSide, b: RunDiffSide, modelDiff: ModelDiff | null): RunDiff {
  const problem = runDiffProblem(a.run, b.run);
  if (problem) throw new StudioError('BAD_INPUT', problem, {});
  const la = layersOf(a);
  const lb = layersOf(b);
  const throughModelDiff = modelDiff !== null && a.graph !== null && b.graph !== null;
  const idsA = idByName(a.graph);
  const namesB = nameById(b.graph);
  const idsB = idByName(b.graph);
  const counterpart = (nameA: string): string | undefined => {
    if (!throughModelDiff) return nameA;
    const idA = idsA.get(nameA);
    const idB = idA === undefined ? undefined : modelDiff.aToB.get(idA);
    return idB === undefined ? undefined : namesB.get(idB);
  };

  const rows: RunDiffRow[] = [];
  const usedB = new Set<string>();
  for (const [nameA, x] of la.layers) {
    const nameB = counterpart(nameA);
    const y = nameB === undefined ? undefined : lb.layers.get(nameB);
    if (y && nameB !== undefined) usedB.add(nameB);
    const aUs = x.ownUs + x.qdqUs;
    const bUs = y ? y.ownUs + y.qdqUs : null;
    rows.push({
      name: nameA,
      op: x.op,
      aNode: idsA.get(nameA) ?? null,
      bNode: nameB === undefined ? null : (idsB.get(nameB) ?? null),
      aUs,
      bUs,
      aQdqUs: x.qdqUs,
      bQdqUs: y?.qdqUs ?? 0,
      deltaUs: bUs === null ? null : bUs - aUs,
      relative: bUs === null || aUs <= 0 ? null : (bUs - aUs) / aUs,
    });
  }
  for (const [nameB, y] of lb.layers) {
    if (usedB.has(nameB)) continue;
    const idB = idsB.get(nameB) ?? null;
    // The node may exist in A without a time there (a run file keeps its 200 slowest kernels).
    const idA = idB === null ? null : throughModelDiff ? (modelDiff.bToA.get(idB) ?? null) : (idsA.get(nameB) ?? null);
    rows.push({ name: nameB, op: y.op, aNode: idA, bNode: idB, aUs: null, bUs: y.ownUs + y.qdqUs, aQdqUs: 0, bQdqUs: y.qdqUs, deltaUs: null, relative: null });
  }
  rows.sort((x, y) => Number(x.deltaUs === null) - Number(y.deltaUs === null));
  const profileA = a.run.profile as Profile;
  const profileB = b.run.profile as Profile;
  return {
    rows,
    byOp: byOp(rows),
    onlyInA: rows.filter((r) => r.aUs !== null && r.bUs === null).length,
    onlyInB: rows.filter((r) => r.aUs === null && r.bUs !== null).length,
    medianMs: { a: headlineMedianMs(a.run), b: headlineMedianMs(b.run) },
    profiledMs: { a: profileA.runtimeMedianMs, b: profileB.runtimeMedianMs },
    unmatchedUs: { a: la.unmatchedUs, b: lb.unmatchedUs },
    throughModelDiff,
  };
}

/** Per op (A's op for a pair): total time of its nodes on each side. */
function byOp(rows: readonly RunDiffRow[]): OpDiffRow[] {
  const groups = new Map<string, OpDiffRow>();
  for (const row of rows) {
    const group = groups.get(row.op) ?? { op: row.op, nodesA: 0, nodesB: 0, aUs: 0, bUs: 0, deltaUs: 0, relative: null };
    if (row.aUs !== null) {
      group.nodesA += 1;
      group.aUs += row.aUs;
    }
    if (row.bUs !== null) {
      group.nodesB += 1;
      group.bUs += row.bUs;
    }
    groups.set(row.op, group);
  }
  return [...groups.values()]
    .map((g) => ({ ...g, deltaUs: g.bUs - g.aUs, relative: g.aUs > 0 ? (g.bUs - g.aUs) / g.aUs : null }))
    .sort((x, y) => Math.abs(y.deltaUs) - Math.abs(x.deltaUs));
}
