/**
 * A damaged targets.json is one of the workspace's problems, like a damaged run file: the studio
 * opens, lists it with what is wrong and what to do, keeps "This computer" working, refuses to
 * add, edit or remove targets over it, and never changes a byte of it.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { directTransport } from '../../../src/core/direct-transport';
import { nodeForkSpawner } from '../../../src/core/runner/runner-client';
import { openStudio, type Studio } from '../../../src/core/studio';
import { nodeWorkerSpawner } from '../../../src/core/workers/run-worker';
import { TargetsStore } from '../../../src/core/workspace/targets-store';
import { Workspace } from '../../../src/core/workspace/workspace';
import { createApiClient } from '../../../src/shared/rpc';

let root: string;
let studio: Studio | undefined;

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'edgebench-targets-problems-'));
});
afterEach(async () => {
  await studio?.close();
  studio = undefined;
  await fs.rm(root, { recursive: true, force: true });
});

const SERIAL = { kind: 'serial', name: 'board', path: '/dev/ttyUSB0', baudRate: 921600, protocol: 'edgebench' } as const;

describe('a damaged targets.json', () => {
  it.each([
    ['not JSON', '{"schema": "edgebench.targets/1", "targets": [', /^It is not valid JSON \(.+\)\. It was left untouched: repair it by hand, or move it aside/],
    [
      'JSON of the wrong shape',
      JSON.stringify({ schema: 'edgebench.targets/1', targets: [{ id: 'ssh-1', config: { kind: 'telnet' } }] }),
      /^It does not match the targets file format at 'targets\.0\.config.*' \(.+\)\. It was left untouched/,
    ],
  ])('(%s) is listed among the problems, the studio works without it, and it is never changed', async (_what, text, message) => {
    const file = path.join(root, 'targets.json');
    await new Workspace(root).ensure();
    await fs.writeFile(file, text);
    const before = await fs.readFile(file);

    const problems = (await new Workspace(root).scan()).problems;
    expect(problems).toEqual([{ path: 'targets.json', message: expect.stringMatching(message) }]);

    studio = await openStudio({ workspaceDir: root, seedDemo: false, runnerSpawner: nodeForkSpawner(), workerSpawner: nodeWorkerSpawner() });
    const api = createApiClient(directTransport(studio));
    expect((await api.workspace.info({})).problems).toEqual(problems);
    // This computer is still a target; the file's boards are not used until it is repaired.
    expect((await api.targets.list({})).map((target) => target.id)).toEqual(['local']);
    for (const attempt of [() => api.targets.add(SERIAL), () => api.targets.update({ id: 'ssh-1', config: SERIAL }), () => api.targets.remove({ id: 'ssh-1' })]) {
      await expect(attempt()).rejects.toMatchObject({ code: 'WORKSPACE', message: expect.stringMatching(/^The workspace's targets\.json cannot be used: it .+\. It was left untouched/) });
    }
    expect(await fs.readFile(file)).toEqual(before);
  });

  it('a missing targets.json is no problem, and an unreadable one is', async () => {
    await new Workspace(root).ensure();
    expect((await new Workspace(root).scan()).problems).toEqual([]);
    expect(await new TargetsStore(root).read()).toEqual({ kind: 'ok', targets: [] });
    // A folder where the file should be cannot be read as one.
    await fs.mkdir(path.join(root, 'targets.json'));
    expect((await new Workspace(root).scan()).problems).toEqual([{ path: 'targets.json', message: expect.stringMatching(/^It cannot be read \(.+\)\. It was left untouched/) }]);
  });

  it('a repaired file is read again, its targets back', async () => {
    await new Workspace(root).ensure();
    const store = new TargetsStore(root);
    const added = await store.add(SERIAL);
    const good = await fs.readFile(store.file, 'utf8');
    await fs.writeFile(store.file, good.slice(0, 20));
    expect((await store.read()).kind).toBe('damaged');
    await fs.writeFile(store.file, good);
    expect(await store.list()).toEqual([added]);
    expect((await new Workspace(root).scan()).problems).toEqual([]);
  });
});
