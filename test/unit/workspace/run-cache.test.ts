import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { removeRunFiles } from '../../../src/core/workspace/remove-entries';
import { Workspace } from '../../../src/core/workspace/workspace';
import { RunFile } from '../../../src/shared/run-schema';
import { repoRoot } from '../../helpers/run-cli';

let root: string;
let workspace: Workspace;
let run: RunFile;

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'edgebench-run-cache-'));
  workspace = new Workspace(root);
  await workspace.ensure();
  run = RunFile.parse(JSON.parse(await fs.readFile(path.join(repoRoot, 'test/fixtures/runs/demo-mnist-tflite.json'), 'utf8')));
  await workspace.writeRun(run);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await fs.rm(root, { recursive: true, force: true });
});

function countParses(): { count: () => number } {
  const spy = vi.spyOn(JSON, 'parse');
  return { count: () => spy.mock.calls.length };
}

describe('run file cache', () => {
  it('a second read of an unchanged run file does not parse it again', async () => {
    const first = await workspace.readRun(run.id);
    const parses = countParses();
    const second = await workspace.readRun(run.id);
    expect(parses.count()).toBe(0);
    expect(second).toEqual(first);
    await workspace.listRuns();
    expect(parses.count()).toBe(0);
  });

  it('writing the run again is read back, not the cached copy', async () => {
    await workspace.readRun(run.id);
    await workspace.writeRun({ ...run, createdAt: '2002-02-02T00:00:00.000Z' });
    const parses = countParses();
    expect((await workspace.readRun(run.id)).createdAt).toBe('2002-02-02T00:00:00.000Z');
    expect(parses.count()).toBe(1);
  });

  it('a file edited on disk is re-read, and a damaged one still reports as damaged', async () => {
    await workspace.readRun(run.id);
    const file = workspace.runPath(run.id);
    const edited = { ...run, createdAt: '2001-01-01T00:00:00.000Z' };
    await fs.writeFile(file, JSON.stringify(edited, null, 1));
    expect((await workspace.readRun(run.id)).createdAt).toBe('2001-01-01T00:00:00.000Z');
    await fs.writeFile(file, '{ not json');
    await expect(workspace.readRun(run.id)).rejects.toMatchObject({ code: 'WORKSPACE' });
    await expect(workspace.readRun(run.id)).rejects.toMatchObject({ code: 'WORKSPACE' });
  });

  it('a removed run is gone, not served from the cache', async () => {
    await workspace.readRun(run.id);
    await removeRunFiles(workspace, [run.id]);
    await expect(workspace.readRun(run.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await workspace.listRuns()).toEqual([]);
  });

  it('every caller gets the same cached run, so changing it throws and the next read is as on disk', async () => {
    const first = await workspace.readRun(run.id);
    expect(() => {
      first.latencyMs.samples[0] = 999;
    }).toThrow(TypeError);
    expect(() => {
      first.warnings.push({ code: 'made-up', message: 'made up' });
    }).toThrow(TypeError);
    expect(() => {
      (first.model as { name: string }).name = 'renamed';
    }).toThrow(TypeError);
    const [listed] = await workspace.listRuns();
    const again = await workspace.readRun(run.id);
    expect(again).toBe(first);
    expect(listed).toBe(first);
    expect(again).toEqual(RunFile.parse(JSON.parse(await fs.readFile(workspace.runPath(run.id), 'utf8'))));
  });
});
