/**
 * The renderer's data layer against a fake contract client: the real client (createApiClient,
 * which validates every request and answer with the contract's schemas) over a transport whose
 * calls a test answers and whose events a test emits. QueryObserver and MutationObserver are what
 * useQuery and useMutation run on, so this is the pages' cache without a DOM.
 */
import { MutationObserver, onlineManager, QueryObserver, type QueryClient, type QueryKey } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { events, type EventName, type EventPayload } from '../../../src/shared/contract';
import { StudioError, toErrorData } from '../../../src/shared/errors';
import { createApiClient, type ClientTransport } from '../../../src/shared/rpc';
import { workspaceChanges, workspaceMutation } from '../../../src/renderer/src/data/mutations';
import { studioQueries } from '../../../src/renderer/src/data/queries';
import {
  createStudioQueryClient,
  invalidateOnWorkspaceChange,
  reportQueryErrors,
} from '../../../src/renderer/src/data/query-client';
import { queryKeys, type WorkspaceList } from '../../../src/renderer/src/data/query-keys';

type Answer = (request: unknown) => unknown;

/** A studio engine that answers only what a test gives it, counts calls and emits events on demand. */
function fakeStudio(answers: Record<string, Answer>) {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const calls = new Map<string, number>();
  const transport: ClientTransport = {
    async call(channel, request) {
      calls.set(channel, (calls.get(channel) ?? 0) + 1);
      const answer = answers[channel];
      try {
        if (!answer) throw new StudioError('INTERNAL', `The fake studio does not answer ${channel}.`);
        return { ok: true, response: await answer(request) };
      } catch (error) {
        return { ok: false, error: toErrorData(error) };
      }
    },
    subscribe(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    },
  };
  return {
    api: createApiClient(transport),
    emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
      for (const listener of listeners.get(event) ?? []) listener(payload);
    },
    count: (channel: string): number => calls.get(channel) ?? 0,
  };
}

const info = (modelCount: number) => ({ path: '/workspace', modelCount, runCount: 0, datasetCount: 0, problems: [] });

/**
 * Every list empty; workspace.info counts its own calls in modelCount, so each answer is told
 * apart. With `roundTripMs`, each answer takes that long, as a read over a transport does.
 */
function listAnswers(roundTripMs = 0): Record<string, Answer> {
  let infoCalls = 0;
  const later =
    (answer: () => unknown): Answer =>
    () =>
      roundTripMs === 0 ? answer() : new Promise((resolve) => setTimeout(() => resolve(answer()), roundTripMs));
  return {
    'workspace.info': later(() => info(++infoCalls)),
    'models.list': later(() => []),
    'runs.list': later(() => []),
    'datasets.list': later(() => []),
    'targets.list': later(() => []),
    'evals.list': later(() => []),
  };
}

const LIST_CHANNELS: Record<WorkspaceList | 'workspace', string> = {
  workspace: 'workspace.info',
  models: 'models.list',
  runs: 'runs.list',
  datasets: 'datasets.list',
  targets: 'targets.list',
  evals: 'evals.list',
};

/** Observes every list, as the studio's pages do, and waits for their first answers. */
async function observeLists(client: QueryClient, studio: ReturnType<typeof fakeStudio>): Promise<Array<() => void>> {
  const { api } = studio;
  const offs = [
    new QueryObserver(client, studioQueries.workspace(api)),
    new QueryObserver(client, studioQueries.models(api)),
    new QueryObserver(client, studioQueries.runs(api)),
    new QueryObserver(client, studioQueries.datasets(api)),
    new QueryObserver(client, studioQueries.targets(api)),
    new QueryObserver(client, studioQueries.evals(api)),
  ].map((observer) => observer.subscribe(() => undefined));
  await vi.waitFor(() => expect(client.isFetching()).toBe(0));
  return offs;
}

const dataOf = (client: QueryClient, key: QueryKey): unknown => client.getQueryData(key);

let cleanup: Array<() => void> = [];
afterEach(() => {
  for (const off of cleanup) off();
  cleanup = [];
  onlineManager.setOnline(true);
});

