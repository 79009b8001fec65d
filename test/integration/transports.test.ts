/**
 * One scenario, two transports: the same calls over browser mode's WebSocket and over direct
 * calls (the CLI's path) must give the same observable results. Each transport gets its own
 * freshly seeded workspace, so both start from the same state.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { directTransport } from '../../src/core/direct-transport';
import { nodeForkSpawner } from '../../src/core/runner/runner-client';
import { openStudio } from '../../src/core/studio';
import type { Studio } from '../../src/core/studio-types';
import { startServer } from '../../src/server/server';
import type { EventPayload, StudioApi } from '../../src/shared/contract';
import { createApiClient } from '../../src/shared/rpc';
import { webSocketTransport } from '../../src/shared/ws-client';
import { webSocketProtocols } from '../../src/shared/ws-protocol';
import { nodeWorkerSpawner } from '../../src/core/workers/run-worker';

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function freshStudio(): Promise<Studio> {
  const dir = mkdtempSync(path.join(tmpdir(), 'edgebench-transports-'));
  const studio = await openStudio({ workspaceDir: path.join(dir, 'workspace'), seedDemo: true, runnerSpawner: nodeForkSpawner(), workerSpawner: nodeWorkerSpawner() });
  cleanups.push(async () => {
    await studio.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return studio;
}

async function overWebSocket(studio: Studio): Promise<StudioApi> {
  const staticDir = mkdtempSync(path.join(tmpdir(), 'edgebench-transports-ui-'));
  mkdirSync(staticDir, { recursive: true });
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>studio</title>');
  const server = await startServer({ studio, port: 0, staticDir });
  const transport = webSocketTransport(new WebSocket(`ws://127.0.0.1:${server.port}/ws`, webSocketProtocols(server.token)));
  await transport.ready;
  cleanups.push(async () => {
    transport.close();
    await server.close();
    rmSync(staticDir, { recursive: true, force: true });
  });
  return createApiClient(transport);
}

/** The scenario a newcomer goes through in the UI, with only what is the same on every run kept. */
async function scenario(api: StudioApi) {
  const info = await api.workspace.info({});
  const models = await api.models.list({});
  const demo = models[0];
  if (!demo) throw new Error('The seeded workspace has no model.');
  const inspected = await api.models.get({ id: demo.id });

  const done: EventPayload<'bench.done'>[] = [];
  const progress: EventPayload<'bench.progress'>[] = [];
  const offProgress = api.on('bench.progress', (event) => progress.push(event));
  let settle: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (settle = resolve));
  const offDone = api.on('bench.done', (event) => {
    done.push(event);
    settle();
  });
  const { jobId, cells } = await api.bench.start({
    modelIds: [demo.id],
    targetIds: ['local'],
    settings: { runs: 5, warmupRuns: 1, profileRuns: 0 },
  });
  await finished;
  offProgress();
  offDone();

  const result = done.find((event) => event.jobId === jobId);
  const runId = result?.runIds[0];
  if (!result || result.failed > 0 || runId === undefined) throw new Error(`The benchmark failed: ${JSON.stringify(result)}`);
  const run = await api.runs.get({ id: runId });
  const runs = await api.runs.list({});

  const { path: _path, ...infoRest } = info;
  // Times differ between the two fresh workspaces: the import, and the demo's saved input sizes.
  const { importedAt: _importedAt, savedInputs, ...entryRest } = inspected;
  const entry = { ...entryRest, savedInputs: savedInputs === null || savedInputs === undefined ? savedInputs : { ...savedInputs, updatedAt: '(time)' } };
  return {
    info: infoRest,
    modelIds: models.map((model) => model.id),
    entry,
    cells: cells.map(({ modelId, runtime, threads }) => ({ modelId, runtime, threads })),
    progressPhases: [...new Set(progress.filter((event) => event.jobId === jobId).map((event) => event.phase))].sort(),
    run: {
      idMatchesEvent: run.id === runId,
      schema: run.schema,
      status: run.status,
      // The model's file lives in each scenario's own fresh workspace: compare where it is inside it.
      model: { ...run.model, path: run.model.path === undefined ? undefined : path.relative(info.path, run.model.path) },
      target: { kind: run.target.kind, name: run.target.name, arch: run.target.hardware.arch, cores: run.target.hardware.cores },
      runtime: run.runtime.name,
      settings: run.settings,
      sampleCount: run.latencyMs.samples.length,
      count: run.latencyMs.count,
      statsOrdered: run.latencyMs.min <= run.latencyMs.median && run.latencyMs.median <= run.latencyMs.max,
    },
    listed: runs.map((summary) => ({ sameId: summary.id === run.id, count: summary.count })),
  };
}

describe('one scenario over two transports', () => {
  it('gives the same results over the WebSocket and over direct calls', async () => {
    const direct = await scenario(createApiClient(directTransport(await freshStudio())));
    const overWs = await scenario(await overWebSocket(await freshStudio()));

    expect(direct.info).toEqual({ modelCount: 1, runCount: 0, datasetCount: 1, problems: [] });
    expect(direct.entry.info.format).toBe('onnx');
    expect(direct.entry.info.inputs.length).toBeGreaterThan(0);
    expect(direct.progressPhases).toContain('measuring');
    expect(direct.run).toMatchObject({
      idMatchesEvent: true,
      status: 'completed',
      target: { kind: 'local', name: 'This computer' },
      runtime: 'onnxruntime',
      settings: { runs: 5, warmupRuns: 1 },
      sampleCount: 5,
      count: 5,
      statsOrdered: true,
    });
    expect(direct.listed).toEqual([{ sameId: true, count: 5 }]);

    expect(overWs).toEqual(direct);
  });
});
