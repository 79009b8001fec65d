import { useEffect, useState } from 'react';
import type { StudioApi, TargetEntry } from '../../../../shared/contract';

/**
 * The workspace's targets with what their last connection test found, for the "Made for" select:
 * loaded when the Variants panel opens (so a board tested on the Targets page shows its CPU) and
 * again when targets are added, edited or removed.
 */
export function useTargets(api: StudioApi, onError: (error: unknown) => void): TargetEntry[] {
  const [targets, setTargets] = useState<TargetEntry[]>([]);
  useEffect(() => {
    let live = true;
    // Only the newest answer is kept: reloads triggered by events can overtake each other.
    let ticket = 0;
    const load = (): void => {
      const mine = ++ticket;
      api.targets.list({}).then(
        (list) => {
          if (live && mine === ticket) setTargets(list);
        },
        (error: unknown) => {
          if (live) onError(error);
        },
      );
    };
    load();
    const off = api.on('workspace.changed', ({ what }) => what === 'targets' && load());
    return () => {
      live = false;
      off();
    };
  }, [api, onError]);
  return targets;
}
