import { QueryClient, type Query } from '@tanstack/react-query';
import type { StudioApi } from '../../../shared/contract';
import { STALE_AFTER_CHANGE, type WorkspaceList } from './query-keys';

/** What a query may say about itself to the studio's cache-wide handlers. */
export interface StudioQueryMeta extends Record<string, unknown> {
  /** The component shows this query's failure itself (or it is harmless): keep it out of the page's error banners. */
  errorsShownInPlace?: boolean;
}

declare module '@tanstack/react-query' {
  interface Register {
    queryMeta: StudioQueryMeta;
  }
}

/** Run files kept in memory when no page shows them: enough for a comparison of eight runs plus the detail of a few others. */
export const RUN_FILES_KEPT = 16;

/**
 * The app's one cache of engine state. Data goes stale only when the engine says so
 * (`workspace.changed`, or a mutation's own invalidation), never by age, focus or reconnect.
 * Failures are shown once in a banner, not retried behind the user's back. networkMode 'always':
 * the engine is this computer or a lab host on the LAN, so a browser that believes it is offline
 * must not pause the studio's calls.
 */
export function createStudioQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: Infinity,
        retry: false,
        refetchOnWindowFocus: false,
        refetchOnReconnect: false,
        networkMode: 'always',
      },
      mutations: { retry: false, networkMode: 'always' },
    },
  });
}

/**
 * The app's one subscription to `workspace.changed`: each change invalidates its list and
 * workspace info. Invalidating a list being fetched drops that fetch's answer for a new one, so
 * an answer read before the change never overwrites one read after it.
 */
export function invalidateOnWorkspaceChange(api: Pick<StudioApi, 'on'>, client: QueryClient): () => void {
  return api.on('workspace.changed', ({ what }) => {
    for (const queryKey of STALE_AFTER_CHANGE[what]) void client.invalidateQueries({ queryKey });
  });
}

/**
 * After a call that changed `what` answered: the same lists as its `workspace.changed`, without
 * dropping a refetch that event already started (it began after the change, so its answer is current).
 */
export function invalidateAfterMutation(client: QueryClient, what: WorkspaceList): Promise<void> {
  return Promise.all(STALE_AFTER_CHANGE[what].map((queryKey) => client.invalidateQueries({ queryKey }, { cancelRefetch: false }))).then(
    () => undefined,
  );
}

/** Reports each failed query once, except those that show their failure in place. */
export function reportQueryErrors(client: QueryClient, report: (error: unknown) => void): () => void {
  return client.getQueryCache().subscribe((event) => {
    if (event.type === 'updated' && event.action.type === 'error' && !event.query.meta?.errorsShownInPlace) report(event.action.error);
  });
}

const isRunFile = (query: Query): boolean => query.queryKey[0] === 'run';

/**
 * Bounds the run files held in memory (one may hold 100,000 samples): when a run file is added
 * beyond `kept`, the least recently shown ones that no page shows now are dropped. Run file
 * queries never expire by time (gcTime Infinity), so this bound is what frees them.
 */
export function keepRecentRunFiles(client: QueryClient, kept = RUN_FILES_KEPT): () => void {
  const cache = client.getQueryCache();
  const lastShown = new Map<string, number>();
  let clock = 0;
  return cache.subscribe((event) => {
    const { query } = event;
    if (!isRunFile(query)) return;
    if (event.type === 'removed') {
      lastShown.delete(query.queryHash);
      return;
    }
    if (event.type !== 'added' && event.type !== 'observerAdded') return;
    lastShown.set(query.queryHash, ++clock);
    if (event.type !== 'added') return;
    const runFiles = cache.getAll().filter(isRunFile);
    const idle = runFiles
      .filter((q) => q !== query && q.getObserversCount() === 0)
      .sort((a, b) => (lastShown.get(a.queryHash) ?? 0) - (lastShown.get(b.queryHash) ?? 0));
    for (const old of idle.slice(0, Math.max(0, runFiles.length - kept))) cache.remove(old);
  });
}
