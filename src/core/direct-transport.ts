import type { EventName } from '../shared/contract';
import { dispatchCall, type ClientTransport } from '../shared/rpc';
import type { Studio } from './studio-types';

/**
 * The third transport: direct calls into the engine (CLI and tests). It still goes through
 * dispatchCall, so requests and responses are validated exactly as over IPC or WebSocket,
 * and JSON round-trips the payloads so nothing passes that a wire transport would not carry.
 */
export function directTransport(studio: Studio): ClientTransport {
  return {
    async call(channel, request) {
      const result = await dispatchCall(studio.handlers, channel, JSON.parse(JSON.stringify(request ?? {})));
      return JSON.parse(JSON.stringify(result));
    },
    subscribe(event: EventName, listener) {
      return studio.onEvent((name, payload) => {
        if (name === event) listener(JSON.parse(JSON.stringify(payload)));
      });
    },
  };
}
