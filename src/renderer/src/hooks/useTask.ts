import { useCallback, useEffect, useRef, useState } from 'react';
import type { EventPayload } from '../../../shared/contract';
import { useApi } from '../data/api-context';

export type TaskName = EventPayload<'task.progress'>['task'];

export interface TaskState {
  busy: boolean;
  /** The engine's latest word on the task (task.progress), or the line given to `run`. */
  message: string | null;
  /** Runs `work`, showing `startMessage` until the engine reports progress; rethrows its error. */
  run: <T>(startMessage: string, work: () => Promise<T>) => Promise<T>;
}

/**
 * One long engine task (quantize, evaluate, per-layer SQNR) started from this component, with
 * the progress lines the engine sends while it runs. Lines that arrive while this component
 * started nothing (another window's task) are ignored.
 */
export function useTask(task: TaskName): TaskState {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const running = useRef(0);

  useEffect(
    () =>
      api.on('task.progress', (payload) => {
        if (payload.task === task && running.current > 0) setMessage(payload.message);
      }),
    [api, task],
  );

  const run = useCallback(async <T,>(startMessage: string, work: () => Promise<T>): Promise<T> => {
    running.current += 1;
    setBusy(true);
    setMessage(startMessage);
    try {
      return await work();
    } finally {
      running.current -= 1;
      if (running.current === 0) {
        setBusy(false);
        setMessage(null);
      }
    }
  }, []);

  return { busy, message, run };
}
