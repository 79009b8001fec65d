/**
 * The contract over one WebSocket: ClientFrames in, ServerFrames out. A frame that is not
 * a well-formed call gets an error result (id 0 when it carried no usable id); nothing a
 * client sends can throw out of here.
 */
import type { RawData, WebSocket } from 'ws';
import type { Studio } from '../core/studio-types';
import type { ErrorData } from '../shared/errors';
import { MAX_UPLOAD_BYTES } from '../shared/contract';
import { describeZodError, dispatchCall, isKnownChannel } from '../shared/rpc';
import { ClientFrame, type ServerFrame } from '../shared/ws-protocol';

/**
 * Largest frame accepted. Model uploads travel base64-encoded inside one `models.importFiles`
 * frame, so this is MAX_UPLOAD_BYTES (512 MiB) grown by 4/3 plus 16 MiB for the JSON around
 * it: about 700 MiB. The `ws` library closes a socket that sends more (close code 1009).
 */
export const MAX_FRAME_BYTES = Math.ceil(MAX_UPLOAD_BYTES / 3) * 4 + 16 * 1024 * 1024;

export function send(socket: WebSocket, frame: ServerFrame): void {
  if (socket.readyState !== socket.OPEN) return;
  socket.send(JSON.stringify(frame));
}

function badFrame(id: number, message: string): ServerFrame {
  const error: ErrorData = { code: 'BAD_INPUT', message, context: {} };
  return { type: 'result', id, ok: false, error };
}

/** The id a malformed frame carried, so the client can still match the error to its call. */
function salvageId(value: unknown): number {
  if (typeof value === 'object' && value !== null && 'id' in value) {
    const id = (value as { id: unknown }).id;
    if (typeof id === 'number' && Number.isInteger(id)) return id;
  }
  return 0;
}

export async function handleMessage(studio: Studio, socket: WebSocket, data: RawData, isBinary: boolean): Promise<void> {
  if (isBinary) {
    send(socket, badFrame(0, 'Binary WebSocket frames are not part of the studio protocol; send JSON text frames.'));
    return;
  }
  let json: unknown;
  try {
    json = JSON.parse(rawToString(data));
  } catch {
    send(socket, badFrame(0, 'The frame is not valid JSON; send one JSON call object per frame.'));
    return;
  }
  const parsed = ClientFrame.safeParse(json);
  if (!parsed.success) {
    send(socket, badFrame(salvageId(json), `The frame is not a valid call: ${describeZodError(parsed.error)}.`));
    return;
  }
  const { id, channel, request } = parsed.data;
  if (!isKnownChannel(channel)) {
    send(socket, badFrame(id, `Unknown call '${channel}'.`));
    return;
  }
  const result = await dispatchCall(studio.handlers, channel, request);
  send(socket, result.ok ? { type: 'result', id, ok: true, response: result.response } : { type: 'result', id, ok: false, error: result.error });
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
