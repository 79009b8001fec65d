/**
 * Files the user names (models, datasets, run files) must be regular files. Opening a FIFO for
 * reading blocks until someone writes to it, inside libuv's thread pool where no signal can reach
 * it (even process.exit() then waits for it), and a character device such as /dev/zero never ends.
 * So the type is checked with stat() before anything is opened.
 */
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { StudioError } from '../shared/errors';

/** "a FIFO (named pipe)", "a socket", ... for anything that is neither a regular file nor a directory. */
export function specialFileKind(stats: Stats): string | undefined {
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  return undefined;
}

/**
 * Refuses, in one sentence, a path that is a FIFO, socket or device; `what` names the file as the
 * caller's messages do ("The model file", "The run file"). A missing path or a directory passes:
 * each caller already words those.
 */
export async function assertNotSpecialFile(filePath: string, what: string): Promise<void> {
  let stats: Stats;
  try {
    stats = await stat(filePath);
  } catch {
    return;
  }
  const kind = specialFileKind(stats);
  if (kind !== undefined) {
    throw new StudioError('BAD_INPUT', `${what} '${filePath}' is ${kind}, not a regular file: give the path of the file itself.`, { file: filePath, kind });
  }
}
