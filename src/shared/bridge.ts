/**
 * The shape of the Electron preload bridge (`window.edgebenchBridge`).
 *
 * Why not expose the finished StudioApi from the preload: contextBridge copies a rejected
 * Error's message only, so `code` and `context` would be lost on the way to the page. The
 * bridge therefore resolves every call with its CallResult envelope (plain data, cloned
 * intact), and the page builds the StudioApi over it with createApiClient, exactly as it does
 * over the WebSocket. The bridge is still one method per contract call: no generic invoke.
 */
import { listCalls, type EventName } from './contract';
import type { CallResult, ClientTransport } from './rpc';

/** Channel main pushes engine events on (and UI hints such as the menu's 'ui.navigate'). */
export const IPC_EVENT_CHANNEL = 'edgebench:event';

/** Channel of the desktop app's model import by path (src/main/model-path-import.ts); not a contract call, so browser mode never reads paths. */
export const DESKTOP_MODEL_IMPORT_CHANNEL = 'edgebench:desktop:importModelAtPaths';

/**
 * What the desktop app adds for picked and dropped files: Electron's webUtils.getPathForFile runs
 * in the preload, and the paths go from there to main, never to the page (Electron's advice).
 */
export interface DesktopFiles {
  /**
   * Imports one model from the files' paths on disk, a model.json's shards read from beside it;
   * resolves with models.importFiles' envelope, or null when a file has no path on disk (the page
   * then uploads the files as browser mode does).
   */
  importModel(files: readonly Blob[]): Promise<CallResult | null>;
}

export interface StudioBridge {
  calls: Record<string, Record<string, (request: unknown) => Promise<CallResult>>>;
  on(event: EventName, listener: (payload: unknown) => void): () => void;
  /** Set by the desktop preload only. */
  desktopFiles?: DesktopFiles;
}

/** Preload side: one function per contract call, each sending its own channel only. */
export function createBridge(transport: ClientTransport): StudioBridge {
  const calls: StudioBridge['calls'] = {};
  for (const { channel, namespace, method } of listCalls()) {
    (calls[namespace] ??= {})[method] = (request: unknown) => transport.call(channel, request);
  }
  return { calls, on: (event, listener) => transport.subscribe(event, listener) };
}

/** Page side: turns the bridge back into a transport for createApiClient. */
export function bridgeTransport(bridge: StudioBridge): ClientTransport {
  return {
    call(channel, request) {
      const [namespace = '', method = ''] = channel.split('.');
      const fn = bridge.calls[namespace]?.[method];
      if (!fn) {
        return Promise.resolve({
          ok: false,
          error: { code: 'INTERNAL', message: `The desktop bridge has no call '${channel}'; restart the studio.`, context: {} },
        });
      }
      return fn(request);
    },
    subscribe: (event, listener) => bridge.on(event, listener),
  };
}
