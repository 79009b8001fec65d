/**
 * A cache on the board, keyed by content: a file lands in `<cacheDir>/<sha256>/<name>` and a set
 * of files (the runner's packages) in a folder named by its version. Whatever is there already is
 * not sent again. Uploads go to a `.part-*` name first and are renamed into place, so a transfer
 * cut halfway never looks complete.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { posix } from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import { SSH_DEFAULTS, type SshConnection } from './ssh-connection';
import { sshError } from './ssh-errors';

export interface CacheUpload {
  remotePath: string;
  /** False when the board already had it. */
  uploaded: boolean;
  sizeBytes: number;
}

/** Relative to the login's home folder, where both SFTP and the shell start. */
export const DEFAULT_CACHE_DIR = '.cache/edgebench';

/** Quotes a path for POSIX sh. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Told as an upload moves: bytes sent so far and the file's size (the last call has them equal). */
export type UploadProgress = (sentBytes: number, totalBytes: number) => void;

/** Uploads a local file into the content-addressed cache (skipped when the board has it). */
export async function uploadFileToCache(
  conn: SshConnection,
  localPath: string,
  options: { cacheDir: string; fileName: string; sha256?: string; onProgress?: UploadProgress },
): Promise<CacheUpload> {
  const sha256 = options.sha256 ?? (await sha256OfFile(localPath));
  return uploadFileAt(conn, localPath, posix.join(options.cacheDir, sha256, options.fileName), options.onProgress);
}

/** Uploads a local file to a path named by its content (or version), unless a file of that size is there (then onProgress is not called). */
export async function uploadFileAt(conn: SshConnection, localPath: string, remotePath: string, onProgress?: UploadProgress): Promise<CacheUpload> {
  const sizeBytes = (await stat(localPath)).size;
  const sftp = await conn.sftp();
  const existing = await statOrNull(sftp, remotePath);
  if (existing !== null && existing.size === sizeBytes) return { remotePath, uploaded: false, sizeBytes };
  await makeDirs(conn, [posix.dirname(remotePath)]);
  const partPath = `${remotePath}.part-${randomBytes(4).toString('hex')}`;
  await putFile(conn, sftp, localPath, partPath, sizeBytes, onProgress);
  await renameIntoPlace(conn, sftp, partPath, remotePath);
  return { remotePath, uploaded: true, sizeBytes };
}

/** One file of a tree: where it is here and where it goes under the tree's folder. */
export interface TreeFile {
  localPath: string;
  relativePath: string;
}

/** Uploads a set of files as one folder, unless the folder is there already (it only ever appears complete). */
export async function uploadTreeToCache(conn: SshConnection, files: TreeFile[], remoteDir: string): Promise<{ uploaded: boolean; sizeBytes: number }> {
  const sftp = await conn.sftp();
  const sizes = await Promise.all(files.map(async (file) => (await stat(file.localPath)).size));
  const sizeBytes = sizes.reduce((sum, size) => sum + size, 0);
  if ((await statOrNull(sftp, remoteDir)) !== null) return { uploaded: false, sizeBytes };
  const partDir = `${remoteDir}.part-${randomBytes(4).toString('hex')}`;
  const dirs = [...new Set(files.map((file) => posix.dirname(posix.join(partDir, file.relativePath))))];
  await makeDirs(conn, dirs);
  try {
    for (const [index, file] of files.entries()) {
      await putFile(conn, sftp, file.localPath, posix.join(partDir, file.relativePath), sizes[index] ?? 0);
    }
    await renameIntoPlace(conn, sftp, partDir, remoteDir);
  } catch (error) {
    // Best effort: a half-sent folder must not fill the board's disk. Never masks the real error.
    await conn.exec(`rm -rf ${shellQuote(partDir)}`, { timeoutMs: 10_000 }).catch(() => undefined);
    throw error;
  }
  return { uploaded: true, sizeBytes };
}

