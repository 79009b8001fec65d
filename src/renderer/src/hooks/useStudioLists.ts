import { useCallback, useEffect, useState } from 'react';
import type { DatasetEntry, EventPayload, StudioApi } from '../../../shared/contract';
import type { EvalRecord } from '../../../shared/eval-schema';

type ListName = EventPayload<'workspace.changed'>['what'];

/** A list from the engine, loaded once and again on each `workspace.changed` about it. */
function useLiveList<T>(api: StudioApi, what: ListName, load: () => Promise<T[]>, onError: (error: unknown) => void) {
  const [state, setState] = useState<{ items: T[]; ready: boolean }>({ items: [], ready: false });
  useEffect(() => {
    let live = true;
    // Only the newest answer is kept: reloads triggered by events can overtake each other.
    let ticket = 0;
    const refresh = (): void => {
      const mine = ++ticket;
      load().then(
        (items) => {
          if (live && mine === ticket) setState({ items, ready: true });
        },
        (error: unknown) => {
          if (live) onError(error);
        },
      );
    };
    refresh();
    const off = api.on('workspace.changed', (event) => event.what === what && refresh());
    return () => {
      live = false;
      off();
    };
  }, [api, what, load, onError]);
  return state;
}

export function useDatasets(api: StudioApi, onError: (error: unknown) => void): { datasets: DatasetEntry[]; ready: boolean } {
  const load = useCallback(() => api.datasets.list({}), [api]);
  const { items, ready } = useLiveList(api, 'datasets', load, onError);
  return { datasets: items, ready };
}

export function useEvals(api: StudioApi, onError: (error: unknown) => void): EvalRecord[] {
  const load = useCallback(() => api.evals.list({}), [api]);
  return useLiveList(api, 'evals', load, onError).items;
}
