/**
 * The desktop app's page comes from app://studio/, a privileged custom scheme, not file://: a
 * file:// page could read any file its URL names, and every file:// page shares one origin. The
 * handler serves only the files of the built UI (out/renderer) through the same guard as browser
 * mode (src/core/ui-files.ts), with the same Content-Security-Policy. This module is plain Node:
 * index.ts registers it with Electron, and the tests call it directly.
 */
import { CONTENT_SECURITY_POLICY } from '../shared/security-policy';
import { cacheControlFor, contentTypeFor, lookupStatic } from '../core/ui-files';

export const APP_SCHEME = 'app';
export const APP_HOST = 'studio';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** What the window loads. */
export const APP_PAGE_URL = `${APP_ORIGIN}/index.html`;

/**
 * What the scheme is registered with (protocol.registerSchemesAsPrivileged, before app 'ready'):
 * standard (a real origin, relative URLs resolve), secure (like https: no mixed-content
 * downgrade), fetch for the page's own assets. No CORS bypass, no service workers.
 */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true } as const;

export interface AppResponse {
  status: number;
  headers: Record<string, string>;
  /** The file to send as the body; absent for refusals (the body is then `message`). */
  filePath?: string;
  message?: string;
}

/** The headers every answer carries, file or refusal. */
function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

function refuse(status: number, message: string): AppResponse {
  return { status, message, headers: { ...securityHeaders(), 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } };
}

/**
 * The answer to one app:// request. `rootDir` must be the real (symlink-resolved) absolute path
 * of out/renderer. The path is taken from the raw URL text, before any normalisation, so
 * encoded dots and backslashes reach the guard as the page sent them.
 */
export async function resolveAppRequest(rootDir: string, requestUrl: string, method = 'GET'): Promise<AppResponse> {
  if (method !== 'GET' && method !== 'HEAD') return refuse(405, 'Only GET and HEAD are served here.');
  const prefix = `${APP_ORIGIN}/`;
  if (!requestUrl.toLowerCase().startsWith(prefix)) return refuse(404, 'Not found.');
  const rest = requestUrl.slice(prefix.length - 1);
  const end = rest.search(/[?#]/);
  const rawPath = end === -1 ? rest : rest.slice(0, end);
  const found = await lookupStatic(rootDir, rawPath);
  if (found.kind === 'forbidden') return refuse(403, 'That path is outside the studio UI.');
  if (found.kind === 'not-found') return refuse(404, 'Not found.');
  return {
    status: 200,
    filePath: found.filePath,
    headers: {
      ...securityHeaders(),
      'Content-Type': contentTypeFor(found.filePath),
      'Content-Length': String(found.sizeBytes),
      'Cache-Control': cacheControlFor(found.filePath),
    },
  };
}
