import { useQueries, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { StudioApi } from '../../../../shared/contract';
import type { RunFile } from '../../../../shared/run-schema';
import { useApi } from '../../data/api-context';
import { studioQueries } from '../../data/queries';
import { RUN_FILES_KEPT } from '../../data/query-client';
import { queryKeys } from '../../data/query-keys';
import { prepareCompareCharts } from './compare-chart-data';

/**
 * At most this many ticked runs are read ahead (the first ticked); Compare reads any further ones
 * when it opens. Read-ahead files are shown files, which the cache never drops, so half of
 * RUN_FILES_KEPT leaves room for a detail or two and a Compare of as many runs again.
 */
export const READ_AHEAD_LIMIT = Math.floor(RUN_FILES_KEPT / 2);

/**
 * The queries that read ahead the files of `ids` (ticked runs, in tick order): the Compare page's
 * own (studioQueries.runFile), so Compare finds each file in the cache or still on its way and never
 * reads it a second time.
 */
export function readAheadQueries(api: StudioApi, ids: readonly string[]) {
  return ids.slice(0, READ_AHEAD_LIMIT).map((id) => studioQueries.runFile(api, id));
}

/**
 * Stable and constant: with a combine whose result never changes, react-query never re-renders the
 * Runs page when a read-ahead file arrives (it needs nothing from it).
 */
const noResult = (): null => null;

/**
 * Reads the files of the runs ticked for comparison while the user is still on the Runs page, so
 * that "Compare" draws at once from the cache. Reading three runs of 100,000 samples (the server
 * packs each, the page unpacks it) was about half of the time from the click to the painted
 * Compare page (bench:ui). A file is held (shown, in the cache's terms) only while its run is
 * ticked; an unticked one is idle and goes when newer files need the room (keepRecentRunFiles).
 * Once all are read, the charts' bins and CDF points for them are computed in idle time too
 * (compare-chart-data.ts).
 */
export function useReadAheadRunFiles(ids: readonly string[]): void {
  useQueries({ queries: readAheadQueries(useApi(), ids), combine: noResult });
  const client = useQueryClient();
  const key = ids.join('\n');
  useEffect(() => prepareWhenRead(client, key === '' ? [] : key.split('\n')), [client, key]);
}

/** requestIdleCallback where there is one (Safari has none, and browser mode may run there). */
function whenIdle(task: () => void): () => void {
  if (typeof requestIdleCallback === 'function') {
    const handle = requestIdleCallback(task);
    return () => cancelIdleCallback(handle);
  }
  const timer = setTimeout(task, 0);
  return () => clearTimeout(timer);
}

/**
 * Once every ticked run's file is in the cache (two runs or more, none past the read-ahead's
 * limit), computes Compare's chart data for them (`prepare`) when the page is next idle; returns
 * the cleanup, which also cancels a computation not started yet.
 */
export function prepareWhenRead(client: QueryClient, ids: readonly string[], prepare: (files: RunFile[]) => void = prepareCompareCharts): () => void {
  if (ids.length < 2 || ids.length > READ_AHEAD_LIMIT) return () => undefined;
  let cancelIdle: (() => void) | null = null;
  const filesIfRead = (): RunFile[] | null => {
    const files = ids.map((id) => client.getQueryData<RunFile>(queryKeys.run(id)));
    return files.every((f): f is RunFile => f !== undefined) ? files : null;
  };
  let off = (): void => undefined;
  const check = (): void => {
    if (cancelIdle !== null || filesIfRead() === null) return;
    off();
    // Idle time: never between a tick and its paint. Read again then: a file may have gone since.
    cancelIdle = whenIdle(() => {
      const files = filesIfRead();
      if (files) prepare(files);
    });
  };
  off = client.getQueryCache().subscribe((event) => {
    if (event.type === 'updated' && event.query.queryKey[0] === 'run') check();
  });
  check();
  return () => {
    off();
    cancelIdle?.();
  };
}
