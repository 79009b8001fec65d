/**
 * Protocol v2 (per-op profile) beside v1: a v2 host and a v2 board agree on 2 and exchange a
 * per-op profile; a v2 host falls back to 1 with a v1 board (the simulated board's protocolVersion
 * flag makes it answer as v1 firmware does) and still uploads and runs; an old v1 host still
 * talks to a v2 board; OP_PROFILE pages always fit one frame.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { EdgebenchDeviceClient } from '../../../src/core/targets/serial/edgebench-protocol/client';
import { encodeFrame, FrameDecoder, MsgType, type Frame } from '../../../src/core/targets/serial/edgebench-protocol/frame';
import * as m from '../../../src/core/targets/serial/edgebench-protocol/messages';
import type { DeviceModel } from '../../../src/core/targets/serial/simulator/device-model';
import { connectInMemory } from '../../../src/core/targets/serial/simulator/in-memory';
import { SimulatedBoard } from '../../../src/core/targets/serial/simulator/simulated-board';
import { StudioError } from '../../../src/shared/errors';
import { demoModel } from './helpers';

const boards: SimulatedBoard[] = [];
afterEach(async () => {
  await Promise.all(boards.splice(0).map((b) => b.dispose()));
});

function board(model: Partial<DeviceModel> = {}): SimulatedBoard {
  const created = new SimulatedBoard({ slowdown: 10, ...model });
  boards.push(created);
  return created;
}

/** Sends raw frames to a board and collects the frames it answers with (an old host, byte for byte). */
function rawHost(target: SimulatedBoard): { send: (type: number, seq: number, payload: Uint8Array, version: number) => void; replies: (count: number) => Promise<Frame[]> } {
  const decoder = new FrameDecoder();
  const received: Frame[] = [];
  let listener: ((bytes: Uint8Array) => void) | undefined;
  target.serve({
    write: (bytes: Uint8Array) => {
      for (const chunk of decoder.push(bytes)) if (chunk.kind === 'frame') received.push(chunk.frame);
    },
    on: (_event, l) => (listener = l),
    removeListener: () => (listener = undefined),
  });
  return {
    send: (type, seq, payload, version) => listener?.(encodeFrame(type, seq, payload, version)),
    replies: async (count) => {
      for (let i = 0; i < 200 && received.length < count; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
      return received.splice(0, count);
    },
  };
}

describe('EdgeBench protocol v2', () => {
  test('a v2 host and a v2 board agree on version 2, and the board returns ticks for each of the demo’s four ops, flagged simulated', async () => {
    const client = new EdgebenchDeviceClient(connectInMemory(board()).transport);
    const facts = await client.hello();
    expect(facts.protocolVersion).toBe(2);
    expect(client.hasOpProfiler).toBe(true);
    await client.uploadModel(demoModel());
    const progress: number[] = [];
    const profile = await client.profile(5, { onProgress: (done) => progress.push(done) });
    expect(profile).toMatchObject({ runs: 5, ticksPerSecond: 1_000_000, simulated: true });
    expect(profile.ops.map((op) => `${op.index}:${op.name}`)).toEqual(['0:CONV_2D', '1:CONV_2D', '2:RESHAPE', '3:FULLY_CONNECTED']);
    for (const op of profile.ops) expect(op.ticks).toBeGreaterThan(0);
    // The cost model: the second convolution's 7·7·16 outputs × 72 MACs each against the reshape's 784 copies, 72 to 1.
    const [, conv2, reshape] = profile.ops;
    expect((conv2?.ticks ?? 0) / (reshape?.ticks ?? 1)).toBeCloseTo(72, 0);
    expect(progress.at(-1)).toBe(5);
    // The timed runs still work after a profile, in the same session.
    const run = await client.run({ warmup: 1, runs: 3 });
    expect(run.latenciesUs).toHaveLength(3);
    await client.close();
  });

  test('a v1 board refuses the v2 HELLO; the host falls back to 1, then uploads and runs as before, and a profile is refused in one sentence', async () => {
    const fallbacks: string[] = [];
    const client = new EdgebenchDeviceClient(connectInMemory(board({ protocolVersion: 1 })).transport, { onVersionFallback: (from, to) => fallbacks.push(`${from}→${to}`) });
    const facts = await client.hello();
    expect(facts.protocolVersion).toBe(1);
    expect(fallbacks).toEqual(['2→1']);
    expect(client.hasOpProfiler).toBe(false);
    const upload = await client.uploadModel(demoModel());
    expect(upload.loaded.arenaUsedBytes).toBeGreaterThan(0);
    const run = await client.run({ warmup: 0, runs: 4 });
    expect(run.latenciesUs).toHaveLength(4);
    const error = await client.profile(5).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(StudioError);
    expect((error as StudioError).message).toMatch(/speaks EdgeBench protocol version 1, which has no per-op profile; reflash the firmware/);
    await client.close();
  });

  test('an old v1 host talks to a v2 board: replies come in v1 frames, and PROFILE in a v1 frame is an unknown request', async () => {
    const host = rawHost(board());
    host.send(MsgType.HELLO, 1, m.encodeHello(1), 1);
    const [ack] = await host.replies(1);
    expect(ack).toMatchObject({ version: 1, type: MsgType.HELLO_ACK, seq: 1 });
    expect(m.decodeHelloAck((ack as Frame).payload).protocolVersion).toBe(1);
    host.send(MsgType.PROFILE, 2, m.encodeProfile(3), 1);
    const [refusal] = await host.replies(1);
    expect(refusal).toMatchObject({ version: 1, type: MsgType.ERROR, seq: 2 });
    expect(m.decodeError((refusal as Frame).payload)).toMatchObject({ code: m.DeviceErrorCode.BAD_REQUEST, message: expect.stringMatching(/not a request this board knows/) });
  });

  test('a v2 board refuses a version it does not speak (3), naming the versions it does', async () => {
    const host = rawHost(board());
    host.send(MsgType.HELLO, 1, m.encodeHello(3), 3);
    const [refusal] = await host.replies(1);
    expect(refusal).toMatchObject({ type: MsgType.ERROR, seq: 1 });
    expect(m.decodeError((refusal as Frame).payload)).toEqual({ code: m.DeviceErrorCode.PROTOCOL_VERSION, message: expect.stringMatching(/speaks versions 1 to 2/) });
  });

  test('OP_PROFILE pages of 300 ops with long names each fit one frame, and decode back to every op in order', () => {
    const ops = Array.from({ length: 300 }, (_, i) => ({ index: i, name: i % 2 === 0 ? 'DEPTHWISE_CONV_2D' : 'UNIDIRECTIONAL_SEQUENCE_LSTM', ticks: 2 ** 33 + i }));
    const pages = m.opProfilePages(ops, 4096);
    expect(pages.length).toBeGreaterThan(1);
    const decoded = pages.flatMap((page) => {
      const payload = m.encodeOpProfile({ simulated: false, ticksPerSecond: 1e6, runs: 20, totalOps: ops.length, first: page.first, ops: page.ops });
      expect(payload.length).toBeLessThanOrEqual(m.maxPayloadBytes(4096));
      const back = m.decodeOpProfile(payload);
      expect(back.first).toBe(page.first);
      return back.ops;
    });
    expect(decoded).toEqual(ops);
  });
});
