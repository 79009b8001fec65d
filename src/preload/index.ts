/**
 * The preload bridge: the page gets exactly one object, `window.edgebenchBridge`, with one
 * method per contract call (src/shared/bridge.ts). No raw ipcRenderer, no generic
 * invoke(channel, ...) reaches the page.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { createBridge, IPC_EVENT_CHANNEL } from '../shared/bridge';
import type { EventName } from '../shared/contract';
import { CallResult, type ClientTransport } from '../shared/rpc';

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

// Plain nested objects of functions: contextBridge proxies the functions and clones the
// CallResult envelopes they resolve with (see src/shared/bridge.ts for why envelopes).
contextBridge.exposeInMainWorld('edgebenchBridge', createBridge(transport));
