/**
 * The simulated board: the device side of the EdgeBench serial protocol in TypeScript (the twin
 * of components/edgebench_protocol/src/device.cpp), running the uploaded model on the host.
 * Its state (a half-received model, the loaded model) outlives a connection, as a board's does
 * when its USB cable is pulled and plugged back, so an upload can resume.
 */
import { createHash, type Hash } from 'node:crypto';
import type { TensorInfo } from '../../../../shared/model-info';
import { formatBytes } from '../../../../shared/units';
import { readTflite } from '../../../formats/tflite/tflite-reader';
import { tensorTypeName } from '../../../formats/tflite/tflite-schema';
import { DTYPE_BYTES, estimateArena } from '../fit-estimate';
import { encodeFrame, FrameDecoder, MsgType, UNKNOWN_SEQ, type Frame } from '../edgebench-protocol/frame';
import * as m from '../edgebench-protocol/messages';
import { ESP32S3_SIMULATED, FIRMWARE_OPS, SIMULATED_TICKS_PER_SECOND, type DeviceModel } from './device-model';
import { LiteRtInvoker } from './litert-invoker';
import { simulatedOpCosts, type OpCost } from './op-cost';
import { seededRandom } from '../../../runner/input-data';
import { litertVersion } from '../../../runner/runtimes/litert-node';

/** Any duplex byte stream: a socket, a pty's file streams, process stdio, an in-memory pair. */
export interface ByteStream {
  write(bytes: Uint8Array): unknown;
  on(event: 'data', listener: (bytes: Uint8Array) => void): unknown;
  removeListener(event: 'data', listener: (bytes: Uint8Array) => void): unknown;
}

const PROGRESS_EVERY_MS = 250;
const E = m.DeviceErrorCode;

/** A refusal the board answers with ERROR. */
class Refusal {
  constructor(readonly code: number, readonly message: string) {}
}

interface Upload { sizeBytes: number; sha256: Uint8Array; data: Uint8Array; received: number; hash: Hash }
interface Loaded { info: m.LoadedInfo; invoker: LiteRtInvoker; inputs: Uint8Array[]; outputs: Uint8Array[]; opCosts: OpCost[] }
type Reply = (type: number, seq: number, payload: Uint8Array) => void;

export class SimulatedBoard {
  readonly model: DeviceModel;
  private upload: Upload | undefined;
  private loaded: Loaded | undefined;
  private work: Promise<void> = Promise.resolve();
  private random: () => number;

  constructor(model: Partial<DeviceModel> = {}) {
    this.model = { ...ESP32S3_SIMULATED, ...model };
    this.random = seededRandom(this.model.seed);
  }

  /**
   * Answers frames arriving on `stream` until the returned function is called. `bootLog` is
   * written first as plain text, as a real board prints its boot log when opening the port resets it.
   */
  serve(stream: ByteStream, options: { bootLog?: string } = {}): () => void {
    const decoder = new FrameDecoder();
    let synced = false;
    // Replies go in the version of the request they answer (a v2 board talks v1 to a v1 host); a
    // NAK for an undecodable frame, whose version is unknown, in the version last spoken.
    let lastVersion = 1;
    const replyIn = (version: number): Reply => (type, seq, payload) => void stream.write(encodeFrame(type, seq, payload, version));
    const onData = (bytes: Uint8Array): void => {
      for (const chunk of decoder.push(bytes)) {
        if (chunk.kind === 'frame') {
          synced = true;
          const { frame } = chunk;
          const version = this.speaks(frame.version) ? frame.version : 1;
          lastVersion = version;
          this.work = this.work.then(() => this.handle(frame, replyIn(version)));
        } else if (synced) {
          const expected = this.upload?.received ?? 0;
          const reply = replyIn(lastVersion);
          this.work = this.work.then(() => reply(MsgType.NAK, UNKNOWN_SEQ, m.encodeNak(m.NakReason.BAD_FRAME, expected)));
        }
      }
    };
    stream.on('data', onData);
    if (options.bootLog) stream.write(new TextEncoder().encode(options.bootLog));
    return () => void stream.removeListener('data', onData);
  }