describe('workspace.changed invalidates the cached lists', () => {
  const lists = events['workspace.changed'].shape.what.options;

  it.each(lists)("'%s' refetches that list and workspace info, and no other list", async (what) => {
    const studio = fakeStudio(listAnswers());
    const client = createStudioQueryClient();
    cleanup.push(invalidateOnWorkspaceChange(studio.api, client), ...(await observeLists(client, studio)));
    for (const channel of Object.values(LIST_CHANNELS)) expect(studio.count(channel), channel).toBe(1);

    studio.emit('workspace.changed', { what });
    await vi.waitFor(() => expect(studio.count(LIST_CHANNELS[what])).toBe(2));
    await vi.waitFor(() => expect(client.isFetching()).toBe(0));

    for (const [list, channel] of Object.entries(LIST_CHANNELS)) {
      expect(studio.count(channel), channel).toBe(list === what || list === 'workspace' ? 2 : 1);
    }
    // The page sees the new answer (its counts and problems come from workspace.info).
    expect(dataOf(client, queryKeys.workspace)).toEqual(info(2));
  });

  it('keeps the answer read after the latest change when an older read answers last', async () => {
    const held: Array<(value: unknown) => void> = [];
    let infoCalls = 0;
    const studio = fakeStudio({
      ...listAnswers(),
      // The first read answers at once; the next one waits for the test; the one after answers at once.
      'workspace.info': () => {
        infoCalls += 1;
        if (infoCalls !== 2) return info(infoCalls);
        return new Promise((resolve) => held.push(resolve));
      },
    });
    const client = createStudioQueryClient();
    cleanup.push(invalidateOnWorkspaceChange(studio.api, client));
    cleanup.push(new QueryObserver(client, studioQueries.workspace(studio.api)).subscribe(() => undefined));
    await vi.waitFor(() => expect(dataOf(client, queryKeys.workspace)).toEqual(info(1)));

    studio.emit('workspace.changed', { what: 'models' });
    await vi.waitFor(() => expect(held).toHaveLength(1));
    studio.emit('workspace.changed', { what: 'runs' });
    await vi.waitFor(() => expect(dataOf(client, queryKeys.workspace)).toEqual(info(3)));
    // The read started before the second change answers now, with what it saw then.
    held[0]?.(info(2));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(dataOf(client, queryKeys.workspace)).toEqual(info(3));
  });

  it('marks a list no page shows as stale, and reads it again when a page shows it', async () => {
    const studio = fakeStudio(listAnswers());
    const client = createStudioQueryClient();
    cleanup.push(invalidateOnWorkspaceChange(studio.api, client));
    const off = new QueryObserver(client, studioQueries.datasets(studio.api)).subscribe(() => undefined);
    await vi.waitFor(() => expect(client.getQueryState(queryKeys.datasets)?.status).toBe('success'));
    off();

    studio.emit('workspace.changed', { what: 'datasets' });
    expect(client.getQueryState(queryKeys.datasets)?.isInvalidated).toBe(true);
    expect(studio.count('datasets.list')).toBe(1);

    cleanup.push(new QueryObserver(client, studioQueries.datasets(studio.api)).subscribe(() => undefined));
    await vi.waitFor(() => expect(studio.count('datasets.list')).toBe(2));
  });

  it('never refetches a run file: it is written once', async () => {
    const studio = fakeStudio(listAnswers());
    const client = createStudioQueryClient();
    cleanup.push(invalidateOnWorkspaceChange(studio.api, client), ...(await observeLists(client, studio)));
    const runFile = studioQueries.runFile(studio.api, 'run-1');
    const fetches = vi.fn(async () => ({ id: 'run-1' }) as never);
    cleanup.push(new QueryObserver(client, { ...runFile, queryFn: fetches }).subscribe(() => undefined));
    await vi.waitFor(() => expect(fetches).toHaveBeenCalledTimes(1));

    studio.emit('workspace.changed', { what: 'runs' });
    await vi.waitFor(() => expect(studio.count('runs.list')).toBe(2));
    expect(client.getQueryState(queryKeys.run('run-1'))?.isInvalidated).toBe(false);
    expect(fetches).toHaveBeenCalledTimes(1);
  });

  it('stops listening when unsubscribed', async () => {
    const studio = fakeStudio(listAnswers());
    const client = createStudioQueryClient();
    const off = invalidateOnWorkspaceChange(studio.api, client);
    cleanup.push(...(await observeLists(client, studio)));
    off();
    studio.emit('workspace.changed', { what: 'models' });
    expect(client.getQueryState(queryKeys.models)?.isInvalidated).toBe(false);
    expect(studio.count('models.list')).toBe(1);
  });
});

