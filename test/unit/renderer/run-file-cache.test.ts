/** How many run files (up to 100,000 samples each) the renderer's cache holds once no page shows them. */
import { QueryObserver, type QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { createStudioQueryClient, keepRecentRunFiles, RUN_FILES_KEPT } from '../../../src/renderer/src/data/query-client';
import { queryKeys } from '../../../src/renderer/src/data/query-keys';
import { cachedRunIds, unsubscribeAfterEach } from './helpers/run-file-queries';

const runIds = (n: number, from = 1): string[] => Array.from({ length: n }, (_, i) => `run-${from + i}`);

/** Reads a run file into the cache as a page would, without keeping it shown. */
function read(client: QueryClient, id: string): Promise<unknown> {
  return client.fetchQuery({ queryKey: queryKeys.run(id), queryFn: () => ({ id }), gcTime: Infinity });
}

/** A page showing a run file until the returned function is called. */
const show = (client: QueryClient, id: string): (() => void) =>
  new QueryObserver(client, { queryKey: queryKeys.run(id), queryFn: () => ({ id }) }).subscribe(() => undefined);

const cleanup = unsubscribeAfterEach();

describe('keepRecentRunFiles', () => {
  it(`keeps the ${RUN_FILES_KEPT} run files read last and drops older ones`, async () => {
    const client = createStudioQueryClient();
    cleanup.push(keepRecentRunFiles(client));
    for (const id of runIds(RUN_FILES_KEPT + 4)) await read(client, id);
    expect(cachedRunIds(client)).toEqual(runIds(RUN_FILES_KEPT, 5));
  });

  it('never drops a run file a page shows, however old', async () => {
    const client = createStudioQueryClient();
    cleanup.push(keepRecentRunFiles(client));
    await read(client, 'run-1');
    // The compare page shows run-1 the whole time.
    cleanup.push(show(client, 'run-1'));
    for (const id of runIds(RUN_FILES_KEPT + 4, 2)) await read(client, id);

    const kept = cachedRunIds(client);
    expect(kept).toHaveLength(RUN_FILES_KEPT);
    expect(kept).toContain('run-1');
    expect(kept).not.toContain('run-2');
  });

  it('counts a run file shown again as recently used', async () => {
    const client = createStudioQueryClient();
    cleanup.push(keepRecentRunFiles(client));
    await read(client, 'run-1');
    await read(client, 'run-2');
    // Opened again on the Runs page, then left.
    show(client, 'run-1')();
    for (const id of runIds(RUN_FILES_KEPT - 1, 3)) await read(client, id);

    expect(cachedRunIds(client)).toContain('run-1');
    expect(cachedRunIds(client)).not.toContain('run-2');
  });

  it('leaves other queries alone', async () => {
    const client = createStudioQueryClient();
    cleanup.push(keepRecentRunFiles(client, 2));
    await client.fetchQuery({ queryKey: queryKeys.runs, queryFn: () => [] });
    for (const id of runIds(5)) await read(client, id);
    expect(cachedRunIds(client)).toEqual(['run-4', 'run-5']);
    expect(client.getQueryData(queryKeys.runs)).toEqual([]);
  });
});
