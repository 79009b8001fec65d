/**
 * Which page is ours. The window loads either the electron-vite dev server (development) or
 * out/renderer/index.html; IPC and navigation checks accept exactly that page and nothing else.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface AppPage {
  /** What BrowserWindow loads. */
  url: string;
  /** True for a frame URL of our page (any hash or query), false for anything else. */
  isOwn(frameUrl: string): boolean;
}

export function resolveAppPage(rendererIndexPath: string, devServerUrl: string | undefined): AppPage {
  if (devServerUrl) {
    const origin = new URL(devServerUrl).origin;
    return { url: devServerUrl, isOwn: (frameUrl) => safeUrl(frameUrl)?.origin === origin };
  }
  const indexPath = path.resolve(rendererIndexPath);
  return {
    url: pathToFileURL(indexPath).href,
    isOwn(frameUrl) {
      const url = safeUrl(frameUrl);
      if (url?.protocol !== 'file:' || url.host !== '') return false;
      url.hash = '';
      url.search = '';
      return fileURLToPath(url) === indexPath;
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
