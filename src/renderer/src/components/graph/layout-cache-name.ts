/** The IndexedDB database the graph view saves layouts in (layout-cache.ts); also read by scripts/bench-ui-graph.ts, which has no DOM types. */
export const LAYOUT_CACHE_DB = 'edgebench-graph-layouts';
