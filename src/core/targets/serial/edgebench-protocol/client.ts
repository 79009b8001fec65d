/**
 * The host side of the EdgeBench serial protocol: handshake, model upload with retry and
 * resume, inputs, timed runs and outputs. Stop-and-wait: one request in flight, each reply
 * matched by seq. Idempotent requests (all but RUN) are resent after a timeout, a NAK for a
 * damaged frame, or a damaged reply.
 */
import { createHash } from 'node:crypto';
import { StudioError, type ErrorCode, type ErrorDetail } from '../../../../shared/errors';
import type { SerialTransport } from '../serial-transport';
import { isSupportedVersion, MsgType, PROTOCOL_VERSION, SUPPORTED_VERSIONS, UNKNOWN_SEQ, type Frame } from './frame';
import { FrameLink } from './frame-link';
import * as m from './messages';

export interface DeviceClientOptions {
  /** Silence after a request before it is resent. */
  replyTimeoutMs?: number;
  /** Tries per idempotent request, the first included. */
  attempts?: number;
  /** Longest silence during RUN (the board sends PROGRESS at least every 250 ms). */
  runSilenceMs?: number;
  /** Boot log, LOG frames and other non-frame bytes, as they arrive. */
  onLog?: (text: string) => void;
  /** One line per frame sent or received (the verbose Rx/Tx log). */
  onTraffic?: (line: string) => void;
  /** The board refused the offered protocol version and the host falls back to an older one. */
  onVersionFallback?: (refused: number, next: number) => void;
}

export interface UploadProgress {
  sentBytes: number;
  totalBytes: number;
}

export interface UploadResult {
  loaded: m.LoadedInfo;
  /** Bytes the board already had from an earlier, interrupted upload of the same model. */
  resumedFromBytes: number;
  /** Chunks sent again after a NAK, a damaged frame or a timeout. */
  resentChunks: number;
}

/** A v2 board's per-op profile over `runs` invokes (TFLM's profiler hooks on hardware; the device model on the simulated board). */
export interface DeviceOpProfile {
  runs: number;
  ticksPerSecond: number;
  simulated: boolean;
  /** In invoke order; ticks summed over the runs. */
  ops: m.OpTicks[];
}

export interface DeviceRunResult {
  latenciesUs: number[];
  freeHeapBytes: number;
  minFreeHeapBytes: number;
  simulated: boolean;
}

type Step<T> = { done: T } | 'wait';

export class EdgebenchDeviceClient {
  private readonly link: FrameLink;
  private readonly replyTimeoutMs: number;
  private readonly attempts: number;
  private readonly runSilenceMs: number;
  private readonly onVersionFallback: ((refused: number, next: number) => void) | undefined;
  private seq = 0;
  private busy: Promise<unknown> = Promise.resolve();
  private resent = 0;
  /** The version frames are sent in: the newest until HELLO settles it, then the one the board agreed to. */
  private version = PROTOCOL_VERSION;
  facts: m.DeviceFacts | undefined;

  constructor(readonly transport: SerialTransport, options: DeviceClientOptions = {}) {
    this.link = new FrameLink(transport, options.onLog, options.onTraffic);
    this.replyTimeoutMs = options.replyTimeoutMs ?? 2000;
    this.attempts = options.attempts ?? 5;
    this.runSilenceMs = options.runSilenceMs ?? 10_000;
    this.onVersionFallback = options.onVersionFallback;
  }

  get deviceLog(): string {
    return this.link.deviceLog;
  }

  /** HELLO → HELLO_ACK: the board's facts, in the newest protocol version both sides speak. */
  hello(signal?: AbortSignal): Promise<m.DeviceFacts> {
    return this.serial(() => {
      this.facts = undefined;
      return this.requireFacts(signal);
    });
  }

