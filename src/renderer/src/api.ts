import { bridgeTransport } from '../../shared/bridge';
import type { StudioApi } from '../../shared/contract';
import { StudioError } from '../../shared/errors';
import { createApiClient } from '../../shared/rpc';
import { webSocketTransport } from '../../shared/ws-client';
import { TOKEN_PARAM, WS_PATH } from '../../shared/ws-protocol';

/** The WebSocket URL of browser mode, carrying the per-start token from the page's own URL. */
export function webSocketUrl(location: Location): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const token = new URLSearchParams(location.search).get(TOKEN_PARAM);
  const query = token ? `?${TOKEN_PARAM}=${encodeURIComponent(token)}` : '';
  return `${scheme}://${location.host}${WS_PATH}${query}`;
}

/**
 * The studio API: over the Electron preload's bridge when there is one, otherwise a WebSocket
 * client to browser mode. `onLost` hears about a connection that dropped after it opened.
 */
export async function connectApi(onLost?: (message: string) => void): Promise<StudioApi> {
  if (window.edgebenchBridge) return createApiClient(bridgeTransport(window.edgebenchBridge));
  const url = webSocketUrl(window.location);
  const socket = new WebSocket(url);
  const transport = webSocketTransport(socket);
  try {
    await transport.ready;
  } catch {
    const hasToken = new URLSearchParams(window.location.search).has(TOKEN_PARAM);
    throw new StudioError(
      'INTERNAL',
      hasToken
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
