import { useQueries } from '@tanstack/react-query';
import type { StudioApi } from '../../../../shared/contract';
import { useApi } from '../../data/api-context';
import { studioQueries } from '../../data/queries';
import { RUN_FILES_KEPT } from '../../data/query-client';

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
 */
export function useReadAheadRunFiles(ids: readonly string[]): void {
  useQueries({ queries: readAheadQueries(useApi(), ids), combine: noResult });
}