  /** Uploads a .tflite model; an interrupted upload of the same bytes resumes where the board stopped. */
  uploadModel(model: Uint8Array, options: { onProgress?: (p: UploadProgress) => void; signal?: AbortSignal } = {}): Promise<UploadResult> {
    return this.serial(async () => {
      const facts = await this.requireFacts(options.signal);
      const sha256 = new Uint8Array(createHash('sha256').update(model).digest());
      this.resent = 0;
      let from = await this.exchange('MODEL_BEGIN', m.encodeModelBegin(model.length, sha256), options.signal, ackedOffset);
      const resumedFromBytes = from;
      for (;;) {
        await this.sendChunks(model, from, facts.maxChunkBytes, options);
        const end = await this.exchange('MODEL_END', new Uint8Array(0), options.signal, (f): Step<m.LoadedInfo | number> => {
          if (f.type === MsgType.LOADED) return { done: m.decodeLoaded(f.payload) };
          return ackedOffset(f);
        });
        if (typeof end !== 'number') return { loaded: end, resumedFromBytes, resentChunks: this.resent };
        // The board is missing bytes from `end` on (it restarted its upload): send them again.
        from = end;
      }
    });
  }

  /** Writes one input tensor's raw bytes (in the model's dtype and layout). */
  setInput(index: number, data: Uint8Array, signal?: AbortSignal): Promise<void> {
    return this.serial(async () => {
      const { maxChunkBytes } = await this.requireFacts(signal);
      let offset = 0;
      do {
        offset = await this.exchange('INPUT', m.encodeInput(index, offset, data.subarray(offset, offset + maxChunkBytes)), signal, ackedOffset);
      } while (offset < data.length);
    });
  }

