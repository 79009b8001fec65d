/**
 * The byte stream every serial device protocol runs over (edge-impulse-cli keeps the same
 * small seam under its protocol). Implemented over serialport, over a pseudo-terminal, and in
 * memory for the simulated board; the protocols never touch a port directly.
 */
export interface SerialTransport {
  /** Resolves once the bytes are handed to the OS (or the peer, in memory). */
  write(bytes: Uint8Array): Promise<void>;
  /** Every received chunk, in order; returns the function that removes the listener. */
  onData(listener: (bytes: Uint8Array) => void): () => void;
  /** Called once when the port closes: with an error when it vanished or failed. */
  onClose(listener: (error?: Error) => void): () => void;
  close(): Promise<void>;
  /** Names the port for messages and logs, e.g. "/dev/ttyACM0 at 921600 baud". */
  readonly description: string;
}
