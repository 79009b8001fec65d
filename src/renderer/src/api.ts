import { bridgeTransport } from '../../shared/bridge';
import type { StudioApi } from '../../shared/contract';
import { StudioError } from '../../shared/errors';
import { createApiClient } from '../../shared/rpc';
import { webSocketTransport } from '../../shared/ws-client';
import { TOKEN_PARAM, WS_PATH, webSocketProtocols } from '../../shared/ws-protocol';

/** Where browser mode's token waits between reloads: this tab, this origin (scheme, host and port) only. */
const TOKEN_STORAGE_KEY = 'edgebench.token';
/** The token for this page's life, for a browser that refuses sessionStorage. */
let pageToken: string | null = null;

/**
 * Browser mode's page URL carries the token once (`?token=…`, as `edgebench serve` prints it).
 * This moves it into sessionStorage and takes it out of the address bar, so it ends in no
 * history entry, bookmark or Referer; the page keeps working after a reload. Called once,
 * before the app renders (main.tsx). Does nothing in the desktop app, whose URL has no token.
 */
export function takeTokenFromUrl(): void {
  const url = new URL(window.location.href);
  const token = url.searchParams.get(TOKEN_PARAM);
  if (token === null) return;
  pageToken = token;
  try {
    window.sessionStorage.setItem(TOKEN_STORAGE_KEY, token);
  } catch {
    // Storage disabled: the token lives in memory only, and a reload needs the printed URL again.
  }
  url.searchParams.delete(TOKEN_PARAM);
  window.history.replaceState(window.history.state, '', `${url.pathname}${url.search}${url.hash}`);
}

function storedToken(): string | null {
  if (pageToken !== null) return pageToken;
  try {
    return window.sessionStorage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null;
  }
}

/** The WebSocket URL of browser mode: this page's own host; the token goes in the handshake, never in the URL. */
export function webSocketUrl(location: Location): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}${WS_PATH}`;
}

/**
 * The studio API: over the Electron preload's bridge when there is one, otherwise a WebSocket
 * client to browser mode. `onLost` hears about a connection that dropped after it opened.
 */
export async function connectApi(onLost?: (message: string) => void): Promise<StudioApi> {
  if (window.edgebenchBridge) return createApiClient(bridgeTransport(window.edgebenchBridge));
  const token = storedToken();
  const socket = new WebSocket(webSocketUrl(window.location), token === null ? [] : webSocketProtocols(token));
  const transport = webSocketTransport(socket);
  try {
    await transport.ready;
  } catch {
    throw new StudioError(
      'INTERNAL',
      token !== null
        ? `Could not connect to the studio server at ${window.location.host}. Check that 'edgebench serve' is still running, then open the URL it printed.`
        : `Could not connect to the studio server at ${window.location.host}: this page was opened without its access token. Open the full URL that 'edgebench serve' printed (it ends in ?${TOKEN_PARAM}=…).`,
      { url: `${window.location.protocol}//${window.location.host}${WS_PATH}` },
    );
  }
  socket.addEventListener('close', () =>
    onLost?.("The connection to the studio server was lost. Restart 'edgebench serve' and reload the page."),
  );
  return createApiClient(transport);
}