  /** W warmups then N timed invokes; longer runs than the board keeps are split into several RUNs. */
  run(request: { warmup: number; runs: number }, options: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal } = {}): Promise<DeviceRunResult> {
    return this.serial(async () => {
      const facts = await this.requireFacts(options.signal);
      const result: DeviceRunResult = { latenciesUs: [], freeHeapBytes: 0, minFreeHeapBytes: Number.MAX_SAFE_INTEGER, simulated: facts.simulated };
      while (result.latenciesUs.length < request.runs) {
        const before = result.latenciesUs.length;
        const runs = Math.min(facts.maxRunsPerRequest, request.runs - before);
        const warmup = before === 0 ? request.warmup : 0;
        const pages: number[][] = [];
        let received = 0;
        await this.exchange('RUN', m.encodeRun(warmup, runs), options.signal, (f): Step<true> => {
          if (f.type === MsgType.PROGRESS) {
            const progress = m.decodeProgress(f.payload);
            if (progress.phase === 'timed') options.onProgress?.(before + progress.done, request.runs);
            return 'wait';
          }
          if (f.type !== MsgType.RESULT) return 'wait';
          const page = m.decodeResult(f.payload);
          pages[page.first] = page.latenciesUs;
          received += page.latenciesUs.length;
          result.freeHeapBytes = page.freeHeapBytes;
          result.minFreeHeapBytes = Math.min(result.minFreeHeapBytes, page.minFreeHeapBytes);
          result.simulated ||= page.simulated;
          return received >= page.totalRuns ? { done: true } : 'wait';
        }, { retryable: false, timeoutMs: this.runSilenceMs });
        for (const page of pages) if (page) result.latenciesUs.push(...page);
      }
      return result;
    });
  }

  /** The board reports per-op time (protocol v2); a v1 board reports the arena and latencies only. */
  get hasOpProfiler(): boolean {
    return (this.facts?.protocolVersion ?? 1) >= 2;
  }

  /**
   * v2: `runs` invokes with the per-op profiler on (apart from the timed RUNs, so their latencies
   * carry no profiling cost), returned as ticks per op summed over the runs.
   */
  profile(runs: number, options: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal } = {}): Promise<DeviceOpProfile> {
    return this.serial(async () => {
      const facts = await this.requireFacts(options.signal);
      if (facts.protocolVersion < 2) {
        throw this.error('DEVICE', `The board on ${this.transport.description} speaks EdgeBench protocol version ${facts.protocolVersion}, which has no per-op profile; reflash the firmware from resources/firmware/esp32-tflm for version 2.`);
      }
      const count = Math.max(1, Math.min(0xffff, Math.round(runs)));
      const pages: m.OpTicks[][] = [];
      let received = 0;
      let header: Omit<m.OpProfilePage, 'ops' | 'first'> | undefined;
      await this.exchange('PROFILE', m.encodeProfile(count), options.signal, (f): Step<true> => {
        if (f.type === MsgType.PROGRESS) {
          const progress = m.decodeProgress(f.payload);
          if (progress.phase === 'profiled') options.onProgress?.(progress.done, progress.total);
          return 'wait';
        }
        if (f.type !== MsgType.OP_PROFILE) return 'wait';
        const page = m.decodeOpProfile(f.payload);
        if (pages[page.first] === undefined) received += page.ops.length;
        pages[page.first] = page.ops;
        header = { simulated: page.simulated, ticksPerSecond: page.ticksPerSecond, runs: page.runs, totalOps: page.totalOps };
        return received >= page.totalOps ? { done: true } : 'wait';
      }, { retryable: false, timeoutMs: this.runSilenceMs });
      if (header === undefined || header.ticksPerSecond <= 0) {
        throw this.error('DEVICE', `The board on ${this.transport.description} sent a per-op profile without a tick rate; its firmware is out of step with the studio.`);
      }
      return { runs: header.runs, ticksPerSecond: header.ticksPerSecond, simulated: header.simulated || facts.simulated, ops: pages.flatMap((page) => page ?? []) };
    });
  }

  /** One output tensor's raw bytes, read in chunks. */
  readOutput(index: number, signal?: AbortSignal): Promise<Uint8Array> {
    return this.serial(async () => {
      const { maxChunkBytes } = await this.requireFacts(signal);
      const parts: Uint8Array[] = [];
      let offset = 0;
      let total = 1;
      while (offset < total) {
        const page = await this.exchange('READ_OUTPUT', m.encodeReadOutput(index, offset, maxChunkBytes), signal, (f) =>
          f.type === MsgType.OUTPUT ? { done: m.decodeOutput(f.payload) } : 'wait',
        );
        total = page.total;
        if (page.offset !== offset || (page.data.length === 0 && offset < total)) {
          throw this.error('DEVICE', `The board on ${this.transport.description} answered READ_OUTPUT at offset ${offset} with offset ${page.offset} and ${page.data.length} bytes; its firmware is out of step with the studio.`);
        }
        parts.push(page.data);
        offset += page.data.length;
      }
      // A plain Uint8Array of its own buffer, so callers can view it as a typed array of the output's dtype.
      const bytes = new Uint8Array(offset);
      let at = 0;
      for (const part of parts) {
        bytes.set(part, at);
        at += part.length;
      }
      return bytes;
    });
  }

  async close(): Promise<void> {
    this.link.dispose();
    await this.transport.close();
  }

  private async sendChunks(model: Uint8Array, from: number, chunkBytes: number, options: { onProgress?: (p: UploadProgress) => void; signal?: AbortSignal }): Promise<void> {
    let offset = from;
    let stalled = 0;
    options.onProgress?.({ sentBytes: offset, totalBytes: model.length });
    while (offset < model.length) {
      const piece = model.subarray(offset, offset + chunkBytes);
      const next = await this.exchange('MODEL_CHUNK', m.encodeModelChunk(offset, piece), options.signal, ackedOffset);
      if (next > model.length) throw this.error('DEVICE', `The board on ${this.transport.description} acknowledged offset ${next} of a ${model.length}-byte model; its firmware is out of step with the studio.`);
      if (next !== offset + piece.length) {
        this.resent += 1;
        stalled = next > offset ? 0 : stalled + 1;
        if (stalled >= this.attempts) throw this.error('DEVICE', `The board on ${this.transport.description} kept asking for offset ${next} of the model; reconnect and upload again.`);
      }
      offset = next;
      options.onProgress?.({ sentBytes: offset, totalBytes: model.length });
    }
  }

  /**
   * Sends a request and feeds its replies to `step` until it is done. Replies with another seq are
   * stale and skipped; ERROR becomes a StudioError with the board's own sentence.
   */
  private async exchange<T>(
    name: keyof typeof MsgType,
    payload: Uint8Array,
    signal: AbortSignal | undefined,
    step: (frame: Frame) => Step<T>,
    options: { retryable?: boolean; timeoutMs?: number } = {},
  ): Promise<T> {
    const retryable = options.retryable ?? true;
    const timeoutMs = options.timeoutMs ?? this.replyTimeoutMs;
    const attempts = retryable ? this.attempts : 1;
    let lastProblem = 'no reply';
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      if (attempt > 1) this.resent += name === 'MODEL_CHUNK' ? 1 : 0;
      this.seq = (this.seq + 1) % UNKNOWN_SEQ;
      const seq = this.seq;
      this.link.discardPending();
      await this.link.send(MsgType[name], seq, payload, this.version);
      for (;;) {
        const arrival = await this.link.next(timeoutMs, `the reply to ${name}`, signal);
        if (arrival === null) {
          lastProblem = `no reply within ${timeoutMs} ms`;
          break;
        }
        if (arrival.kind === 'corrupt') {
          lastProblem = `a damaged reply (${arrival.reason})`;
          if (retryable) break;
          continue;
        }
        const { frame } = arrival;
        if (frame.type === MsgType.NAK && frame.seq === UNKNOWN_SEQ) {
          lastProblem = 'the board received a damaged frame';
          if (retryable) break;
          continue;
        }
        if (frame.seq !== seq) continue;
        if (frame.type === MsgType.ERROR) throw this.deviceError(m.decodeError(frame.payload));
        const result = step(frame);
        if (result !== 'wait') return result.done;
      }
    }
    const hint = this.link.deviceLog.trim() === '' ? '' : ` It printed: "${this.link.deviceLog.trim().slice(-200)}".`;
    throw this.error(
      'DEVICE',
      `The board on ${this.transport.description} did not answer ${name} (${lastProblem}, ${attempts} attempt(s)). ` +
        `Check the baud rate and that it runs the EdgeBench firmware (a board with MLPerf Tiny firmware needs protocol=mlperf-tiny).${hint}`,
      { kind: 'no-answer', port: this.transport.description, command: name },
    );
  }

  /**
   * HELLO offers the newest version; a board that speaks only an older one refuses it with ERROR
   * PROTOCOL_VERSION (v1 firmware checks the header's version before anything else), and the
   * host offers the next older version, down to 1. The version agreed is used for every frame after.
   */
  private async requireFacts(signal?: AbortSignal): Promise<m.DeviceFacts> {
    if (this.facts) return this.facts;
    const offers = [...SUPPORTED_VERSIONS].sort((a, b) => b - a);
    let facts: m.DeviceFacts | undefined;
    for (const [i, offer] of offers.entries()) {
      this.version = offer;
      try {
        facts = await this.exchange('HELLO', m.encodeHello(offer), signal, (f) => (f.type === MsgType.HELLO_ACK ? { done: m.decodeHelloAck(f.payload) } : 'wait'));
        break;
      } catch (error) {
        const older = offers[i + 1];
        if (older === undefined || !(error instanceof StudioError) || error.context.deviceError !== 'PROTOCOL_VERSION') throw error;
        this.onVersionFallback?.(offer, older);
      }
    }
    if (facts === undefined || !isSupportedVersion(facts.protocolVersion) || facts.protocolVersion > this.version) {
      const spoken = facts?.protocolVersion ?? '?';
      throw this.error('DEVICE', `The board on ${this.transport.description} speaks EdgeBench protocol version ${spoken}, but the studio speaks ${SUPPORTED_VERSIONS.join(' and ')}; reflash the firmware from resources/firmware/esp32-tflm.`);
    }
    this.version = facts.protocolVersion;
    this.facts = facts;
    return facts;
  }

  /** Runs one operation at a time: the protocol has one request in flight. */
  private serial<T>(operation: () => Promise<T>): Promise<T> {
    const next = this.busy.then(operation, operation);
    this.busy = next.catch(() => undefined);
    return next;
  }

  private deviceError(error: { code: number; message: string }): StudioError {
    const name = m.deviceErrorName(error.code);
    // Refusals of the model itself are the runtime's word; the rest are the device's.
    const refusals: string[] = ['MODEL_TOO_BIG', 'SCHEMA', 'UNSUPPORTED_OP', 'ARENA_TOO_SMALL', 'INVOKE_FAILED'];
    const code: ErrorCode = refusals.includes(name) ? 'RUNTIME' : 'DEVICE';
    return new StudioError(code, `The board on ${this.transport.description} refused: ${error.message}`, { device: this.transport.description, deviceError: name });
  }

  private error(code: ErrorCode, message: string, detail?: ErrorDetail): StudioError {
    return new StudioError(code, message, { device: this.transport.description }, detail === undefined ? {} : { detail });
  }
}

/** ACK → its next offset; NAK for a wrong offset → the offset the board expects. */
function ackedOffset(frame: Frame): Step<number> {
  if (frame.type === MsgType.ACK) return { done: m.decodeAck(frame.payload) };
  if (frame.type === MsgType.NAK) return { done: m.decodeNak(frame.payload).expectedOffset };
  return 'wait';
}

