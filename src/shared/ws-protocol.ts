/**
 * Envelopes of the WebSocket transport (browser mode). One socket carries calls,
 * their results and pushed events, as JSON text frames.
 */
import { z } from 'zod';
import { ErrorData } from './errors';

export const WS_PATH = '/ws';
/** Query parameter (page URL and WebSocket URL) and cookie name that carry the per-start token. */
export const TOKEN_PARAM = 'token';

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
