import { useEffect, useState } from 'react';
import type { ModelGraph } from '../../../../shared/model-graph';
import type { GraphLayout } from './graph-layout';
import { startLayout } from './layout-runner';

export interface LayoutState {
  /** Laid-out graphs by key ('main', subgraph ids), as they arrive. */
  layouts: ReadonlyMap<string, GraphLayout>;
  /** Nodes laid out so far: 0 until the layout is done, then all of them. */
  placed: number;
  total: number;
  status: 'laying-out' | 'done' | 'failed';
  error: string | null;
  /** From the start of the layout to its last graph, in milliseconds. */
  elapsedMs: number | null;
  /** From the start of the layout to the main graph laid out (drawn before the subgraphs). */
  firstViewMs: number | null;
}

const NO_LAYOUTS: ReadonlyMap<string, GraphLayout> = new Map();

const initial = (graph: ModelGraph | null): LayoutState & { graph: ModelGraph | null } => ({
  graph,
  layouts: NO_LAYOUTS,
  placed: 0,
  total: graph?.nodes.length ?? 0,
  status: 'laying-out',
  error: null,
  elapsedMs: null,
  firstViewMs: null,
});

/**
 * Lays out `graph` (layout-runner.ts); a new graph or leaving the view cancels a layout still
 * waiting for its saved copy. With `cacheKey` (a model's id) the finished layout is kept
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
      onGraph: (layout) => update((s) => ({ layouts: new Map(s.layouts).set(layout.key, layout), firstViewMs: firstView(s, layout.key) })),
      onDone: (elapsedMs) => update((s) => ({ status: 'done', elapsedMs, placed: s.total })),
      onError: (message) => update(() => ({ status: 'failed', error: message })),
    }, cacheKey);
    return () => job.cancel();
  }, [graph, cacheKey]);
  return state.graph === graph ? state : initial(graph);
}
