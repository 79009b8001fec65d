/**
 * Transport-neutral plumbing for the contract: a client builder (calling side) and a
 * dispatcher (serving side). Transports only move `{ channel, request }` and
 * `{ ok, response | error }` envelopes.
 */
import { z } from 'zod';
import { ErrorData, StudioError, toErrorData } from './errors';
import {
  events,
  isEventName,
  listCalls,
  type EventName,
  type EventPayload,
  type StudioApi,
  type StudioHandlers,
} from './contract';

export const CallResult = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), response: z.unknown() }),
  z.object({ ok: z.literal(false), error: ErrorData }),
]);
export type CallResult = z.infer<typeof CallResult>;

/** Readable one-line summary of a zod failure: "settings.runs: Too small: expected number to be >=1". */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'request'}: ${issue.message}`)
    .join('; ');
}

export interface ClientTransport {
  /** Sends one call and resolves with its envelope; rejects only if the transport itself failed. */
  call(channel: string, request: unknown): Promise<CallResult>;
  /** Subscribes to one event name; returns the unsubscribe function. */
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void;
}

/** Builds the typed `StudioApi` object over any transport. Requests are validated before they leave. */
export function createApiClient(transport: ClientTransport): StudioApi {
  const api: Record<string, Record<string, (req: unknown) => Promise<unknown>>> = {};
  for (const { channel, namespace, method, def } of listCalls()) {
    const group = (api[namespace] ??= {});
    group[method] = async (req: unknown) => {
      const parsed = def.req.safeParse(req ?? {});
      if (!parsed.success) {
        throw new StudioError('BAD_INPUT', `Invalid request for ${channel}: ${describeZodError(parsed.error)}.`, {
          channel,
        });
      }
      const result = await transport.call(channel, parsed.data);
      if (!result.ok) throw StudioError.fromData(result.error);
      return def.res.parse(result.response);
    };
  }
  const on = <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): (() => void) =>
    transport.subscribe(event, (raw) => {
      const parsed = events[event].safeParse(raw);
      if (parsed.success) listener(parsed.data as EventPayload<E>);
    });
  return Object.assign(api, { on }) as unknown as StudioApi;
}

const callIndex = new Map(listCalls().map((entry) => [entry.channel, entry]));

export function isKnownChannel(channel: unknown): channel is string {
  return typeof channel === 'string' && callIndex.has(channel);
}

/** Serving side: validates the request, runs the handler, validates (and, for an encoded call, encodes) the response. Never throws. */
export async function dispatchCall(handlers: StudioHandlers, channel: string, request: unknown): Promise<CallResult> {
  const entry = callIndex.get(channel);
  if (!entry) {
    return { ok: false, error: { code: 'BAD_INPUT', message: `Unknown call '${channel}'.`, context: {} } };
  }
  const parsed = entry.def.req.safeParse(request ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      error: {
        code: 'BAD_INPUT',
        message: `Invalid request for ${channel}: ${describeZodError(parsed.error)}.`,
        context: { channel },
      },
    };
  }
  try {
    const group = handlers[entry.namespace as keyof StudioHandlers] as unknown as Record<
      string,
      (req: unknown) => Promise<unknown>
    >;
    const handler = group[entry.method];
    if (!handler) throw new StudioError('INTERNAL', `No handler for ${channel}.`);
    const value = await handler(parsed.data);
    // A response with a wire form of its own (runs.get's packed samples) is checked as it is encoded.
    const response = entry.def.encoded ? entry.def.res.encode(value) : entry.def.res.parse(value);
    return { ok: true, response };
  } catch (error) {
    return { ok: false, error: toErrorData(error) };
  }
}

/** Serving side of events: validates a payload before any transport sends it. */
export function validateEvent<E extends EventName>(event: E, payload: EventPayload<E>): EventPayload<E> {
  return events[event].parse(payload) as EventPayload<E>;
}

export { isEventName };
