/**
 * The Runs page's read-ahead of ticked runs' files (issue 13: Compare of three 100,000-sample runs
 * within 200 ms), on QueriesObserver, which useQueries runs on, over the app's own cache and its
 * bound on run files.
 */
import { QueriesObserver, QueryObserver, type QueryClient } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StudioApi } from '../../../src/shared/contract';
import { READ_AHEAD_LIMIT, readAheadQueries } from '../../../src/renderer/src/components/compare/read-ahead';
import { studioQueries } from '../../../src/renderer/src/data/queries';
import { createStudioQueryClient, keepRecentRunFiles, RUN_FILES_KEPT } from '../../../src/renderer/src/data/query-client';
import { queryKeys } from '../../../src/renderer/src/data/query-keys';

const runIds = (n: number, from = 1): string[] => Array.from({ length: n }, (_, i) => `run-${from + i}`);

/** A studio that answers runs.get only, and notes which run each call asked for. */
function fakeRunsApi() {
  const reads: string[] = [];
  const api = { runs: { get: async ({ id }: { id: string }) => (reads.push(id), { id }) } } as unknown as StudioApi;
  return { api, reads };
}

const cachedRunIds = (client: QueryClient): string[] =>
  client
    .getQueryCache()
    .getAll()
    .filter((q) => q.queryKey[0] === 'run')
    .map((q) => String(q.queryKey[1]));

let cleanup: Array<() => void> = [];
afterEach(() => {
  for (const off of cleanup) off();
  cleanup = [];
});

describe('reading ticked runs ahead', () => {
  it(`reads the first ${READ_AHEAD_LIMIT} ticked runs once each, and Compare then shows them without reading them again`, async () => {
    const { api, reads } = fakeRunsApi();
    const client = createStudioQueryClient();
    cleanup.push(keepRecentRunFiles(client));
    const ticked = runIds(READ_AHEAD_LIMIT + 2);
    const runsPage = new QueriesObserver(client, readAheadQueries(api, ticked));
    cleanup.push(runsPage.subscribe(() => undefined));
    await vi.waitFor(() => expect(client.isFetching()).toBe(0));
    expect(reads).toEqual(ticked.slice(0, READ_AHEAD_LIMIT));

    // On its first render, Compare has every file read ahead; only the ones past the limit are still to come.
    expect(ticked.map((id) => client.getQueryData(queryKeys.run(id)) !== undefined)).toEqual(ticked.map((_, i) => i < READ_AHEAD_LIMIT));
    const comparePage = new QueriesObserver(client, ticked.map((id) => studioQueries.runFile(api, id)));
    cleanup.push(comparePage.subscribe(() => undefined));
    await vi.waitFor(() => expect(client.isFetching()).toBe(0));
    expect([...reads].sort()).toEqual([...ticked].sort());
  });

  it('a file still on its way when Compare opens is not asked for again', async () => {
    const { api, reads } = fakeRunsApi();
    const client = createStudioQueryClient();
    const runsPage = new QueriesObserver(client, readAheadQueries(api, ['run-1', 'run-2']));
    const offRuns = runsPage.subscribe(() => undefined);
    // The click, before either answer arrived: the Runs page lets go of its reads (React unmounts
    // it first), then Compare shows the same runs.
    offRuns();
    cleanup.push(new QueriesObserver(client, ['run-1', 'run-2'].map((id) => studioQueries.runFile(api, id))).subscribe(() => undefined));
    await vi.waitFor(() => expect(client.getQueryData(queryKeys.run('run-2'))).toEqual({ id: 'run-2' }));
    expect(reads).toEqual(['run-1', 'run-2']);
  });

  it('holds a ticked run’s file however many others are read, and lets it go once unticked', async () => {
    const { api } = fakeRunsApi();
    const client = createStudioQueryClient();
    cleanup.push(keepRecentRunFiles(client));
    const untick = new QueriesObserver(client, readAheadQueries(api, ['ticked'])).subscribe(() => undefined);
    const detail = (id: string): Promise<void> =>
      new Promise((resolve) => {
        // A run's detail opened and left, as clicking through the runs list does.
        const observer = new QueryObserver(client, studioQueries.runFile(api, id));
        const off = observer.subscribe((result) => {
          if (result.data === undefined) return;
          off();
          resolve();
        });
      });
    for (const id of runIds(RUN_FILES_KEPT + 4)) await detail(id);
    expect(cachedRunIds(client)).toContain('ticked');
    expect(cachedRunIds(client)).toHaveLength(RUN_FILES_KEPT);

    // Unticked: the Runs page's useQueries drops the run's observer.
    untick();
    await detail('one-more');
    expect(cachedRunIds(client)).not.toContain('ticked');
    expect(cachedRunIds(client)).toHaveLength(RUN_FILES_KEPT);
  });
});
