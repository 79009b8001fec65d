import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directTransport } from '../../src/core/direct-transport';
import { nodeForkSpawner } from '../../src/core/runner/runner-client';
import { openStudio, type Studio } from '../../src/core/studio';
import { nodeWorkerSpawner } from '../../src/core/workers/run-worker';
import type { StudioApi } from '../../src/shared/contract';
import { createApiClient } from '../../src/shared/rpc';
import { repoRoot } from '../helpers/run-cli';

let dir: string;
let studio: Studio;
let api: StudioApi;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'edgebench-reports-'));
  studio = await openStudio({ workspaceDir: dir, seedDemo: false, runnerSpawner: nodeForkSpawner(), workerSpawner: nodeWorkerSpawner() });
  const fixtures = path.join(repoRoot, 'test/fixtures/runs');
  for (const file of readdirSync(fixtures).filter((f) => f.endsWith('.json'))) copyFileSync(path.join(fixtures, file), path.join(dir, 'runs', file));
  api = createApiClient(directTransport(studio));
});

afterAll(async () => {
  await studio.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('reports.render (the export dialog’s call)', () => {
  it('renders the chosen runs as a self-contained HTML report and as two CSV files', async () => {
    const runs = await api.runs.list({});
    expect(runs.length).toBeGreaterThanOrEqual(2);
    const ids = runs.slice(0, 2).map((r) => r.id);
    const html = await api.reports.render({ runIds: ids, format: 'html', baselineId: ids[1] });
    expect(html.files).toHaveLength(1);
    const text = Buffer.from(html.files[0]?.dataBase64 ?? '', 'base64').toString('utf8');
    expect(html.files[0]?.name).toMatch(/\.html$/);
    expect(text).toContain('<svg');
    expect(text).toContain('edgebench bench');

    const csv = await api.reports.render({ runIds: ids, format: 'csv' });
    expect(csv.files.map((f) => f.name)).toEqual([expect.stringMatching(/\.csv$/), expect.stringMatching(/-samples\.csv$/)]);
  });

  it('refuses a baseline that is not among the runs', async () => {
    const runs = await api.runs.list({});
    await expect(api.reports.render({ runIds: [runs[0]?.id ?? ''], format: 'md', baselineId: runs[1]?.id })).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });
});