describe('mutations refetch what they changed', () => {
  it('a removed target: the targets list and workspace info are read again before the call settles, even with no event', async () => {
    const studio = fakeStudio({ ...listAnswers(), 'targets.remove': () => ({ removed: true }) });
    const client = createStudioQueryClient();
    cleanup.push(...(await observeLists(client, studio)));

    const mutation = new MutationObserver(client, workspaceMutation(studio.api, client, workspaceChanges.removeTarget));
    await expect(mutation.mutate({ id: 'pi' })).resolves.toEqual({ removed: true });

    expect(studio.count('targets.list')).toBe(2);
    expect(studio.count('workspace.info')).toBe(2);
    expect(studio.count('models.list')).toBe(1);
    expect(dataOf(client, queryKeys.workspace)).toEqual(info(2));
  });

  it("does not read a list a third time when the engine's own event already started its refetch", async () => {
    const studio = fakeStudio({
      // A list read takes a round trip, so the one the event starts is still out when the call's answer arrives.
      ...listAnswers(20),
      // As the engine does: the change is announced, then the call answers.
      'targets.remove': () => {
        studio.emit('workspace.changed', { what: 'targets' });
        return { removed: true };
      },
    });
    const client = createStudioQueryClient();
    cleanup.push(invalidateOnWorkspaceChange(studio.api, client), ...(await observeLists(client, studio)));

    const mutation = new MutationObserver(client, workspaceMutation(studio.api, client, workspaceChanges.removeTarget));
    await mutation.mutate({ id: 'pi' });
    await vi.waitFor(() => expect(client.isFetching()).toBe(0));

    expect(studio.count('targets.list')).toBe(2);
    expect(studio.count('workspace.info')).toBe(2);
  });

  it('a failed call changes nothing and reads nothing again', async () => {
    const studio = fakeStudio({
      ...listAnswers(),
      'targets.remove': () => {
        throw new StudioError('NOT_FOUND', "No target 'pi' in this workspace.");
      },
    });
    const client = createStudioQueryClient();
    cleanup.push(...(await observeLists(client, studio)));
    const mutation = new MutationObserver(client, workspaceMutation(studio.api, client, workspaceChanges.removeTarget));
    await expect(mutation.mutate({ id: 'pi' })).rejects.toThrow("No target 'pi' in this workspace.");
    expect(studio.count('targets.list')).toBe(1);
    expect(studio.count('workspace.info')).toBe(1);
  });
});

describe('the cache-wide rules', () => {
  it('reports a list that could not be read once, but not the failures their components show in place (MACs, serial ports)', async () => {
    const studio = fakeStudio({
      ...listAnswers(),
      'models.list': () => {
        throw new StudioError('WORKSPACE', 'models/ could not be read: permission denied.');
      },
      'models.macs': () => {
        throw new StudioError('BAD_INPUT', 'inputs.json is damaged.');
      },
      'devices.list': () => {
        throw new StudioError('INTERNAL', 'Could not list serial ports: spawn udevadm ENOENT.');
      },
    });
    const client = createStudioQueryClient();
    const reported: string[] = [];
    cleanup.push(reportQueryErrors(client, (error) => reported.push(toErrorData(error).message)));
    cleanup.push(new QueryObserver(client, studioQueries.models(studio.api)).subscribe(() => undefined));
    cleanup.push(new QueryObserver(client, studioQueries.modelMacs(studio.api, 'm1', 'saved-1')).subscribe(() => undefined));
    await vi.waitFor(() => expect(client.getQueryState(queryKeys.models)?.status).toBe('error'));
    cleanup.push(new QueryObserver(client, studioQueries.ports(studio.api)).subscribe(() => undefined));
    await vi.waitFor(() => expect(client.getQueryState(queryKeys.modelMacs('m1', 'saved-1'))?.status).toBe('error'));
    await vi.waitFor(() => expect(client.getQueryState(queryKeys.ports)?.status).toBe('error'));

    expect(reported).toEqual(['models/ could not be read: permission denied.']);
    // Not retried behind the user's back.
    expect(studio.count('models.list')).toBe(1);
  });

  it('still calls the engine when the browser believes it is offline (a lab host on a LAN without internet)', async () => {
    onlineManager.setOnline(false);
    const studio = fakeStudio(listAnswers());
    const client = createStudioQueryClient();
    cleanup.push(new QueryObserver(client, studioQueries.workspace(studio.api)).subscribe(() => undefined));
    await vi.waitFor(() => expect(dataOf(client, queryKeys.workspace)).toEqual(info(1)));

    const removed = new MutationObserver(
      client,
      workspaceMutation(fakeStudio({ ...listAnswers(), 'targets.remove': () => ({ removed: true }) }).api, client, workspaceChanges.removeTarget),
    );
    await expect(removed.mutate({ id: 'pi' })).resolves.toEqual({ removed: true });
  });
});
