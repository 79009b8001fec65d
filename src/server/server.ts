/**
 * Browser mode: the built UI and the contract over one WebSocket, on 127.0.0.1 only. The UI is
 * public; the WebSocket needs the fresh per-start token. See auth.ts for who gets in and
 * static-files.ts for what is served.
 */
import { realpath } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Studio } from '../core/studio-types';
import { StudioError } from '../shared/errors';
import { TOKEN_PARAM, WS_PATH, WS_SUBPROTOCOL } from '../shared/ws-protocol';
import { handshakeTokenValid, hostAllowed, newToken, originAllowed } from './auth';
import { setSecurityHeaders } from './security-headers';
import { lookupStatic, sendFile } from './static-files';
import { handleMessage, MAX_FRAME_BYTES, send } from './ws-handler';

export interface ServerOptions {
  studio: Studio;
  /** 0 picks a random free port. */
  port: number;
  /** Loopback only: browser mode is never reachable from the network. */
  host?: '127.0.0.1';
  /** The built renderer (out/renderer). */
  staticDir: string;
  /** Where connection-level problems are reported; stderr by default. */
  log?: (line: string) => void;
}

export interface RunningServer {
  /** The page URL, token included. */
  url: string;
  port: number;
  token: string;
  /** Closes every socket and the listener; the studio itself stays open (its owner closes it). */
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const staticRoot = await realpath(options.staticDir).catch(() => {
    throw new StudioError('FILE_NOT_FOUND', `The studio UI folder '${options.staticDir}' does not exist; run \`npm run build\` first.`, {
      file: options.staticDir,
    });
  });
  const token = newToken();
  let port = options.port;
  const clients = new Set<WebSocket>();

  const server = createServer((req, res) => {
    handleHttp(req, res).catch((error: unknown) => {
      log(`edgebench serve: could not answer ${req.method ?? '?'} ${pathOf(req)}: ${String(error)}`);
      if (!res.headersSent) reply(res, 500, 'The studio server failed to answer this request; see its terminal for details.');
      else res.destroy();
    });
  });

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    setSecurityHeaders(res);
    if (!hostAllowed(req, port)) return reply(res, 403, `Only http://127.0.0.1:${port}/ may be used to reach this studio.`);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return reply(res, 405, 'Only GET and HEAD are served here; the studio API is on the WebSocket.');
    }
    const rawPath = pathOf(req);
    if (!rawPath.startsWith('/')) return reply(res, 400, 'Bad request path.');
    // No token check here: the files are the public UI build. The query's token is for the page's
    // script (which moves it into sessionStorage); the server neither needs nor logs it.
    if (rawPath === WS_PATH) return reply(res, 426, 'This path is the studio WebSocket.');
    const found = await lookupStatic(staticRoot, rawPath);
    if (found.kind === 'forbidden') return reply(res, 403, 'That path is outside the studio UI.');
    if (found.kind === 'not-found') return reply(res, 404, 'Not found.');
    sendFile(res, found, req.method === 'HEAD');
  }

  // No compression: frames are mostly small JSON, and uploads are already dense base64.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    perMessageDeflate: false,
    // Echo our protocol only: the token the client offered beside it must never be sent back.
    handleProtocols: (protocols) => (protocols.has(WS_SUBPROTOCOL) ? WS_SUBPROTOCOL : false),
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A client resetting mid-handshake must not take the server down.
    socket.on('error', () => socket.destroy());
    if (pathOf(req) !== WS_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    if (!hostAllowed(req, port) || !originAllowed(req, port)) return refuseUpgrade(socket, 403, 'Forbidden');
    if (!handshakeTokenValid(req, token)) return refuseUpgrade(socket, 401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      ws.on('error', (error) => log(`edgebench serve: a WebSocket client was dropped: ${error.message}`));
      ws.on('message', (data, isBinary) => {
        handleMessage(options.studio, ws, data, isBinary).catch((error: unknown) => {
          log(`edgebench serve: a call failed outside the contract: ${String(error)}`);
          send(ws, { type: 'result', id: 0, ok: false, error: { code: 'INTERNAL', message: String(error), context: {} } });
        });
      });
    });
  });

  const unsubscribe = options.studio.onEvent((event, payload) => {
    const frame = JSON.stringify({ type: 'event', event, payload });
    for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(frame);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      unsubscribe();
      reject(
        error.code === 'EADDRINUSE'
          ? new StudioError('BAD_INPUT', `Port ${options.port} on ${HOST} is already in use; pass another --port, or --port 0 for a free one.`, {
              flag: '--port',
            })
          : error,
      );
    });
    server.listen(options.port, HOST, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new StudioError('INTERNAL', 'The studio server has no TCP address.');
  port = address.port;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${HOST}:${port}/?${TOKEN_PARAM}=${token}`,
    port,
    token,
    close() {
      closing ??= (async () => {
        unsubscribe();
        for (const ws of clients) ws.terminate();
        wss.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return closing;
    },
  };
}

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function reply(res: ServerResponse, status: number, message: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(`${message}\n`);
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