  /** Frees the loaded model (LiteRT memory and its temporary file). */
  async dispose(): Promise<void> {
    await this.work;
    this.dropModel();
  }

  /** Versions 1 up to the device model's protocolVersion (v2 firmware still answers a v1 host). */
  private speaks(version: number): boolean {
    return version >= 1 && version <= this.model.protocolVersion;
  }

  private versionsSpoken(): string {
    return this.model.protocolVersion === 1 ? 'version 1' : `versions 1 to ${this.model.protocolVersion}`;
  }

  private async handle(frame: Frame, reply: Reply): Promise<void> {
    try {
      if (!this.speaks(frame.version)) throw new Refusal(E.PROTOCOL_VERSION, `The host sent protocol version ${frame.version} but this board speaks ${this.versionsSpoken()}; update the studio or the firmware.`);
      await this.dispatch(frame, reply);
    } catch (error) {
      const refusal = error instanceof Refusal ? error : new Refusal(E.BAD_REQUEST, error instanceof Error ? error.message : String(error));
      reply(MsgType.ERROR, frame.seq, m.encodeError(refusal.code, refusal.message));
    }
  }

  private async dispatch(frame: Frame, reply: Reply): Promise<void> {
    const { seq, payload } = frame;
    switch (frame.type) {
      case MsgType.HELLO: {
        const version = m.decodeHello(payload);
        if (!this.speaks(version) || version !== frame.version) {
          throw new Refusal(E.PROTOCOL_VERSION, `The host asked for protocol version ${version} but this board speaks ${this.versionsSpoken()}; update the studio or the firmware.`);
        }
        return reply(MsgType.HELLO_ACK, seq, m.encodeHelloAck(this.facts(version)));
      }
      case MsgType.MODEL_BEGIN:
        return reply(MsgType.ACK, seq, m.encodeAck(this.begin(m.decodeModelBegin(payload))));
      case MsgType.MODEL_CHUNK: {
        const chunk = m.decodeModelChunk(payload);
        const upload = this.upload;
        if (upload === undefined || this.loaded) throw new Refusal(E.BAD_STATE, 'A model chunk arrived before MODEL_BEGIN; start the upload again.');
        if (chunk.offset !== upload.received) return reply(MsgType.NAK, seq, m.encodeNak(m.NakReason.WRONG_OFFSET, upload.received));
        if (chunk.data.length > upload.sizeBytes - upload.received) throw new Refusal(E.BAD_REQUEST, `A chunk at offset ${chunk.offset} runs past the announced model size of ${upload.sizeBytes} bytes.`);
        upload.data.set(chunk.data, upload.received);
        upload.hash.update(chunk.data);
        upload.received += chunk.data.length;
        return reply(MsgType.ACK, seq, m.encodeAck(upload.received));
      }
      case MsgType.MODEL_END:
        if (payload.length !== 0) throw new Refusal(E.BAD_REQUEST, 'The MODEL_END payload must be empty.');
        if (this.upload && !this.loaded && this.upload.received !== this.upload.sizeBytes) {
          return reply(MsgType.NAK, seq, m.encodeNak(m.NakReason.WRONG_OFFSET, this.upload.received));
        }
        return reply(MsgType.LOADED, seq, m.encodeLoaded(await this.load()));
      case MsgType.INPUT: {
        const input = m.decodeInput(payload);
        const loaded = this.requireLoaded('sending inputs');
        const target = loaded.inputs[input.index];
        if (target === undefined) throw new Refusal(E.INPUT_SIZE, `The model has ${loaded.inputs.length} input(s); there is no input ${input.index}.`);
        if (input.offset + input.data.length > target.length) {
          throw new Refusal(E.INPUT_SIZE, `Input ${input.index} holds ${target.length} bytes; ${input.data.length} bytes at offset ${input.offset} do not fit.`);
        }
        target.set(input.data, input.offset);
        return reply(MsgType.ACK, seq, m.encodeAck(input.offset + input.data.length));
      }
      case MsgType.RUN:
        return this.run(seq, m.decodeRun(payload), reply);
      case MsgType.PROFILE:
        // A v1 frame has no PROFILE: v1 firmware answers an unknown type as below.
        if (frame.version < 2) break;
        return this.profile(seq, m.decodeProfile(payload), reply);
      case MsgType.READ_OUTPUT: {
        const read = m.decodeReadOutput(payload);
        const loaded = this.requireLoaded('RUN');
        const output = loaded.outputs[read.index];
        if (output === undefined) throw new Refusal(E.BAD_REQUEST, `The model has ${loaded.outputs.length} output(s); there is no output ${read.index}.`);
        const offset = Math.min(read.offset, output.length);
        const data = output.subarray(offset, offset + Math.min(read.length, this.model.maxChunkBytes));
        return reply(MsgType.OUTPUT, seq, m.encodeOutput(read.index, offset, output.length, data));
      }
    }
    throw new Refusal(E.BAD_REQUEST, `Message type 0x${frame.type.toString(16)} is not a request this board knows; update the firmware.`);
  }

