/**
 * Who may talk to browser mode. The static UI is public (it holds no secret); only the WebSocket,
 * which is the whole API, is guarded: its handshake must offer the per-start token as a
 * subprotocol (see ws-protocol.ts), name this loopback server in its Host header (so a
 * DNS-rebinding page cannot reach it under another name) and, from a browser, come from a page
 * of this server (Origin).
 *
 * No cookie is ever set: cookies are not isolated by port, so a 127.0.0.1 cookie would be sent to
 * every other server on 127.0.0.1, and anyone listening there could replay it.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { tokenFromProtocols } from '../shared/ws-protocol';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export function tokensEqual(expected: string, given: string | undefined | null): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  // timingSafeEqual needs equal lengths; comparing `a` with itself keeps the time independent of `given`.
  return a.length === b.length ? timingSafeEqual(a, b) : !timingSafeEqual(a, a);
}

/** Whether a WebSocket handshake offers the right token among its subprotocols. */
export function handshakeTokenValid(req: IncomingMessage, token: string): boolean {
  const header = req.headers['sec-websocket-protocol'];
  return tokensEqual(token, tokenFromProtocols(Array.isArray(header) ? header.join(',') : header));
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
