/**
 * A simulated board on an in-memory link: the host gets a SerialTransport, the board a
 * ByteStream. Delivery is asynchronous (one macrotask later), as on a real port, so neither
 * side can rely on a reply arriving inside its own write. `tamper` hooks let tests and demos
 * damage bytes in transit; `drop()` pulls the cable.
 */
import { StudioError } from '../../../../shared/errors';
import type { SerialTransport } from '../serial-transport';
import type { ByteStream, SimulatedBoard } from './simulated-board';

export interface MemoryLinkOptions {
  description?: string;
  /** Printed by the board before its first frame (see SimulatedBoard.serve). */
  bootLog?: string;
  /** Sees (and may change) every chunk the host writes, before the board reads it. */
  tamperHostToBoard?: (bytes: Uint8Array) => Uint8Array;
  /** Sees (and may change) every chunk the board writes, before the host reads it. */
  tamperBoardToHost?: (bytes: Uint8Array) => Uint8Array;
}

export interface MemoryLink {
  transport: SerialTransport;
  /** Closes the link from the board's side, as when the cable is pulled; the host sees onClose(error). */
  drop(): void;
}

type DataListener = (bytes: Uint8Array) => void;

export function connectInMemory(board: SimulatedBoard, options: MemoryLinkOptions = {}): MemoryLink {
  const description = options.description ?? 'the in-memory simulated board';
  const hostListeners = new Set<DataListener>();
  const closeListeners = new Set<(error?: Error) => void>();
  const boardListeners = new Set<DataListener>();
  let open = true;

  const boardStream: ByteStream = {
    write(bytes) {
      const data = options.tamperBoardToHost ? options.tamperBoardToHost(Uint8Array.from(bytes)) : Uint8Array.from(bytes);
      setImmediate(() => {
        if (open) for (const listener of hostListeners) listener(data);
      });
      return true;
    },
    on(_event, listener) {
      boardListeners.add(listener);
      return boardStream;
    },
    removeListener(_event, listener) {
      boardListeners.delete(listener);
      return boardStream;
    },
  };
  const detach = board.serve(boardStream, { bootLog: options.bootLog });

  const close = (error?: Error): void => {
    if (!open) return;
    open = false;
    detach();
    for (const listener of closeListeners) listener(error);
    closeListeners.clear();
    hostListeners.clear();
  };

  const transport: SerialTransport = {
    description,
    async write(bytes) {
      if (!open) throw new StudioError('RUNNER', `Cannot write to ${description}: the link is closed. Connect again.`, { device: description });
      const data = options.tamperHostToBoard ? options.tamperHostToBoard(Uint8Array.from(bytes)) : Uint8Array.from(bytes);
      setImmediate(() => {
        if (open) for (const listener of boardListeners) listener(data);
      });
    },
    onData(listener) {
      hostListeners.add(listener);
      return () => void hostListeners.delete(listener);
    },
    onClose(listener) {
      closeListeners.add(listener);
      return () => void closeListeners.delete(listener);
    },
    async close() {
      close();
    },
  };
  return { transport, drop: () => close(new Error('the link was dropped')) };
}
