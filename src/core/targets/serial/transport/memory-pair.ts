/**
 * Two SerialTransports joined in memory: bytes written on one end arrive on the other in a later
 * tick, as they would over a cable. Unit tests put a device emulator on one end and a protocol
 * client on the other without a pseudo-terminal; `cut()` makes both ends vanish like an unplug.
 */
import { StudioError } from '../../../../shared/errors';
import type { SerialTransport } from '../serial-transport';

export interface MemoryPair {
  host: SerialTransport;
  device: SerialTransport;
  /** Both ends close with a "vanished" error. */
  cut(): void;
}

interface End {
  transport: SerialTransport;
  deliver(bytes: Uint8Array): void;
  finish(reason?: Error): void;
}

function makeEnd(name: string, send: (bytes: Uint8Array) => void, closeBoth: () => void): End {
  const dataListeners = new Set<(bytes: Uint8Array) => void>();
  const closeListeners = new Set<(error?: Error) => void>();
  let early: Uint8Array[] = [];
  let closed = false;
  let reason: Error | undefined;
  return {
    deliver(bytes) {
      if (closed) return;
      if (dataListeners.size === 0) early.push(bytes);
      for (const listener of [...dataListeners]) listener(bytes);
    },
    finish(why) {
      if (closed) return;
      closed = true;
      reason = why;
      for (const listener of [...closeListeners]) listener(why);
      closeListeners.clear();
      dataListeners.clear();
    },
    transport: {
      description: `memory pair (${name} end)`,
      async write(bytes) {
        if (closed) throw reason ?? new StudioError('RUNNER', `The in-memory port (${name} end) is closed.`, { port: name });
        send(bytes.slice());
      },
      onData(listener) {
        dataListeners.add(listener);
        const pending = early;
        early = [];
        for (const bytes of pending) listener(bytes);
        return () => dataListeners.delete(listener);
      },
      onClose(listener) {
        if (closed) {
          queueMicrotask(() => listener(reason));
          return () => undefined;
        }
        closeListeners.add(listener);
        return () => closeListeners.delete(listener);
      },
      async close() {
        closeBoth();
      },
    },
  };
}

export function createMemoryPair(): MemoryPair {
  const ends: { host?: End; device?: End } = {};
  const closeBoth = (why?: Error): void => {
    ends.host?.finish(why);
    ends.device?.finish(why);
  };
  const later = (target: () => End | undefined) => (bytes: Uint8Array) => setImmediate(() => target()?.deliver(bytes));
  ends.host = makeEnd('host', later(() => ends.device), () => closeBoth());
  ends.device = makeEnd('device', later(() => ends.host), () => closeBoth());
  return {
    host: ends.host.transport,
    device: ends.device.transport,
    cut() {
      closeBoth(new StudioError('TARGET', 'The in-memory serial port vanished: reconnect and run again.', { port: 'memory' }, { detail: { kind: 'port-vanished', port: 'memory' } }));
    },
  };
}
