import type { StudioApi } from '../../shared/contract';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in browser mode, where the UI talks over a WebSocket. */
    readonly edgebench?: StudioApi;
  }
}

export {};
