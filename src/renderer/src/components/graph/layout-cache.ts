/**
 * Finished graph layouts kept in the page's IndexedDB, by model: a model's id is its content
 * hash, so its graph, and the layout of it, never change; a model opened again (after a reload,
 * or in a later session) is drawn from here at once instead of laid out again. Keyed also by
 * LAYOUT_VERSION, so a change to the layout code never draws an old layout. Only the newest
 * MAX_ENTRIES models are kept. Any failure (no IndexedDB, storage full, a damaged entry) costs
 * only speed: the graph is laid out as if nothing were cached.
 */
import type { GraphLayout } from './graph-layout';
import { LAYOUT_CACHE_DB } from './layout-cache-name';
const STORE = 'layouts';
/** Bump with any change to how graphs are laid out (graph-layout.ts, chain-layout.ts, layered-layout.ts, cycle-break.ts, node sizes). 4: edges between bands routed through lanes, cycles laid out without elk. */
const LAYOUT_VERSION = 'bands-4';
const MAX_ENTRIES = 12;

interface Entry {
  key: string;
  savedAt: number;
  nodes: number;
  layouts: GraphLayout[];
}

const done = <T>(request: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });

/** Opened per use and closed after, so nothing holds the database open (a test or bench can delete it). */
async function withStore<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => Promise<T>): Promise<T> {
  const open = indexedDB.open(LAYOUT_CACHE_DB, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: 'key' }).createIndex('savedAt', 'savedAt');
  const db = await done(open);
  try {
    return await work(db.transaction(STORE, mode).objectStore(STORE));
  } finally {
    db.close();
  }
}

const entryKey = (modelKey: string): string => `${LAYOUT_VERSION}:${modelKey}`;

/** The layouts saved for this model, if they are there and cover `nodes` nodes; else null. */
export async function readCachedLayouts(modelKey: string, nodes: number): Promise<GraphLayout[] | null> {
  if (typeof indexedDB === 'undefined') return null;
  try {
    const entry = (await withStore('readonly', (store) => done(store.get(entryKey(modelKey))))) as Entry | undefined;
    if (!entry || !Array.isArray(entry.layouts)) return null;
    const placed = entry.layouts.reduce((sum, layout) => sum + (Array.isArray(layout.nodes) ? layout.nodes.length : 0), 0);
    return placed === nodes && entry.nodes === nodes ? entry.layouts : null;
  } catch {
    return null;
  }
}

/** Saves a model's finished layouts, then drops the oldest entries beyond MAX_ENTRIES. */
export async function saveLayouts(modelKey: string, nodes: number, layouts: GraphLayout[]): Promise<void> {
  if (typeof indexedDB === 'undefined') return;
  try {
    const entry: Entry = { key: entryKey(modelKey), savedAt: Date.now(), nodes, layouts };
    await withStore('readwrite', async (store) => {
      await done(store.put(entry));
      const keys = await done(store.index('savedAt').getAllKeys());
      // getAllKeys on the index lists primary keys oldest first.
      for (const key of keys.slice(0, Math.max(0, keys.length - MAX_ENTRIES))) await done(store.delete(key));
    });
  } catch {
    // Not cached: the next open lays the graph out again.
  }
}
