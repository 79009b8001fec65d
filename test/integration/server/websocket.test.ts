import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { encodeOnnxModel } from '../../../src/core/formats/onnx/onnx-writer';
import type { EventPayload } from '../../../src/shared/contract';
import { createApiClient } from '../../../src/shared/rpc';
import { webSocketTransport } from '../../../src/shared/ws-client';
import type { ServerFrame } from '../../../src/shared/ws-protocol';
import { startFixture, type Fixture } from './fixture';

let fx: Fixture;
let port: number;
let wsUrl: string;
const open: WebSocket[] = [];

beforeAll(async () => {
  fx = await startFixture();
  port = fx.server.port;
  wsUrl = `ws://127.0.0.1:${port}/ws?token=${fx.server.token}`;
});
afterAll(async () => {
  for (const socket of open) socket.close();
  await fx.close();
});

/** Resolves with the HTTP status the handshake got: 101 when the socket opened. */
function handshakeStatus(url: string, options: WebSocket.ClientOptions = {}): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, options);
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('error', () => resolve(-1));
  });
}

async function connect(): Promise<WebSocket> {
  const socket = new WebSocket(wsUrl);
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
  it('refuses the upgrade without the right token', async () => {
    expect(await handshakeStatus(`ws://127.0.0.1:${port}/ws`)).toBe(401);
    expect(await handshakeStatus(`ws://127.0.0.1:${port}/ws?token=nope`)).toBe(401);
    expect(await handshakeStatus(wsUrl)).toBe(101);
  });

  it('refuses an upgrade from another site or under another host name', async () => {
    expect(await handshakeStatus(wsUrl, { origin: 'http://evil.example' })).toBe(403);
    expect(await handshakeStatus(wsUrl, { origin: `http://127.0.0.1:${port + 1}` })).toBe(403);
    expect(await handshakeStatus(wsUrl, { headers: { Host: 'evil.example' } })).toBe(403);
    expect(await handshakeStatus(wsUrl, { origin: `http://localhost:${port}` })).toBe(101);
  });

  it('accepts the page cookie instead of the query token', async () => {
    const cookie = `token_${port}=${fx.server.token}`;
    const url = `ws://127.0.0.1:${port}/ws`;
    expect(await handshakeStatus(url, { headers: { Cookie: cookie }, origin: `http://127.0.0.1:${port}` })).toBe(101);
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
