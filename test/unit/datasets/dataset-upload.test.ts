/**
 * A dataset picked in the studio is copied to a scratch folder under the workspace's .tmp and
 * imported from there: its errors name the files as the user picked them, never the scratch copy.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importUploadedDataset } from '../../../src/core/jobs/dataset-upload';
import { StudioError } from '../../../src/shared/errors';
import { messageFor } from '../../../src/shared/remedies';
import { Workspace } from '../../../src/core/workspace/workspace';
import { pngBytes, tempDir } from './helpers';

let root: string;
let workspace: Workspace;

beforeAll(async () => {
  root = await tempDir('dataset-upload');
  workspace = new Workspace(path.join(root, 'ws'));
  await workspace.ensure();
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const png = new Uint8Array(pngBytes(2, 2, () => [0, 0, 0]));

async function failure(files: Array<{ path: string; data: Uint8Array }>): Promise<StudioError> {
  const error = await importUploadedDataset(workspace, { name: 'n-bad-txt', files }).then(
    () => null,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof StudioError)) throw new Error(`Expected a StudioError, got ${String(error)}`);
  return error;
}

describe('errors of an uploaded dataset', () => {
  it("name a class folder as picked ('n-bad-txt/cat'), in the message, the UI's wording and the context", async () => {
    const error = await failure([
      { path: 'n-bad-txt/cat/notes.txt', data: new TextEncoder().encode('not an image') },
      { path: 'n-bad-txt/dog/0.png', data: png },
    ]);
    const expected = `The class folder '${path.join('n-bad-txt', 'cat')}' has no PNG or JPEG images; add its images or remove the folder.`;
    expect(error.code).toBe('BAD_INPUT');
    expect(error.message).toBe(expected);
    expect(messageFor(error.toData(), 'ui')).toBe(expected);
    expect(error.context.path).toBe(path.join('n-bad-txt', 'cat'));
    expect(JSON.stringify(error.toData())).not.toContain('.tmp');
    // The scratch copy is gone.
    expect(await fs.readdir(workspace.tempDir()).catch(() => [])).toEqual([]);
  });

  it('name two images of different sizes as picked, in the sentence that offers a resize', async () => {
    const error = await failure([
      { path: 'digits/a/0.png', data: png },
      { path: 'digits/b/1.png', data: new Uint8Array(pngBytes(3, 3, () => [0, 0, 0])) },
    ]);
    expect(error.message).toContain(`The image '${path.join('digits', 'b', '1.png')}' is 3×3 but '${path.join('digits', 'a', '0.png')}' is 2×2`);
    expect(messageFor(error.toData(), 'ui')).toContain(`The image '${path.join('digits', 'b', '1.png')}' is 3×3`);
    expect(JSON.stringify(error.toData())).not.toContain(workspace.tempDir());
  });
});
