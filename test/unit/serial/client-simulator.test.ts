/**
 * EdgebenchDeviceClient against the simulated board over an in-memory link (the same flows run
 * over real pseudo-terminals in test/integration): handshake with a boot log, upload of the demo
 * model, corruption in transit, resume after a dropped link, timed runs, outputs for accuracy,
 * and each refusal as one sentence.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { EdgebenchDeviceClient } from '../../../src/core/targets/serial/edgebench-protocol/client';
import { connectInMemory } from '../../../src/core/targets/serial/simulator/in-memory';
import { SimulatedBoard } from '../../../src/core/targets/serial/simulator/simulated-board';
import type { DeviceModel } from '../../../src/core/targets/serial/simulator/device-model';
import type { SerialTransport } from '../../../src/core/targets/serial/serial-transport';
import { StudioError } from '../../../src/shared/errors';
import { damage, demoModel, heldOutDigits, MsgType, onNthFrame } from './helpers';
import { unsupportedOpModel } from './models';

const boards: SimulatedBoard[] = [];
afterEach(async () => {
  await Promise.all(boards.splice(0).map((board) => board.dispose()));
});

function board(model: Partial<DeviceModel> = {}): SimulatedBoard {
  const created = new SimulatedBoard({ slowdown: 10, ...model });
  boards.push(created);
  return created;
}

async function rejection(promise: Promise<unknown>): Promise<StudioError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  if (!(error instanceof StudioError)) throw new Error(`expected a StudioError, got ${String(error)}`);
  return error;
}

describe('EdgebenchDeviceClient ↔ simulated board', () => {
  test('handshake: the boot log is kept, and the board says it is a simulation', async () => {
    const link = connectInMemory(board(), { bootLog: 'ESP-ROM:esp32s3-20210327\r\nI (312) app: EdgeBench ready\r\n' });
    const client = new EdgebenchDeviceClient(link.transport);
    const facts = await client.hello();
    expect(facts).toMatchObject({ chipModel: 'Simulated board (ESP32-S3 model)', simulated: true, protocolVersion: 2, cores: 2, cpuMHz: 240, maxChunkBytes: 4096 });
    expect(client.deviceLog).toContain('I (312) app: EdgeBench ready');
    await client.close();
  });

  test('uploads the demo model in chunks and reports what the interpreter built', async () => {
    const client = new EdgebenchDeviceClient(connectInMemory(board()).transport);
    const model = demoModel();
    const progress: number[] = [];
    const upload = await client.uploadModel(model, { onProgress: (p) => progress.push(p.sentBytes) });
    expect(upload.resumedFromBytes).toBe(0);
    expect(upload.loaded).toMatchObject({ modelBytes: model.length, opKinds: ['CONV_2D', 'RESHAPE', 'FULLY_CONNECTED'], inputs: [{ dtype: 0, shape: [1, 28, 28, 1], sizeBytes: 3136 }], outputs: [{ dtype: 0, shape: [1, 10], sizeBytes: 40 }] });
    expect(upload.loaded.arenaUsedBytes).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(model.length);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    await client.close();
  });

  test('a chunk damaged in transit is NAKed and sent again; the model still loads', async () => {
    const link = connectInMemory(board(), { tamperHostToBoard: onNthFrame(MsgType.MODEL_CHUNK, 3, damage) });
    const client = new EdgebenchDeviceClient(link.transport, { replyTimeoutMs: 500 });
    const upload = await client.uploadModel(demoModel());
    expect(upload.resentChunks).toBeGreaterThanOrEqual(1);
    expect(upload.loaded.modelBytes).toBe(demoModel().length);
    await client.close();
  });

  test('a reply damaged in transit makes the client ask again', async () => {
    const link = connectInMemory(board(), { tamperBoardToHost: onNthFrame(MsgType.ACK, 2, damage) });
    const client = new EdgebenchDeviceClient(link.transport, { replyTimeoutMs: 500 });
    const upload = await client.uploadModel(demoModel());
    expect(upload.loaded.modelBytes).toBe(demoModel().length);
    await client.close();
  });

  test('after the link drops mid-upload, a new connection resumes from the acknowledged offset', async () => {
    const simulated = board();
    // The cable is pulled right after the fifth chunk goes out.
    const first = connectInMemory(simulated, {
      tamperHostToBoard: onNthFrame(MsgType.MODEL_CHUNK, 5, (wire) => {
        setImmediate(() => first.drop());
        return wire;
      }),
    });
    const dropped = await rejection(new EdgebenchDeviceClient(first.transport).uploadModel(demoModel()));
    expect(dropped.message).toMatch(/closed: the link was dropped\. Check the cable/);

    const client = new EdgebenchDeviceClient(connectInMemory(simulated).transport);
    const upload = await client.uploadModel(demoModel());
    expect(upload.resumedFromBytes).toBeGreaterThanOrEqual(4 * 4096);
    expect(upload.resumedFromBytes).toBeLessThan(demoModel().length);
    expect(upload.loaded.modelBytes).toBe(demoModel().length);
    await client.close();
  });

  test('RUN 20 returns 20 latencies and the heap figures, flagged as simulated', async () => {
    const client = new EdgebenchDeviceClient(connectInMemory(board()).transport);
    await client.uploadModel(demoModel());
    const progress: number[] = [];
    const result = await client.run({ warmup: 3, runs: 20 }, { onProgress: (done) => progress.push(done) });
    expect(result.latenciesUs).toHaveLength(20);
    for (const latency of result.latenciesUs) expect(Number.isInteger(latency) && latency > 0).toBe(true);
    expect(result.simulated).toBe(true);
    expect(result.freeHeapBytes).toBeGreaterThan(result.minFreeHeapBytes);
    expect(progress.at(-1)).toBe(20);
    await client.close();
  });

  test('runs beyond the per-RUN limit are split and all latencies come back', async () => {
    const client = new EdgebenchDeviceClient(connectInMemory(board({ maxRunsPerRequest: 7 })).transport);
    await client.uploadModel(demoModel());
    expect((await client.run({ warmup: 1, runs: 16 })).latenciesUs).toHaveLength(16);
    await client.close();
  });

  test('outputs read back classify held-out digits (the accuracy path)', async () => {
    const client = new EdgebenchDeviceClient(connectInMemory(board()).transport);
    await client.uploadModel(demoModel());
    const digits = heldOutDigits(20);
    let correct = 0;
    for (const digit of digits) {
      await client.setInput(0, new Uint8Array(digit.pixels.buffer));
      await client.run({ warmup: 0, runs: 1 });
      const bytes = await client.readOutput(0);
      const logits = new Float32Array(bytes.buffer);
      expect(logits).toHaveLength(10);
      if (logits.indexOf(Math.max(...logits)) === digit.label) correct += 1;
    }
    expect(correct).toBeGreaterThanOrEqual(18);
    await client.close();
  });
});

describe('refusals and failures, each one sentence', () => {
  test('a model larger than the board holds', async () => {
    const client = new EdgebenchDeviceClient(connectInMemory(board({ modelCapacityBytes: 16 * 1024 })).transport);
    const error = await rejection(client.uploadModel(demoModel()));
    expect(error.code).toBe('RUNTIME');
    expect(error.context.deviceError).toBe('MODEL_TOO_BIG');
    expect(error.message).toMatch(/The model is 37952 bytes but this board holds at most 16384 bytes; use a smaller or quantized model\./);
  });

  test('a model whose arena exceeds the firmware arena', async () => {
    const client = new EdgebenchDeviceClient(connectInMemory(board({ arenaCapacityBytes: 4096 })).transport);
    const error = await rejection(client.uploadModel(demoModel()));
    expect(error.context.deviceError).toBe('ARENA_TOO_SMALL');
    expect(error.message).toMatch(/refused: The model needs about \d+\.\d+ KiB of tensor arena but the firmware's arena holds 4\.00 KiB; use a smaller model, or raise kInternalArenaBytes \(internal RAM\) or kPsramArenaBytes/);
  });

  test('a model with an op the firmware lacks', async () => {
    const client = new EdgebenchDeviceClient(connectInMemory(board()).transport);
    const error = await rejection(client.uploadModel(unsupportedOpModel()));
    expect(error.context.deviceError).toBe('UNSUPPORTED_OP');
    expect(error.message).toMatch(/uses op 'SIN', which the firmware's op resolver lacks; replace it in the model or add it to main\/op_resolver\.cpp/);
  });

  test('a board that never answers: bounded retries, then a sentence naming the port and what to check', async () => {
    const silent: SerialTransport = {
      description: '/dev/ttyUSB9 at 115200 baud',
      write: async () => undefined,
      onData: () => () => undefined,
      onClose: () => () => undefined,
      close: async () => undefined,
    };
    const client = new EdgebenchDeviceClient(silent, { replyTimeoutMs: 20, attempts: 2 });
    const error = await rejection(client.hello());
    expect(error.message).toMatch(/^The board on \/dev\/ttyUSB9 at 115200 baud did not answer HELLO \(no reply within 20 ms, 2 attempt\(s\)\)\. Check the baud rate/);
  });

  test('the link vanishing mid-run fails the run at once with a clear error', async () => {
    const link = connectInMemory(board({ slowdown: 10 }));
    const client = new EdgebenchDeviceClient(link.transport);
    await client.uploadModel(demoModel());
    // Dropped on the first progress of the timed runs: always before the results, however fast the host.
    const running = client.run({ warmup: 0, runs: 1000 }, { onProgress: () => link.drop() });
    const error = await rejection(running);
    expect(error.message).toMatch(/closed: the link was dropped/);
  });

  test('an aborted run rejects with CANCELLED', async () => {
    const client = new EdgebenchDeviceClient(connectInMemory(board()).transport);
    await client.uploadModel(demoModel());
    const controller = new AbortController();
    // Aborted on the first progress of the timed runs, before the results arrive.
    const running = client.run({ warmup: 0, runs: 1000 }, { signal: controller.signal, onProgress: () => controller.abort() });
    expect((await rejection(running)).code).toBe('CANCELLED');
  });
});

describe('text between frames', () => {
  test('a line the board prints between frames goes to the log and does not make the client resend', async () => {
    let sent = 0;
    const link = connectInMemory(board(), {
      tamperHostToBoard: (wire) => {
        sent += 1;
        return wire;
      },
      tamperBoardToHost: onNthFrame(MsgType.HELLO_ACK, 2, (wire) => Uint8Array.of(...Buffer.from('E (812) tflm: arena 9984 bytes\r\n'), ...wire)),
    });
    const client = new EdgebenchDeviceClient(link.transport);
    await client.hello();
    await client.hello();
    expect(client.deviceLog).toContain('E (812) tflm: arena 9984 bytes');
    expect(sent).toBe(2);
    await client.close();
  });
});
