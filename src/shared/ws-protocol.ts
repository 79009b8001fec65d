/**
 * Envelopes of the WebSocket transport (browser mode). One socket carries calls,
 * their results and pushed events, as JSON text frames.
 */
import { z } from 'zod';
import { ErrorData } from './errors';

export const WS_PATH = '/ws';
/**
 * Query parameter of the page URL `edgebench serve` prints. The page moves the token into its own
 * memory at once (src/renderer/src/api.ts) and sends it only in the WebSocket handshake; no
 * cookie ever carries it, because browsers send a 127.0.0.1 cookie to every port of 127.0.0.1.
 */
export const TOKEN_PARAM = 'token';

/** The one subprotocol the server speaks; it is the one it echoes back. */
export const WS_SUBPROTOCOL = 'edgebench.v1';
/**
 * The token travels as a second offered subprotocol (Sec-WebSocket-Protocol), the only header a
 * page can set on a WebSocket handshake. It is never echoed back, and never put in the URL.
 * A base64url token is a valid subprotocol token (RFC 6455 section 4.1 takes RFC 2616 tokens).
 */
const TOKEN_SUBPROTOCOL_PREFIX = 'edgebench.token.';

/** What a client offers in its handshake: the protocol, and the token. */
export function webSocketProtocols(token: string): string[] {
  return [WS_SUBPROTOCOL, `${TOKEN_SUBPROTOCOL_PREFIX}${token}`];
}

/** The token a handshake's offered subprotocols carry (the Sec-WebSocket-Protocol header), if any. */
export function tokenFromProtocols(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const offered = header.split(',').map((part) => part.trim());
  const carrying = offered.filter((protocol) => protocol.startsWith(TOKEN_SUBPROTOCOL_PREFIX));
  // Two tokens are one too many: refuse rather than pick.
  return carrying.length === 1 ? carrying[0]?.slice(TOKEN_SUBPROTOCOL_PREFIX.length) : undefined;
}

export const ClientFrame = z.object({
  type: z.literal('call'),
  id: z.number().int(),
  channel: z.string().max(100),
  request: z.unknown(),
});
export type ClientFrame = z.infer<typeof ClientFrame>;

// A plain union: zod's discriminatedUnion refuses two branches with the same `type` ('result').
export const ServerFrame = z.union([
  z.object({ type: z.literal('result'), id: z.number().int(), ok: z.literal(true), response: z.unknown() }),
  z.object({ type: z.literal('result'), id: z.number().int(), ok: z.literal(false), error: ErrorData }),
  z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;
