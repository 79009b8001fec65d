import { useEffect, useState } from 'react';
import type { ModelGraph } from '../../../../shared/model-graph';
import type { GraphLayout } from './graph-layout';
import { startLayout } from './layout-pool';

export interface LayoutState {
  /** Laid-out graphs by key ('main', subgraph ids), as they arrive: the top part of a graph first, then the whole (a key in `partial` until then). */
  layouts: ReadonlyMap<string, GraphLayout>;
  /** Keys whose layout is still only the top part (more bands are coming). */
  partial: ReadonlySet<string>;
  placed: number;
  total: number;
  status: 'laying-out' | 'done' | 'failed';
  error: string | null;
  /** From the start of the layout to its last graph, in milliseconds. */
  elapsedMs: number | null;
  /** From the start of the layout to the first part of the main graph that can be drawn. */
  firstViewMs: number | null;
}

const NO_LAYOUTS: ReadonlyMap<string, GraphLayout> = new Map();
const NO_KEYS: ReadonlySet<string> = new Set();

const initial = (graph: ModelGraph | null): LayoutState & { graph: ModelGraph | null } => ({
  graph,
  layouts: NO_LAYOUTS,
  partial: NO_KEYS,
  placed: 0,
  total: graph?.nodes.length ?? 0,
  status: 'laying-out',
  error: null,
  elapsedMs: null,
  firstViewMs: null,
});

/**
 * Lays out `graph` in the layout workers, the top of each graph first; a new graph or leaving the
 * view cancels the layout under way. With `cacheKey` (a model's id) the finished layout is kept
 * in IndexedDB, and found there the next time.
 */
export function useGraphLayout(graph: ModelGraph | null, cacheKey?: string): LayoutState {
  const [state, setState] = useState(() => initial(graph));
  useEffect(() => {
    if (!graph) return;
    // Every update starts from this graph's state: a reply about an older graph cannot arrive (its layout is cancelled, and the pool drops it).
    const update = (change: (s: LayoutState) => Partial<LayoutState>): void =>
      setState((s) => {
        const own = s.graph === graph ? s : initial(graph);
        return { ...own, ...change(own) };
      });
    const started = performance.now();
    const firstView = (s: LayoutState, key: string): number | null => s.firstViewMs ?? (key === 'main' ? performance.now() - started : null);
    const job = startLayout(graph, {
      onProgress: (placed, total) => update(() => ({ placed, total })),
      onPartial: (layout) =>
        update((s) => ({ layouts: new Map(s.layouts).set(layout.key, layout), partial: new Set(s.partial).add(layout.key), firstViewMs: firstView(s, layout.key) })),
      onGraph: (layout) =>
        update((s) => {
          const partial = new Set(s.partial);
          partial.delete(layout.key);
          return { layouts: new Map(s.layouts).set(layout.key, layout), partial, firstViewMs: firstView(s, layout.key) };
        }),
      onDone: (elapsedMs) => update((s) => ({ status: 'done', elapsedMs, placed: s.total })),
      onError: (message) => update(() => ({ status: 'failed', error: message })),
    }, cacheKey);
    return () => job.cancel();
  }, [graph, cacheKey]);
  return state.graph === graph ? state : initial(graph);
}
