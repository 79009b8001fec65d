/**
 * The built UI's files, for both shells that serve them: browser mode's HTTP server and the
 * desktop app's app:// protocol. Only regular files under the root are found, whatever the
 * request path says (encoded dots, backslashes, NUL bytes and symlinks pointing out are all
 * refused). Hand-written because it is the security boundary: each refusal is tested.
 */
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

export function contentTypeFor(filePath: string): string {
  return CONTENT_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

export type StaticLookup =
  | { kind: 'file'; filePath: string; sizeBytes: number }
  | { kind: 'forbidden' }
  | { kind: 'not-found' };

/**
 * Maps a raw request path (without the query) to a file inside `rootDir`. `rootDir` must be
 * the real (symlink-resolved) absolute path of the static root.
 */
export async function lookupStatic(rootDir: string, rawPath: string): Promise<StaticLookup> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return { kind: 'forbidden' }; // malformed percent-encoding
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return { kind: 'forbidden' };
  const segments = decoded.split('/').slice(1);
  // '..' and '.' anywhere, and dotfiles: nothing the UI build produces needs them.
  if (segments.some((segment) => segment.startsWith('.'))) return { kind: 'forbidden' };

  const relative = decoded === '/' ? 'index.html' : segments.join('/');
  const candidate = path.resolve(rootDir, relative);
  if (!isInside(rootDir, candidate)) return { kind: 'forbidden' };

  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    return { kind: 'not-found' };
  }
  if (!isInside(rootDir, real)) return { kind: 'forbidden' };
  const info = await stat(real);
  if (!info.isFile()) return { kind: 'not-found' };
  return { kind: 'file', filePath: real, sizeBytes: info.size };
}

function isInside(rootDir: string, candidate: string): boolean {
  return candidate.startsWith(rootDir + path.sep);
}

/** index.html names the hashed asset files of the current build, so it must never be cached; the assets are revalidated. */
export function cacheControlFor(filePath: string): string {
  return path.basename(filePath) === 'index.html' ? 'no-store' : 'no-cache';
}
