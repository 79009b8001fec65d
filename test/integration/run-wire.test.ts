/**
 * runs.get with packed samples (src/shared/packed-samples.ts) over each of the contract's three
 * transports: browser mode's WebSocket, the Electron path (ipcMain.handle → structured clone →
 * preload → contextBridge clone → the page's client; Electron itself cannot start here, so its two
 * clones are done with structuredClone, as Electron does them), and direct calls. Each gives the
 * page the very run on disk, every sample bit for bit, and the WebSocket frame carries the packed
 * form, not 100,000 decimals.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { directTransport } from '../../src/core/direct-transport';
import { nodeForkSpawner } from '../../src/core/runner/runner-client';
import { openStudio } from '../../src/core/studio';
import type { Studio } from '../../src/core/studio-types';
import { nodeWorkerSpawner } from '../../src/core/workers/run-worker';
import { startServer, type RunningServer } from '../../src/server/server';
import { bridgeTransport, createBridge } from '../../src/shared/bridge';
import type { StudioApi } from '../../src/shared/contract';
import { RunFile } from '../../src/shared/run-schema';
import { CallResult, createApiClient, dispatchCall, type ClientTransport } from '../../src/shared/rpc';
import { webSocketTransport } from '../../src/shared/ws-client';
import { webSocketProtocols } from '../../src/shared/ws-protocol';
import { writeSyntheticRun } from '../e2e/helpers/synthetic-run';

const SAMPLES = 100_000;
let rootDir: string;
let studio: Studio;
let server: RunningServer;
let onDisk: RunFile;
const sockets: WebSocket[] = [];

beforeAll(async () => {
  rootDir = mkdtempSync(path.join(tmpdir(), 'edgebench-run-wire-'));
  const workspaceDir = path.join(rootDir, 'workspace');
  studio = await openStudio({ workspaceDir, seedDemo: false, runnerSpawner: nodeForkSpawner(), workerSpawner: nodeWorkerSpawner() });
  const written = await writeSyntheticRun(workspaceDir, { id: 'wire-run', samples: SAMPLES, medianMs: 0.7, seed: 5, createdAt: '2026-01-01T00:00:00.000Z' });
  onDisk = RunFile.parse(JSON.parse(readFileSync(path.join(workspaceDir, 'runs', `${written.id}.json`), 'utf8')));
  const staticDir = path.join(rootDir, 'static');
  mkdirSync(staticDir);
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>studio</title>');
  server = await startServer({ studio, port: 0, staticDir, log: () => undefined });
});
afterAll(async () => {
  for (const socket of sockets) socket.close();
  await server.close();
  await studio.close();
  rmSync(rootDir, { recursive: true, force: true });
});

async function overWebSocket(): Promise<StudioApi> {
  const socket = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, webSocketProtocols(server.token));
  sockets.push(socket);
  const transport = webSocketTransport(socket);
  await transport.ready;
  return createApiClient(transport);
}

/** The Electron path, with Electron's two structured clones (IPC, then contextBridge). */
function overElectronIpc(): StudioApi {
  const ipc: ClientTransport = {
    call: async (channel, request) => CallResult.parse(structuredClone(await dispatchCall(studio.handlers, channel, structuredClone(request)))),
    subscribe: () => () => undefined,
  };
  const bridge = createBridge(ipc);
  const page: ClientTransport = {
    call: async (channel, request) => structuredClone(await bridgeTransport(bridge).call(channel, request)),
    subscribe: () => () => undefined,
  };
  return createApiClient(page);
}

function sameBits(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((value, i) => Object.is(value, b[i]));
}

describe('runs.get with packed samples, over each transport', () => {
  it('gives the run on disk, every sample bit for bit, over the WebSocket, the Electron path and direct calls', async () => {
    const apis: Array<[string, StudioApi]> = [
      ['websocket', await overWebSocket()],
      ['electron ipc', overElectronIpc()],
      ['direct', createApiClient(directTransport(studio))],
    ];
    for (const [name, api] of apis) {
      const run = await api.runs.get({ id: 'wire-run' });
      expect(run, name).toEqual(onDisk);
      expect(sameBits(run.latencyMs.samples, onDisk.latencyMs.samples), name).toBe(true);
    }
  });

  it('the WebSocket frame carries the samples packed, in under 60 % of the JSON run', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, webSocketProtocols(server.token));
    sockets.push(socket);
    await new Promise((resolve) => socket.once('open', resolve));
    const text = await new Promise<string>((resolve) => {
      socket.once('message', (data: Buffer) => resolve(data.toString('utf8')));
      socket.send(JSON.stringify({ type: 'call', id: 1, channel: 'runs.get', request: { id: 'wire-run' } }));
    });
    const frame = JSON.parse(text) as { ok: boolean; response: { latencyMs: { samples: unknown } } };
    expect(frame.ok).toBe(true);
    expect(frame.response.latencyMs.samples).toMatchObject({ encoding: 'f64le-base64', count: SAMPLES });
    expect(text.length).toBeLessThan(0.6 * JSON.stringify(onDisk).length);
  });

  it('the page refuses a response whose packed samples do not match their count, whatever carried it', async () => {
    const tampering: ClientTransport = {
      call: async (channel, request) => {
        const result = await dispatchCall(studio.handlers, channel, request);
        if (!result.ok) return result;
        const response = result.response as { latencyMs: { samples: { count: number } } };
        return { ok: true, response: { ...response, latencyMs: { ...response.latencyMs, samples: { ...response.latencyMs.samples, count: SAMPLES + 1 } } } };
      },
      subscribe: () => () => undefined,
    };
    await expect(createApiClient(tampering).runs.get({ id: 'wire-run' })).rejects.toThrow(/hold 800000 bytes, not the 800008 that 100001 samples take/);
  });
});
