/** What the run-file cache tests share: the cached run ids, and observers torn down after each test. */
import type { QueryClient } from '@tanstack/react-query';
import { afterEach } from 'vitest';

/** The ids of the run files in the cache, in the cache's order. */
export const cachedRunIds = (client: QueryClient): string[] =>
  client
    .getQueryCache()
    .getAll()
    .filter((q) => q.queryKey[0] === 'run')
    .map((q) => String(q.queryKey[1]));

/** A list to push unsubscribe functions on; each is called after every test. */
export function unsubscribeAfterEach(): Array<() => void> {
  const cleanup: Array<() => void> = [];
  afterEach(() => {
    for (const off of cleanup.splice(0)) off();
  });
  return cleanup;
}
