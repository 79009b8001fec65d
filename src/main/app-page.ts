/**
 * Which page is ours. The window loads either the electron-vite dev server (development) or the
 * built UI from app://studio/ (app-protocol.ts); IPC and navigation checks accept exactly that
 * page and nothing else.
 */
import { APP_ORIGIN, APP_PAGE_URL } from './app-protocol';

export interface AppPage {
  /** What BrowserWindow loads. */
  url: string;
  /** True for a frame URL of our page (any hash or query), false for anything else. */
  isOwn(frameUrl: string): boolean;
}

export function resolveAppPage(devServerUrl: string | undefined): AppPage {
  if (devServerUrl) {
    const origin = new URL(devServerUrl).origin;
    return { url: devServerUrl, isOwn: (frameUrl) => safeUrl(frameUrl)?.origin === origin };
  }
  const page = new URL(APP_PAGE_URL);
  return {
    url: APP_PAGE_URL,
    isOwn(frameUrl) {
      const url = safeUrl(frameUrl);
      // Compared as text: Node's URL gives a non-special scheme an opaque origin ("null").
      return url !== null && `${url.protocol}//${url.host}` === APP_ORIGIN && url.pathname === page.pathname;
    },
  };
}

function safeUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}