  private facts(version: number): m.DeviceFacts {
    const d = this.model;
    return {
      protocolVersion: version, simulated: true, cores: d.cores, cpuMHz: d.cpuMHz, maxChunkBytes: d.maxChunkBytes,
      maxRunsPerRequest: d.maxRunsPerRequest, flashBytes: d.flashBytes, psramBytes: d.psramBytes,
      arenaCapacityBytes: d.arenaCapacityBytes, modelCapacityBytes: d.modelCapacityBytes, chipModel: d.chipModel,
      // What computes here instead of TFLM, with its version: the run file's runtime says it.
      idfVersion: 'simulated', tflmVersion: `LiteRT.js ${litertVersion()} on the host`, firmwareVersion: 'edgebench-sim 1',
    };
  }

  private begin(request: { sizeBytes: number; sha256: Uint8Array }): number {
    const current = this.upload;
    // The same model again resumes where it stopped (or is already complete).
    if (current && current.sizeBytes === request.sizeBytes && Buffer.from(current.sha256).equals(request.sha256)) return current.received;
    if (request.sizeBytes > this.model.modelCapacityBytes) {
      throw new Refusal(E.MODEL_TOO_BIG, `The model is ${request.sizeBytes} bytes but this board holds at most ${this.model.modelCapacityBytes} bytes; use a smaller or quantized model.`);
    }
    this.dropModel();
    this.upload = { ...request, data: new Uint8Array(request.sizeBytes), received: 0, hash: createHash('sha256') };
    return 0;
  }

  private async load(): Promise<m.LoadedInfo> {
    if (this.loaded) return this.loaded.info;
    const upload = this.upload;
    if (upload === undefined) throw new Refusal(E.BAD_STATE, 'MODEL_END arrived before MODEL_BEGIN; start the upload again.');
    if (!Buffer.from(upload.hash.digest()).equals(upload.sha256)) {
      this.dropModel();
      throw new Refusal(E.SHA_MISMATCH, "The model's SHA-256 does not match what MODEL_BEGIN announced; upload it again.");
    }
    try {
      this.loaded = await this.build(upload.data);
      return this.loaded.info;
    } catch (error) {
      this.dropModel();
      throw error;
    }
  }

