/**
 * Reads the Chrome-trace JSON that onnxruntime writes when a session has enableProfiling. The
 * events that matter:
 *   {"cat":"Session","name":"model_run","ts":…,"dur":…}            one per session.run, µs
 *   {"cat":"Node","name":"<node>_kernel_time","ts":…,"dur":…,"args":{"op_name":"Conv",…}}
 * Node names are the optimized graph's (e.g. "relu1_out_nchwc" for a Conv+Relu fused into NCHWc),
 * so they may differ from the names in the model file. Other events (model loading, session
 * initialization, the executor's own span, fences of older versions) are ignored.
 */
import { z } from 'zod';
import { StudioError } from '../../../shared/errors';

/** One session.run as the profiler saw it. */
export interface OrtProfiledRun {
  /** onnxruntime's own time for the run (its model_run event), in ms. */
  runtimeMs: number;
  /** Every kernel executed during the run, in execution order. */
  nodes: Array<{ name: string; opType: string; durUs: number }>;
}

const KERNEL_SUFFIX = '_kernel_time';

const TraceEvent = z.object({
  cat: z.string().optional(),
  name: z.string(),
  ts: z.number(),
  dur: z.number().optional(),
  args: z.record(z.string(), z.unknown()).optional(),
});
type TraceEvent = z.infer<typeof TraceEvent>;

/** Splits a profile into its runs, in the order they ran. `source` names the file in errors. */
export function parseOrtProfile(trace: unknown, source: string): OrtProfiledRun[] {
  // onnxruntime writes a bare array; the Chrome trace format also allows { traceEvents: [...] }.
  const rawEvents = Array.isArray(trace) ? trace : z.object({ traceEvents: z.array(z.unknown()) }).safeParse(trace).data?.traceEvents;
  if (rawEvents === undefined) {
    throw new StudioError('RUNTIME', `The onnxruntime profile '${source}' is not a Chrome trace (a JSON array of events); the profile was dropped.`, {
      file: source,
    });
  }
  // Events of other shapes (metadata, counters) are skipped rather than failing the profile.
  const events = rawEvents.flatMap((raw) => {
    const parsed = TraceEvent.safeParse(raw);
    return parsed.success ? [parsed.data] : [];
  });

  const runs = events
    .filter((e) => e.cat === 'Session' && e.name === 'model_run')
    .sort((a, b) => a.ts - b.ts)
    .map((e) => ({ startUs: e.ts, endUs: e.ts + (e.dur ?? 0), run: { runtimeMs: (e.dur ?? 0) / 1000, nodes: [] } as OrtProfiledRun }));

  const kernels = events.filter((e) => e.cat === 'Node' && e.name.endsWith(KERNEL_SUFFIX)).sort((a, b) => a.ts - b.ts);
  let current = 0;
  for (const kernel of kernels) {
    // Both lists are sorted by start time, so the run holding a kernel never moves backwards.
    while (current < runs.length && kernel.ts > (runs[current]?.endUs ?? 0)) current++;
    const holder = runs[current];
    if (holder === undefined || kernel.ts < holder.startUs) continue; // outside every run
    holder.run.nodes.push({ name: kernel.name.slice(0, -KERNEL_SUFFIX.length), opType: opTypeOf(kernel), durUs: kernel.dur ?? 0 });
  }
  return runs.map((r) => r.run);
}

/** Total microseconds per node over the given runs, in the order nodes first ran. */
export function nodeTotals(runs: readonly OrtProfiledRun[]): Array<{ name: string; opType: string; totalUs: number }> {
  const totals = new Map<string, { name: string; opType: string; totalUs: number }>();
  for (const run of runs) {
    for (const node of run.nodes) {
      // The same node name with another op type would be a different kernel; keep them apart.
      const key = `${node.name}\u0000${node.opType}`;
      const entry = totals.get(key) ?? { name: node.name, opType: node.opType, totalUs: 0 };
      entry.totalUs += node.durUs;
      totals.set(key, entry);
    }
  }
  return [...totals.values()];
}

function opTypeOf(event: TraceEvent): string {
  const op = event.args?.op_name;
  return typeof op === 'string' && op !== '' ? op : 'unknown';
}
