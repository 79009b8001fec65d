import type { StudioBridge } from '../../shared/bridge';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in browser mode, where the UI talks over a WebSocket. */
    readonly edgebenchBridge?: StudioBridge;
  }
}

export {};
