import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { encodeOnnxModel } from '../../../src/core/formats/onnx/onnx-writer';
import type { EventPayload } from '../../../src/shared/contract';
import { createApiClient } from '../../../src/shared/rpc';
import { webSocketTransport } from '../../../src/shared/ws-client';
import { webSocketProtocols, WS_SUBPROTOCOL, type ServerFrame } from '../../../src/shared/ws-protocol';
import { startFixture, type Fixture } from './fixture';

let fx: Fixture;
let port: number;
let wsUrl: string;
let protocols: string[];
const open: WebSocket[] = [];

beforeAll(async () => {
  fx = await startFixture();
  port = fx.server.port;
  wsUrl = `ws://127.0.0.1:${port}/ws`;
  protocols = webSocketProtocols(fx.server.token);
});
afterAll(async () => {
  for (const socket of open) socket.close();
  await fx.close();
});

interface Handshake {
  /** 101 when the socket opened. */
  status: number;
  /** The subprotocol the server chose, when it opened. */
  protocol?: string;
  /** The response headers of the handshake. */
  headers?: Record<string, string | string[] | undefined>;
}

/** Resolves with what the handshake got. */
function handshake(url: string, offered: string[], options: WebSocket.ClientOptions = {}): Promise<Handshake> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, offered, options);
    let headers: Handshake['headers'];
    socket.on('upgrade', (res) => (headers = res.headers));
    socket.on('open', () => {
      socket.close();
      resolve({ status: 101, protocol: socket.protocol, headers });
    });
    socket.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
      socket.terminate();
    });
    socket.on('error', () => resolve({ status: -1 }));
  });
}

async function handshakeStatus(url: string, offered: string[], options: WebSocket.ClientOptions = {}): Promise<number> {
  return (await handshake(url, offered, options)).status;
}

async function connect(): Promise<WebSocket> {
  const socket = new WebSocket(wsUrl, protocols);
  open.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return socket;
}

/** Sends one raw frame and resolves with the next frame the server sends back. */
function exchange(socket: WebSocket, data: string | Buffer, binary = false): Promise<ServerFrame> {
  return new Promise((resolve) => {
    socket.once('message', (reply) => resolve(JSON.parse(String(reply)) as ServerFrame));
    socket.send(data, { binary });
  });
}

function tinyModel(): Uint8Array {
  return encodeOnnxModel({
    irVersion: 8,
    opsetImports: [{ domain: '', version: 17 }],
    producerName: 'edgebench-server-test',
    producerVersion: '1',
    graphName: 'relu',
    inputs: [{ name: 'x', elemType: 'FLOAT', shape: [1, 4] }],
    outputs: [{ name: 'y', elemType: 'FLOAT', shape: [1, 4] }],
    initializers: [],
    nodes: [{ opType: 'Relu', name: 'relu', inputs: ['x'], outputs: ['y'] }],
  });
}

