/**
 * Client side of the WebSocket transport. Works with the browser's WebSocket and with the
 * `ws` package in Node (tests), which both implement this small interface.
 */
import type { EventName } from './contract';
import type { CallResult, ClientTransport } from './rpc';
import { ServerFrame, type ClientFrame } from './ws-protocol';

export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

const OPEN = 1;

export interface WebSocketTransport extends ClientTransport {
  /** Resolves once the socket is open; rejects if it closes first. */
  ready: Promise<void>;
  close(): void;
}

export function webSocketTransport(socket: WebSocketLike): WebSocketTransport {
  let nextId = 1;
  const pending = new Map<number, (result: CallResult) => void>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let closedError: string | null = null;

  const ready = new Promise<void>((resolve, reject) => {
    if (socket.readyState === OPEN) resolve();
    socket.addEventListener('open', () => resolve());
    socket.addEventListener('close', () => reject(new Error('The studio server closed the connection.')));
  });
  // A rejected `ready` nobody awaits must not become an unhandled rejection.
  ready.catch(() => undefined);

  socket.addEventListener('message', (event) => {
    if (typeof event.data !== 'string') return;
    let frame: ServerFrame;
    try {
      frame = ServerFrame.parse(JSON.parse(event.data));
    } catch {
      return; // not ours; the server only sends ServerFrames
    }
    if (frame.type === 'result') {
      const settle = pending.get(frame.id);
      pending.delete(frame.id);
      settle?.(frame.ok ? { ok: true, response: frame.response } : { ok: false, error: frame.error });
    } else {
      for (const listener of listeners.get(frame.event) ?? []) listener(frame.payload);
    }
  });

  socket.addEventListener('close', () => {
    closedError = 'The connection to the studio server was lost. Restart `edgebench serve` and reload the page.';
    for (const settle of pending.values()) {
      settle({ ok: false, error: { code: 'INTERNAL', message: closedError, context: {} } });
    }
    pending.clear();
  });

  return {
    ready,
    close: () => socket.close(),
    async call(channel, request) {
      await ready;
      if (closedError) return { ok: false, error: { code: 'INTERNAL', message: closedError, context: {} } };
      const id = nextId++;
      const frame: ClientFrame = { type: 'call', id, channel, request };
      return new Promise<CallResult>((resolve) => {
        pending.set(id, resolve);
        socket.send(JSON.stringify(frame));
      });
    },
    subscribe(event: EventName, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    },
  };
}
