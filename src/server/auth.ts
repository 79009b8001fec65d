/**
 * Who may talk to browser mode: whoever holds the per-start token (from the printed URL, or
 * the cookie the page got when it was opened with that URL), through a Host header naming
 * this loopback server (so a DNS-rebinding page cannot reach it under another name), and for
 * WebSockets from a page of this server (so another site cannot ride on the cookie).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TOKEN_PARAM } from '../shared/ws-protocol';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * Cookies are not isolated by port, so two studios on 127.0.0.1 would overwrite one shared
 * `token` cookie; each server uses its own cookie name.
 */
export function cookieName(port: number): string {
  return `${TOKEN_PARAM}_${port}`;
}

export function tokenCookie(port: number, token: string): string {
  return `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

export function tokensEqual(expected: string, given: string | undefined | null): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  // timingSafeEqual needs equal lengths; comparing `a` with itself keeps the time independent of `given`.
  return a.length === b.length ? timingSafeEqual(a, b) : !timingSafeEqual(a, a);
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export interface RequestAuth {
  /** The token came in the query string (so the response should set the cookie). */
  viaQuery: boolean;
  ok: boolean;
}

export function checkToken(req: IncomingMessage, url: URL, port: number, token: string): RequestAuth {
  const fromQuery = url.searchParams.get(TOKEN_PARAM);
  if (fromQuery !== null) return { viaQuery: true, ok: tokensEqual(token, fromQuery) };
  return { viaQuery: false, ok: tokensEqual(token, readCookie(req.headers.cookie, cookieName(port))) };
}

export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

export function hostAllowed(req: IncomingMessage, port: number): boolean {
  const host = req.headers.host?.toLowerCase();
  return host !== undefined && allowedHosts(port).has(host);
}

/**
 * Browsers always send Origin on a WebSocket handshake; it must be this server. Non-browser
 * clients (tests, scripts) send none and are judged by the token alone.
 */
export function originAllowed(req: IncomingMessage, port: number): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const hosts = allowedHosts(port);
  return [...hosts].some((host) => origin.toLowerCase() === `http://${host}`);
}
