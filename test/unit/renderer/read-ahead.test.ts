/**
 * The Runs page's read-ahead of ticked runs' files (issue 13: Compare of three 100,000-sample runs
 * within 200 ms), on QueriesObserver, which useQueries runs on, over the app's own cache and its
 * bound on run files.
 */
import { QueriesObserver, QueryObserver } from '@tanstack/react-query';
import { describe, expect, it, vi } from 'vitest';
import type { StudioApi } from '../../../src/shared/contract';
import type { RunFile } from '../../../src/shared/run-schema';
import { DEFAULT_LATENCY_VIEW } from '../../../src/renderer/src/components/charts/latency-axis';
import { cdfLines, histogramRows, prepareCompareCharts } from '../../../src/renderer/src/components/compare/compare-chart-data';
import { prepareWhenRead, READ_AHEAD_LIMIT, readAheadQueries } from '../../../src/renderer/src/components/compare/read-ahead';
import { studioQueries } from '../../../src/renderer/src/data/queries';
import { createStudioQueryClient, keepRecentRunFiles, RUN_FILES_KEPT } from '../../../src/renderer/src/data/query-client';
import { queryKeys } from '../../../src/renderer/src/data/query-keys';
import { cachedRunIds, unsubscribeAfterEach } from './helpers/run-file-queries';

const runIds = (n: number, from = 1): string[] => Array.from({ length: n }, (_, i) => `run-${from + i}`);

/** A studio that answers runs.get only, and notes which run each call asked for. */
function fakeRunsApi() {
  const reads: string[] = [];
  const api = { runs: { get: async ({ id }: { id: string }) => (reads.push(id), { id }) } } as unknown as StudioApi;
  return { api, reads };
}

const cleanup = unsubscribeAfterEach();

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

describe("Compare's chart data, computed ahead", () => {
  const file = (id: string, samples: number[]): RunFile => {
    const sorted = [...samples].sort((a, b) => a - b);
    const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return { id, latencyMs: { samples, min: sorted[0] ?? 0, max: sorted.at(-1) ?? 0, p50: at(0.5), p90: at(0.9) } } as unknown as RunFile;
  };
  const samples = (n: number, scale: number): number[] => Array.from({ length: n }, (_, i) => scale * (1 + (i % 97) / 97));

  it('once every ticked run is read, computes them in the order ticked, in idle time, once', async () => {
    const client = createStudioQueryClient();
    const prepared: string[][] = [];
    cleanup.push(prepareWhenRead(client, ['run-2', 'run-1'], (files) => prepared.push(files.map((f) => f.id))));
    client.setQueryData(queryKeys.run('run-1'), file('run-1', samples(200, 1)));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(prepared).toEqual([]);
    client.setQueryData(queryKeys.run('run-2'), file('run-2', samples(200, 2)));
    expect(prepared).toEqual([]);
    await vi.waitFor(() => expect(prepared).toEqual([['run-2', 'run-1']]));
    client.setQueryData(queryKeys.run('run-3'), file('run-3', samples(200, 3)));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(prepared).toHaveLength(1);
  });

  it('computes nothing for one ticked run, for more than are read ahead, or once unticked before the page is idle', async () => {
    const client = createStudioQueryClient();
    const ids = runIds(READ_AHEAD_LIMIT + 1);
    for (const id of ids) client.setQueryData(queryKeys.run(id), file(id, samples(50, 1)));
    const prepare = vi.fn();
    cleanup.push(prepareWhenRead(client, ids.slice(0, 1), prepare), prepareWhenRead(client, ids, prepare));
    prepareWhenRead(client, ids.slice(0, 2), prepare)();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(prepare).not.toHaveBeenCalled();
  });

  it('Compare finds what was computed ahead; a file read again, or another view, is computed anew', () => {
    const runs = [file('a', samples(300, 1)), file('b', samples(300, 1.5))];
    prepareCompareCharts(runs);
    const rows = histogramRows([...runs], DEFAULT_LATENCY_VIEW);
    const lines = cdfLines([...runs], DEFAULT_LATENCY_VIEW);
    expect(histogramRows(runs, DEFAULT_LATENCY_VIEW)).toBe(rows);
    expect(cdfLines(runs, DEFAULT_LATENCY_VIEW)).toBe(lines);
    // Each run's shares add up to 100% (no sample beyond the fence here), one CDF line per run.
    for (const key of ['r0', 'r1']) expect(rows.rows.reduce((sum, row) => sum + Number(row[key]), 0)).toBeCloseTo(100, 6);
    expect(lines.lines.map((line) => line.at(-1)?.fraction)).toEqual([1, 1]);

    const readAgain = [file('a', samples(300, 1)), runs[1] as RunFile];
    expect(histogramRows(readAgain, DEFAULT_LATENCY_VIEW)).not.toBe(rows);
    expect(histogramRows(runs, { scale: 'log', showAll: false })).not.toBe(rows);
  });
});
