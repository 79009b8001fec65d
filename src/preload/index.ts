/**
 * The preload bridge: the page gets exactly one object, `window.edgebench`, implementing the
 * contract (the same `StudioApi` the WebSocket transport gives in browser mode). No raw
 * ipcRenderer, no generic invoke(channel, ...) reaches the page.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { EventName } from '../shared/contract';
import { CallResult, createApiClient, type ClientTransport } from '../shared/rpc';

/** The one IPC channel main pushes events on; must match IPC_EVENT_CHANNEL in src/main/ipc.ts. */
const IPC_EVENT_CHANNEL = 'edgebench:event';

const listeners = new Map<string, Set<(payload: unknown) => void>>();

// One IPC listener for all events; the page's subscriptions live in `listeners`, so the
// IpcRendererEvent (which carries `sender`) never reaches page code.
ipcRenderer.on(IPC_EVENT_CHANNEL, (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
  if (typeof name !== 'string') return;
  for (const listener of listeners.get(name) ?? []) listener(payload);
});

const transport: ClientTransport = {
  async call(channel, request) {
    return CallResult.parse(await ipcRenderer.invoke(channel, request));
  },
  subscribe(event: EventName, listener) {
    const set = listeners.get(event) ?? new Set();
    set.add(listener);
    listeners.set(event, set);
    return () => {
      set.delete(listener);
    };
  },
};

// createApiClient returns plain nested objects of functions, which contextBridge copies
// into the page's world (functions are proxied, promises and plain data cloned).
contextBridge.exposeInMainWorld('edgebench', createApiClient(transport));