describe('browser mode over the WebSocket', () => {
  it('opens with the token offered as a subprotocol, and echoes only its own protocol', async () => {
    const opened = await handshake(wsUrl, protocols, { origin: `http://127.0.0.1:${port}` });
    expect(opened.status).toBe(101);
    expect(opened.protocol).toBe(WS_SUBPROTOCOL);
    expect(JSON.stringify(opened.headers)).not.toContain(fx.server.token);
    expect(opened.headers?.['set-cookie']).toBeUndefined();
  });

  it('refuses the upgrade without the right token in the handshake', async () => {
    const { token } = fx.server;
    const sameLength = token.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    expect(await handshakeStatus(wsUrl, [])).toBe(401);
    expect(await handshakeStatus(wsUrl, [WS_SUBPROTOCOL])).toBe(401);
    expect(await handshakeStatus(wsUrl, webSocketProtocols('nope'))).toBe(401);
    expect(await handshakeStatus(wsUrl, webSocketProtocols(sameLength))).toBe(401);
    // Two tokens, one of them right: refused rather than guessed at.
    expect(await handshakeStatus(wsUrl, [...webSocketProtocols(sameLength), `edgebench.token.${token}`])).toBe(401);
    // The token in the URL (where logs and history keep it) or in a cookie (sent to every port) is not accepted.
    expect(await handshakeStatus(`${wsUrl}?token=${token}`, [WS_SUBPROTOCOL])).toBe(401);
    expect(await handshakeStatus(wsUrl, [WS_SUBPROTOCOL], { headers: { Cookie: `token=${token}; token_${port}=${token}` } })).toBe(401);
    const refused = await handshake(wsUrl, []);
    expect(refused.headers?.['set-cookie']).toBeUndefined();
  });

  it('refuses an upgrade from another site, another loopback port or under another host name', async () => {
    expect(await handshakeStatus(wsUrl, protocols, { origin: 'http://evil.example' })).toBe(403);
    expect(await handshakeStatus(wsUrl, protocols, { origin: `http://127.0.0.1:${port + 1}` })).toBe(403);
    expect(await handshakeStatus(wsUrl, protocols, { origin: 'null' })).toBe(403);
    expect(await handshakeStatus(wsUrl, protocols, { headers: { Host: 'evil.example' } })).toBe(403);
    expect(await handshakeStatus(wsUrl, protocols, { origin: `http://localhost:${port}` })).toBe(101);
  });

  it('answers bad frames with error results and keeps serving', async () => {
    const socket = await connect();
    const notJson = await exchange(socket, 'this is not json');
    expect(notJson).toMatchObject({ type: 'result', id: 0, ok: false, error: { code: 'BAD_INPUT' } });

    const noType = await exchange(socket, JSON.stringify({ id: 9, channel: 'workspace.info' }));
    expect(noType).toMatchObject({ type: 'result', id: 9, ok: false, error: { code: 'BAD_INPUT' } });

    const unknown = await exchange(socket, JSON.stringify({ type: 'call', id: 7, channel: 'fs.readFile', request: {} }));
    expect(unknown).toMatchObject({ id: 7, ok: false, error: { code: 'BAD_INPUT', message: "Unknown call 'fs.readFile'." } });

    const invalid = await exchange(socket, JSON.stringify({ type: 'call', id: 8, channel: 'models.get', request: { id: 42 } }));
    expect(invalid).toMatchObject({ id: 8, ok: false, error: { code: 'BAD_INPUT' } });
    expect(invalid.type === 'result' && !invalid.ok && invalid.error.message).toContain('models.get');

    const missing = await exchange(socket, JSON.stringify({ type: 'call', id: 10, channel: 'runs.get', request: { id: 'no-such-run' } }));
    expect(missing).toMatchObject({ id: 10, ok: false, error: { code: 'NOT_FOUND' } });

    const binary = await exchange(socket, Buffer.from([1, 2, 3]), true);
    expect(binary).toMatchObject({ id: 0, ok: false, error: { code: 'BAD_INPUT' } });

    const info = await exchange(socket, JSON.stringify({ type: 'call', id: 11, channel: 'workspace.info', request: {} }));
    expect(info).toMatchObject({ id: 11, ok: true, response: { path: fx.studio.workspaceDir, modelCount: 0 } });
  });

  it('serves the typed API through the shared client', async () => {
    const api = createApiClient(webSocketTransport(await connect()));
    const info = await api.workspace.info({});
    expect(info.path).toBe(fx.studio.workspaceDir);
    await expect(api.models.get({ id: 'missing' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('forwards engine events to every connected page', async () => {
    const first = createApiClient(webSocketTransport(await connect()));
    const second = createApiClient(webSocketTransport(await connect()));
    const seen = (api: typeof first) =>
      new Promise<EventPayload<'workspace.changed'>>((resolve) => {
        const off = api.on('workspace.changed', (payload) => {
          off();
          resolve(payload);
        });
      });
    const events = Promise.all([seen(first), seen(second)]);

    const dataBase64 = Buffer.from(tinyModel()).toString('base64');
    const entry = await first.models.importFiles({ files: [{ name: 'relu.onnx', dataBase64 }] });
    expect(entry.info.format).toBe('onnx');
    expect(await events).toEqual([{ what: 'models' }, { what: 'models' }]);
    expect((await second.models.list({})).map((model) => model.id)).toContain(entry.id);
  });
});
