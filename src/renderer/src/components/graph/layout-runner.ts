/**
 * Lays out model graphs for the graph view, in this thread: every band, cycles included, is laid
 * out without elk (chain-layout.ts, layered-layout.ts: 5,000 nodes in some tens to a few hundred
 * milliseconds), so no layout worker is needed. A layout (startLayout):
 * - keeps the finished layouts of a graph object (the model's graph is read once per model, its
 *   id being its content hash), so opening the same graph again draws it at once;
 * - given a cache key (the model's id), also keeps them in IndexedDB (layout-cache.ts), looked up
 *   before laying out, so a model opened after a reload is drawn from there.
 * `cancel()` drops the callbacks of a layout still waiting for its IndexedDB lookup.
 */
import type { ModelGraph } from '../../../../shared/model-graph';
import { layoutGraph, layoutInputs, type GraphLayout } from './graph-layout';
import { readCachedLayouts, saveLayouts } from './layout-cache';

/** A layout that took at least this long is saved in IndexedDB (reading it back costs some tens of ms). */
const SAVE_FROM_MS = 200;

export interface LayoutCallbacks {
  /** One graph laid out: 'main' or a subgraph id. */
  onGraph(layout: GraphLayout): void;
  onDone(elapsedMs: number): void;
  onError(message: string): void;
}

const finished = new WeakMap<ModelGraph, GraphLayout[]>();

export function startLayout(graph: ModelGraph, callbacks: LayoutCallbacks, cacheKey?: string): { cancel(): void } {
  const started = performance.now();
  const cached = finished.get(graph);
  if (cached) {
    for (const layout of cached) callbacks.onGraph(layout);
    callbacks.onDone(performance.now() - started);
    return { cancel() {} };
  }
  if (cacheKey === undefined) {
    layOut(graph, callbacks, started, cacheKey);
    return { cancel() {} };
  }
  let cancelled = false;
  void readCachedLayouts(cacheKey, graph.nodes.length).then((saved) => {
    if (cancelled) return;
    if (!saved) {
      layOut(graph, callbacks, started, cacheKey);
      return;
    }
    finished.set(graph, saved);
    for (const layout of saved) callbacks.onGraph(layout);
    callbacks.onDone(performance.now() - started);
  });
  return {
    cancel() {
      cancelled = true;
    },
  };
}

function layOut(graph: ModelGraph, callbacks: LayoutCallbacks, started: number, cacheKey: string | undefined): void {
  let layouts: GraphLayout[];
  try {
    layouts = layoutInputs(graph).map((input) => layoutGraph(input));
  } catch (error) {
    callbacks.onError(error instanceof Error ? error.message : String(error));
    return;
  }
  finished.set(graph, layouts);
  for (const layout of layouts) callbacks.onGraph(layout);
  const elapsedMs = performance.now() - started;
  callbacks.onDone(elapsedMs);
  // Kept when laying out took long enough to be worth a read instead (a chain graph is laid out in a few ms).
  if (cacheKey !== undefined && elapsedMs >= SAVE_FROM_MS) void saveLayouts(cacheKey, graph.nodes.length, layouts);
}
