/**
 * The preload bridge: the page gets exactly one object, `window.edgebenchBridge`, with one
 * method per contract call (src/shared/bridge.ts) and the desktop's model import by path. No raw
 * ipcRenderer, no generic invoke(channel, ...) and no file paths reach the page.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { createBridge, DESKTOP_MODEL_IMPORT_CHANNEL, IPC_EVENT_CHANNEL, type DesktopFiles } from '../shared/bridge';
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

/** '' for a File made in JavaScript (webUtils' answer) and for anything that is not a File (where it throws): the page then uploads. */
function pathOnDisk(file: Blob): string {
  try {
    return webUtils.getPathForFile(file as File);
  } catch {
    return '';
  }
}

/**
 * A picked or dropped model imported by its path: webUtils.getPathForFile is called here, on the
 * File the page passes (contextBridge hands it over as a File), and only this one function is
 * exposed, never webUtils. The paths go to main, which checks them (src/main/model-path-import.ts);
 * the page learns none, as Electron's webUtils docs advise. No Electron binary exists where this
 * was written, so this file is checked by the type checker and the build only; the page's use of
 * it is tested with the bridge present and absent (test/unit/renderer/model-import.test.ts).
 */
const desktopFiles: DesktopFiles = {
  async importModel(files) {
    const paths = files.map(pathOnDisk);
    if (paths.length === 0 || paths.includes('')) return null;
    return CallResult.parse(await ipcRenderer.invoke(DESKTOP_MODEL_IMPORT_CHANNEL, { paths }));
  },
};

// Plain nested objects of functions: contextBridge proxies the functions and clones the
// CallResult envelopes they resolve with (see src/shared/bridge.ts for why envelopes).
contextBridge.exposeInMainWorld('edgebenchBridge', { ...createBridge(transport), desktopFiles });
