import { useEffect, useState } from 'react';
import type { ModelGraph } from '../../../../shared/model-graph';
import type { GraphLayout } from './graph-layout';
import { startLayout } from './layout-pool';

export interface LayoutState {
  /** Laid-out graphs by key ('main', subgraph ids), as they arrive. */
  layouts: ReadonlyMap<string, GraphLayout>;
  placed: number;
  total: number;
  status: 'laying-out' | 'done' | 'failed';
  error: string | null;
  /** From the start of the layout to its last graph, in milliseconds. */
  elapsedMs: number | null;
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
});

/** Lays out `graph` in the layout workers; a new graph or leaving the view cancels the layout under way. */
export function useGraphLayout(graph: ModelGraph | null): LayoutState {
  const [state, setState] = useState(() => initial(graph));
  useEffect(() => {
    if (!graph) return;
    // Every update starts from this graph's state: a reply about an older graph cannot arrive (its workers are ended).
    const update = (change: (s: LayoutState) => Partial<LayoutState>): void =>
      setState((s) => {
        const own = s.graph === graph ? s : initial(graph);
        return { ...own, ...change(own) };
      });
    const job = startLayout(graph, {
      onProgress: (placed, total) => update(() => ({ placed, total })),
      onGraph: (layout) => update((s) => ({ layouts: new Map(s.layouts).set(layout.key, layout) })),
      onDone: (elapsedMs) => update((s) => ({ status: 'done', elapsedMs, placed: s.total })),
      onError: (message) => update(() => ({ status: 'failed', error: message })),
    });
    return () => job.cancel();
  }, [graph]);
  return state.graph === graph ? state : initial(graph);
}