  private async build(model: Uint8Array): Promise<Loaded> {
    let readout;
    try {
      readout = readTflite({ name: 'the uploaded model', data: model });
    } catch (error) {
      throw new Refusal(E.SCHEMA, error instanceof Error ? error.message : String(error));
    }
    if (readout.formatVersion !== 'schema 3') {
      throw new Refusal(E.SCHEMA, `The model uses TFLite ${readout.formatVersion} but this firmware reads schema 3; convert it with a current TFLite converter.`);
    }
    const missing = Object.keys(readout.ops).filter((op) => !FIRMWARE_OPS.includes(op));
    if (missing.length > 0) {
      throw new Refusal(E.UNSUPPORTED_OP, `The model uses op '${missing[0]}', which the firmware's op resolver lacks${missing.length > 1 ? ` (also ${missing.slice(1).join(', ')})` : ''}; replace it in the model or add it to main/op_resolver.cpp and reflash.`);
    }
    const arena = estimateArena(model, 'the uploaded model');
    if (arena.arenaBytes > this.model.arenaCapacityBytes) {
      throw new Refusal(E.ARENA_TOO_SMALL, `The model needs about ${formatBytes(arena.arenaBytes)} of tensor arena but the firmware's arena holds ${formatBytes(this.model.arenaCapacityBytes)}; use a smaller model, or raise kInternalArenaBytes (internal RAM) or kPsramArenaBytes (PSRAM) in main/model_settings.h and reflash.`);
    }
    const describe = (t: TensorInfo): m.DeviceTensor => {
      const shape = (t.shape ?? []).map((d) => (typeof d === 'number' ? d : 1));
      return { dtype: tfliteTypeCode(t.dtype), shape, sizeBytes: shape.reduce((a, b) => a * b, 1) * (DTYPE_BYTES[t.dtype] ?? 4) };
    };
    let invoker: LiteRtInvoker;
    try {
      invoker = await LiteRtInvoker.open(model);
    } catch (error) {
      throw new Refusal(E.SCHEMA, error instanceof Error ? error.message : String(error));
    }
    // arena_used_bytes: the planner's estimate (fit-estimate.ts), which a real board replaces with TFLM's own figure.
    const info: m.LoadedInfo = {
      arenaUsedBytes: arena.arenaBytes, arenaCapacityBytes: this.model.arenaCapacityBytes, modelBytes: model.length,
      operators: arena.operators, opKinds: Object.keys(readout.ops),
      inputs: readout.inputs.map(describe), outputs: readout.outputs.map(describe),
    };
    const opCosts = simulatedOpCosts(model, 'the uploaded model');
    return { info, invoker, inputs: info.inputs.map((t) => new Uint8Array(t.sizeBytes)), outputs: info.outputs.map((t) => new Uint8Array(t.sizeBytes)), opCosts };
  }

  /**
   * v2 PROFILE: `runs` invokes; each one's modelled device time is split over the ops by the cost
   * model (op-cost.ts) and summed per op, in microsecond ticks. Flagged simulated on every page.
   */
  private async profile(seq: number, request: { runs: number }, reply: Reply): Promise<void> {
    const loaded = this.requireLoaded('PROFILE');
    if (request.runs === 0) throw new Refusal(E.TOO_MANY_RUNS, 'PROFILE asked for 0 runs; ask for 1 to 65535.');
    const ticks = loaded.opCosts.map(() => 0);
    let done = 0;
    let lastProgress = Date.now();
    await loaded.invoker
      .invoke(loaded.inputs, request.runs, async (hostUs) => {
        done += 1;
        const deviceUs = this.deviceLatencyUs(hostUs);
        loaded.opCosts.forEach((op, i) => (ticks[i] = (ticks[i] as number) + deviceUs * op.share));
        if (Date.now() - lastProgress >= PROGRESS_EVERY_MS || done === request.runs) {
          lastProgress = Date.now();
          reply(MsgType.PROGRESS, seq, m.encodeProgress(m.ProgressPhase.PROFILED, done, request.runs));
        }
      })
      .catch((error: unknown) => {
        throw new Refusal(E.INVOKE_FAILED, `Invoke failed on the simulated board: ${error instanceof Error ? error.message : String(error)}`);
      });
    const ops = loaded.opCosts.map((op, i) => ({ index: op.index, name: op.name, ticks: Math.round(ticks[i] as number) }));
    for (const page of m.opProfilePages(ops, this.model.maxChunkBytes)) {
      reply(MsgType.OP_PROFILE, seq, m.encodeOpProfile({ simulated: true, ticksPerSecond: SIMULATED_TICKS_PER_SECOND, runs: request.runs, totalOps: ops.length, first: page.first, ops: page.ops }));
    }
  }

