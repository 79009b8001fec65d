/**
 * The Electron security checklist, applied app-wide: a strict CSP on every response, no
 * permissions, no new windows, no navigation away from our page, no <webview>.
 */
import { app, type Session, type WebContents } from 'electron';
import type { AppPage } from './app-page';
import { CONTENT_SECURITY_POLICY } from '../shared/security-policy';


export function secureSession(session: Session): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
        'X-Content-Type-Options': ['nosniff'],
      },
    });
  });
  // The studio needs no camera, microphone, notifications, geolocation, serial or HID from the page:
  // devices are reached by the engine in the main process, never by the renderer.
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

/** Call before app 'ready': every WebContents ever created gets the guards, not just our window. */
export function guardAllWebContents(page: AppPage): void {
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, page));
}

function guardWebContents(contents: WebContents, page: AppPage): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event, url) => {
    if (!isSamePage(contents, url, page)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isSamePage(contents, url, page)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** A reload of our own page (or a hash change within it) is the only navigation allowed. */
function isSamePage(contents: WebContents, url: string, page: AppPage): boolean {
  return url === contents.getURL() || (page.isOwn(url) && page.isOwn(contents.getURL()));
}
