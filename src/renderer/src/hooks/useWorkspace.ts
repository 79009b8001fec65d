import { useCallback, useEffect, useState } from 'react';
import type { ModelEntry, StudioApi, TargetEntry, WorkspaceInfo } from '../../../shared/contract';
import type { RunSummary } from '../../../shared/run-schema';

export interface WorkspaceData {
  info: WorkspaceInfo | null;
  models: ModelEntry[];
  targets: TargetEntry[];
  runs: RunSummary[];
  /** True once every list answered at least once. */
  ready: boolean;
}

type Part = 'models' | 'runs' | 'targets' | 'info';

const EMPTY: WorkspaceData = { info: null, models: [], targets: [], runs: [], ready: false };

function newestFirst(runs: RunSummary[]): RunSummary[] {
  return [...runs].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

async function fetchPart(api: StudioApi, part: Part): Promise<Partial<WorkspaceData>> {
  switch (part) {
    case 'models':
      return { models: await api.models.list({}) };
    case 'runs':
      return { runs: newestFirst(await api.runs.list({})) };
    case 'targets':
      return { targets: await api.targets.list({}) };
    case 'info':
      return { info: await api.workspace.info({}) };
  }
}

/** The workspace's lists, kept fresh by `workspace.changed` events. */
export function useWorkspace(api: StudioApi, onError: (error: unknown) => void): WorkspaceData & {
  replaceTarget: (target: TargetEntry) => void;
} {
  const [data, setData] = useState<WorkspaceData>(EMPTY);

  useEffect(() => {
    let live = true;
    // Only the newest answer per list is kept: events can trigger loads that overtake each other.
    const latest: Record<Part, number> = { models: 0, runs: 0, targets: 0, info: 0 };
    const load = (part: Part): Promise<void> => {
      const ticket = ++latest[part];
      return fetchPart(api, part).then(
        (update) => {
          if (live && ticket === latest[part]) setData((d) => ({ ...d, ...update }));
        },
        (error: unknown) => {
          if (live) onError(error);
        },
      );
    };
    void Promise.all([load('info'), load('models'), load('targets'), load('runs')]).then(() => {
      if (live) setData((d) => ({ ...d, ready: true }));
    });
    const off = api.on('workspace.changed', ({ what }) => {
      // Counts and problems in `info` change with any list, so refresh it too.
      if (what !== 'datasets' && what !== 'evals') void load(what);
      void load('info');
    });
    return () => {
      live = false;
      off();
    };
  }, [api, onError]);

  const replaceTarget = useCallback((target: TargetEntry) => {
    setData((d) => ({ ...d, targets: d.targets.map((t) => (t.id === target.id ? target : t)) }));
  }, []);

  return { ...data, replaceTarget };
}