  private async run(seq: number, request: { warmup: number; runs: number }, reply: Reply): Promise<void> {
    const loaded = this.requireLoaded('RUN');
    if (request.runs === 0 || request.runs > this.model.maxRunsPerRequest) {
      throw new Refusal(E.TOO_MANY_RUNS, `RUN asked for ${request.runs} timed runs; this board takes 1 to ${this.model.maxRunsPerRequest} per RUN.`);
    }
    let lastProgress = Date.now();
    const latenciesUs: number[] = [];
    const phase = async (code: number, count: number, keep: boolean): Promise<void> => {
      let done = 0;
      const outputs = await loaded.invoker
        .invoke(loaded.inputs, count, async (hostUs) => {
          done += 1;
          if (keep) latenciesUs.push(this.deviceLatencyUs(hostUs));
          if (Date.now() - lastProgress >= PROGRESS_EVERY_MS || done === count) {
            lastProgress = Date.now();
            reply(MsgType.PROGRESS, seq, m.encodeProgress(code, done, count));
          }
        })
        .catch((error: unknown) => {
          throw new Refusal(E.INVOKE_FAILED, `Invoke failed on the simulated board: ${error instanceof Error ? error.message : String(error)}`);
        });
      if (outputs.length > 0) loaded.outputs = outputs;
    };
    if (request.warmup > 0) await phase(0, request.warmup, false);
    await phase(1, request.runs, true);
    const freeHeapBytes = this.freeHeapBytes(loaded);
    // A RESULT page fills one frame (as device.cpp pages).
    const pageSize = m.resultLatenciesPerPage(this.model.maxChunkBytes);
    for (let first = 0; first < latenciesUs.length; first += pageSize) {
      const page = latenciesUs.slice(first, first + pageSize);
      reply(MsgType.RESULT, seq, m.encodeResult({ simulated: true, totalRuns: latenciesUs.length, first, freeHeapBytes, minFreeHeapBytes: freeHeapBytes - 3 * 1024, latenciesUs: page }));
    }
  }

  /** Host time × slowdown × (1 + jitter · N(0,1)), never below 1 µs. */
  private deviceLatencyUs(hostUs: number): number {
    const gaussian = Math.sqrt(-2 * Math.log(1 - this.random())) * Math.cos(2 * Math.PI * this.random());
    return Math.max(1, Math.round(hostUs * this.model.slowdown * (1 + this.model.jitterFraction * gaussian)));
  }

  /** A model of the firmware's heap: the arena in internal RAM, the model in PSRAM when there is one. */
  private freeHeapBytes(loaded: Loaded): number {
    const modelInHeap = this.model.psramBytes === 0 ? loaded.info.modelBytes : 0;
    return Math.max(0, this.model.heapBytes - loaded.info.arenaUsedBytes - modelInHeap);
  }

  private requireLoaded(before: string): Loaded {
    if (!this.loaded) throw new Refusal(E.NO_MODEL, `No model is loaded; upload one before ${before}.`);
    return this.loaded;
  }

  private dropModel(): void {
    this.loaded?.invoker.release();
    this.loaded = undefined;
    this.upload = undefined;
  }
}

/** Serves a fresh simulated board on `stream` (e.g. process stdio under socat, or a pty's streams). */
export function serveSimulatedBoard(stream: ByteStream, model: Partial<DeviceModel> = {}, options: { bootLog?: string } = {}): SimulatedBoard {
  const board = new SimulatedBoard(model);
  board.serve(stream, options);
  return board;
}

function tfliteTypeCode(dtype: string): number {
  for (let code = 0; code < 32; code += 1) if (tensorTypeName(code) === dtype) return code;
  return 255;
}

