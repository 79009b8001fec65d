import { useEffect, useMemo, useState } from 'react';
import type { StudioApi } from '../../../shared/contract';
import type { RunFile } from '../../../shared/run-schema';

/** Run files kept in memory: they never change once written, and one may hold 100,000 samples. */
export interface RunCache {
  get(id: string): Promise<RunFile>;
  peek(id: string): RunFile | undefined;
}

/** Enough for a comparison of eight runs plus the detail of a few others. */
const CACHE_ENTRIES = 16;

export function createRunCache(api: StudioApi): RunCache {
  const entries = new Map<string, Promise<RunFile>>();
  const loaded = new Map<string, RunFile>();
  const forget = (id: string): void => {
    entries.delete(id);
    loaded.delete(id);
  };
  return {
    get(id) {
      const hit = entries.get(id);
      if (hit) {
        // Most recently used last, so the oldest is evicted first.
        entries.delete(id);
        entries.set(id, hit);
        return hit;
      }
      const pending = api.runs.get({ id }).then(
        (run) => {
          loaded.set(id, run);
          return run;
        },
        (error: unknown) => {
          forget(id);
          throw error;
        },
      );
      entries.set(id, pending);
      for (const oldest of entries.keys()) {
        if (entries.size <= CACHE_ENTRIES) break;
        forget(oldest);
      }
      return pending;
    },
    peek: (id) => loaded.get(id),
  };
}

export function useRunCache(api: StudioApi): RunCache {
  return useMemo(() => createRunCache(api), [api]);
}

/** The run files for `ids`, in that order; null for those still being read or that failed (reported). */
export function useRunFiles(cache: RunCache, ids: readonly string[], onError: (error: unknown) => void): Array<RunFile | null> {
  const key = ids.join('\n');
  const [loaded, setLoaded] = useState<Record<string, RunFile>>({});

  useEffect(() => {
    let live = true;
    for (const id of key.split('\n').filter(Boolean)) {
      if (cache.peek(id)) continue;
      cache.get(id).then(
        (run) => live && setLoaded((all) => ({ ...all, [id]: run })),
        (error: unknown) => live && onError(error),
      );
    }
    return () => {
      live = false;
    };
  }, [cache, key, onError]);

  return ids.map((id) => cache.peek(id) ?? loaded[id] ?? null);
}
