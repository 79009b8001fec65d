import { useEffect, useState } from 'react';
import type { EventPayload, StudioApi } from '../../../../shared/contract';
import { useApi } from '../../data/api-context';

export interface LogLine {
  /** Increasing per target, for React keys. */
  id: number;
  direction: EventPayload<'device.log'>['direction'];
  text: string;
  atMs: number;
}

export interface UploadState {
  sentBytes: number;
  totalBytes: number;
}

/** Lines kept per target; older ones scroll away, as in a terminal. */
export const MAX_LOG_LINES = 1000;
/** Bursts (a model upload, a run's progress) are drawn at most this often. */
const FLUSH_EVERY_MS = 100;

interface Store {
  logs: Map<string, LogLine[]>;
  uploads: Map<string, UploadState>;
  nextId: number;
  listeners: Set<() => void>;
  flushTimer: ReturnType<typeof setTimeout> | null;
}

// One store per studio session: the log keeps filling while the user is on another page.
const stores = new WeakMap<StudioApi, Store>();

function storeOf(api: StudioApi): Store {
  const found = stores.get(api);
  if (found) return found;
  const store: Store = { logs: new Map(), uploads: new Map(), nextId: 1, listeners: new Set(), flushTimer: null };
  const changed = (): void => {
    store.flushTimer ??= setTimeout(() => {
      store.flushTimer = null;
      for (const listener of store.listeners) listener();
    }, FLUSH_EVERY_MS);
  };
  api.on('device.log', ({ targetId, direction, text }) => {
    const lines = store.logs.get(targetId) ?? [];
    const next = [...lines, { id: store.nextId++, direction, text, atMs: Date.now() }];
    store.logs.set(targetId, next.length > MAX_LOG_LINES ? next.slice(-MAX_LOG_LINES) : next);
    changed();
  });
  api.on('device.upload', ({ targetId, sentBytes, totalBytes }) => {
    store.uploads.set(targetId, { sentBytes, totalBytes });
    changed();
  });
  stores.set(api, store);
  return store;
}

/** The live serial log and the last model upload of each target, from device.log / device.upload events. */
export function useDeviceEvents() {
  const store = storeOf(useApi());
  const [, setVersion] = useState(0);
  useEffect(() => {
    const listener = (): void => setVersion((v) => v + 1);
    store.listeners.add(listener);
    return () => void store.listeners.delete(listener);
  }, [store]);
  return {
    logOf: (targetId: string): readonly LogLine[] => store.logs.get(targetId) ?? [],
    uploadOf: (targetId: string): UploadState | null => store.uploads.get(targetId) ?? null,
    clear: (targetId: string): void => {
      store.logs.delete(targetId);
      setVersion((v) => v + 1);
    },
  };
}

export type DeviceEvents = ReturnType<typeof useDeviceEvents>;