async function makeDirs(conn: SshConnection, dirs: string[]): Promise<void> {
  const command = `mkdir -p ${dirs.map(shellQuote).join(' ')}`;
  const run = (): ReturnType<SshConnection['exec']> => conn.exec(command, { what: 'mkdir for the upload cache', timeoutMs: 15_000 });
  let result = await run();
  // The SSH spec makes exit-status optional; a channel closed without one (seen once from OpenSSH
  // under heavy load) says nothing about mkdir. `mkdir -p` is idempotent, so ask once more.
  if (result.code === null && result.signal === null) result = await run();
  if (result.code !== 0) {
    const why = result.stderr.trim() || (result.signal !== null ? `mkdir was stopped by ${result.signal}` : result.code === null ? 'the board closed the command without an exit status' : `mkdir exited with ${result.code}`);
    throw sshError(conn.target, 'transfer-failed', `The upload cache '${dirs[0] ?? ''}' cannot be created on ${conn.target.name} (${why}); check the permissions of ~/.cache on the board.`);
  }
}

/** fastPut with a stall watchdog: a transfer that moves nothing for transferStallMs is abandoned. */
async function putFile(conn: SshConnection, sftp: SFTPWrapper, localPath: string, remotePath: string, sizeBytes: number, onProgress?: UploadProgress): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const settle = (error: Error | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      unsubscribe();
      if (error === null) resolve();
      else reject(error);
    };
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        // The SFTP session is shared: ending it aborts this transfer; the next use opens a new one.
        sftp.end();
        settle(sshError(conn.target, 'transfer-failed', `Uploading '${posix.basename(remotePath)}' to ${conn.target.name} stalled for ${SSH_DEFAULTS.transferStallMs / 1000} s, so it was stopped; check the network to the board.`));
      }, SSH_DEFAULTS.transferStallMs);
    };
    const unsubscribe = conn.onLost((reason) => settle(sshError(conn.target, 'connection-lost', `The SSH connection to ${conn.target.name} was lost while uploading '${posix.basename(remotePath)}' (${reason}); run again once the board is back.`)));
    arm();
    sftp.fastPut(
      localPath,
      remotePath,
      {
        step: (sentBytes, _chunkBytes, totalBytes) => {
          arm();
          onProgress?.(sentBytes, totalBytes);
        },
      },
      (error) => {
        if (!error) return settle(null);
        void transferError(conn, remotePath, sizeBytes, error).then(settle);
      },
    );
  });
}

/** A failed write is most often a full disk: say so when df agrees. */
async function transferError(conn: SshConnection, remotePath: string, sizeBytes: number, error: Error): Promise<Error> {
  const df = await conn.exec(`df -Pk ${shellQuote(posix.dirname(remotePath))}`, { timeoutMs: 10_000 }).catch(() => null);
  const availableKb = Number(df?.stdout.trim().split('\n')[1]?.split(/\s+/)[3]);
  if (Number.isFinite(availableKb) && availableKb * 1024 < sizeBytes) {
    const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);
    return sshError(
      conn.target,
      'transfer-failed',
      `The board ${conn.target.name} is out of disk space: '${posix.basename(remotePath)}' needs ${mb(sizeBytes)} MB and ${mb(availableKb * 1024)} MB are free in '${posix.dirname(remotePath)}'; free some space there (old entries in ~/.cache/edgebench can go).`,
      { availableBytes: String(availableKb * 1024), neededBytes: String(sizeBytes) },
    );
  }
  return sshError(conn.target, 'transfer-failed', `Uploading '${posix.basename(remotePath)}' to ${conn.target.name} failed (${error.message}); check the free space and permissions of '${posix.dirname(remotePath)}' on the board.`);
}

async function renameIntoPlace(conn: SshConnection, sftp: SFTPWrapper, from: string, to: string): Promise<void> {
  const renamed = await new Promise<Error | null>((resolve) => sftp.rename(from, to, (error) => resolve(error ?? null)));
  if (renamed === null) return;
  // Someone else (another studio) put it there first: theirs is as good as ours.
  if ((await statOrNull(sftp, to)) !== null) {
    await conn.exec(`rm -rf ${shellQuote(from)}`, { timeoutMs: 10_000 });
    return;
  }
  throw sshError(conn.target, 'transfer-failed', `The upload to '${to}' on ${conn.target.name} could not be moved into place (${renamed.message}).`);
}

function statOrNull(sftp: SFTPWrapper, path: string): Promise<{ size: number } | null> {
  return new Promise((resolve) => sftp.stat(path, (error, stats) => resolve(error ? null : { size: stats.size })));
}
