/**
 * Host side of MLPerf Tiny's DUT protocol (EEMBC's "ee" monitor in mlcommons/tiny,
 * benchmark/api/internally_implemented.cpp): a command is ASCII ending in '%', the board answers
 * lines ending in CRLF and closes every answer with "m-ready"; errors are "e-[...]" lines.
 * One command at a time, every wait bounded, boot noise skipped.
 */
import { StudioError, detailOf } from '../../../../shared/errors';
import type { SerialTransport } from '../serial-transport';
import { cleanLine, deviceErrorText, isReadyLine, LineBuffer } from './line-buffer';
import { findResults, parseInferReply, type InferReply } from './replies';

export interface DutIdentity {
  /** The bracketed name of "m-name-dut-[NAME]" (TH_VENDOR_NAME_STRING; the reference firmware says "unspecified"). */
  name: string;
  /** The word before it, "dut" on a device under test. */
  role: string;
  /** "ULPMark for tinyML Firmware V0.0.1" from "m-profile-[...]". */
  profile: string;
  /** The benchmark model the firmware carries: "ic01", "kws01", "vww01", "ad01"; "unknown" if unsaid. */
  model: string;
}

export type DutLineRole = 'boot' | 'reply' | 'noise';

export interface MlperfTinyClientOptions {
  /** Names the port in messages and error context; the transport's description by default. */
  port?: string;
  /** Bound on a short command's answer. Default 5000. */
  commandTimeoutMs?: number;
  /** Longest wait for a boot banner after connecting. Default 3000. */
  bootWaitMs?: number;
  /** A board that says nothing for this long has finished booting (or was already running). Default 300. */
  quietMs?: number;
  /**
   * Input bytes per "db HEX%" command. The firmware's command buffer holds 80 characters
   * (EE_CMD_SIZE), so "db " + 2 × 31 hex digits fits; the reference runner sends 31.
   */
  hexBytesPerCommand?: number;
  /** Every line the board prints, with what the client made of it. */
  onLine?: (line: string, role: DutLineRole) => void;
}

interface Pending {
  command: string;
  lines: string[];
  resolve(lines: string[]): void;
  reject(error: Error): void;
}

const IDENTIFY_ATTEMPTS = 3;

export class MlperfTinyClient {
  readonly port: string;
  private readonly buffer = new LineBuffer();
  private readonly options: Required<Omit<MlperfTinyClientOptions, 'onLine' | 'port'>> & Pick<MlperfTinyClientOptions, 'onLine'>;
  private pending: Pending | undefined;
  private activity: ((lines: string[]) => void) | undefined;
  private closedError: Error | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly unsubscribe: Array<() => void> = [];
  private identified: DutIdentity | undefined;

  private constructor(
    private readonly transport: SerialTransport,
    options: MlperfTinyClientOptions,
  ) {
    this.port = options.port ?? transport.description;
    this.options = {
      commandTimeoutMs: options.commandTimeoutMs ?? 5000,
      bootWaitMs: options.bootWaitMs ?? 3000,
      quietMs: options.quietMs ?? 300,
      hexBytesPerCommand: options.hexBytesPerCommand ?? 31,
      onLine: options.onLine,
    };
    this.unsubscribe.push(transport.onData((bytes) => this.receive(bytes)));
    this.unsubscribe.push(
      transport.onClose((error) => {
        this.closedError =
          error ??
          new StudioError('TARGET', `The serial port ${this.port} was closed while the MLPerf Tiny board was in use.`, { port: this.port }, { detail: { kind: 'port-closed', port: this.port } });
        this.pending?.reject(this.closedError);
        this.pending = undefined;
      }),
    );
  }

  /** Waits out the boot log (bounded), then identifies the board. */
  static async connect(transport: SerialTransport, options: MlperfTinyClientOptions = {}): Promise<MlperfTinyClient> {
    const client = new MlperfTinyClient(transport, options);
    try {
      await client.waitForBoot();
      await client.identify();
    } catch (error) {
      client.dispose();
      throw error;
    }
    return client;
  }

  get identity(): DutIdentity | undefined {
    return this.identified;
  }

  /** Stops listening to the transport; the caller closes the transport. */
  dispose(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    this.pending?.reject(new StudioError('CANCELLED', `The MLPerf Tiny client on ${this.port} was closed.`, { port: this.port }));
    this.pending = undefined;
  }

  private receive(bytes: Uint8Array): void {
    const lines = this.buffer.push(bytes);
    this.activity?.(lines);
    for (const line of lines) {
      const pending = this.pending;
      if (!pending) {
        this.options.onLine?.(line, this.activity ? 'boot' : 'noise');
        continue;
      }
      this.options.onLine?.(line, 'reply');
      if (line.trim() !== '') pending.lines.push(cleanLine(line));
      if (isReadyLine(line)) {
        this.pending = undefined;
        pending.resolve(pending.lines);
      }
    }
  }

  private waitForBoot(): Promise<void> {
    const { bootWaitMs, quietMs } = this.options;
    return new Promise<void>((resolve, reject) => {
      if (this.closedError) return reject(this.closedError);
      const timers: { quiet?: NodeJS.Timeout; deadline?: NodeJS.Timeout } = {};
      const finish = (error?: Error): void => {
        clearTimeout(timers.quiet);
        clearTimeout(timers.deadline);
        offClose();
        this.activity = undefined;
        if (error) reject(error);
        else resolve();
      };
      const offClose = this.transport.onClose((error) => finish(error ?? this.closedError));
      timers.quiet = setTimeout(finish, quietMs);
      timers.deadline = setTimeout(finish, bootWaitMs);
      // The banner ends in m-ready (ee_benchmark_initialize); anything else restarts the quiet timer.
      this.activity = (lines) => {
        clearTimeout(timers.quiet);
        if (lines.some(isReadyLine)) finish();
        else timers.quiet = setTimeout(finish, quietMs);
      };
    });
  }

  /** Sends `text%` and returns the answer's lines (m-ready included); an "e-[...]" line becomes a StudioError. */
  command(text: string, timeoutMs = this.options.commandTimeoutMs): Promise<string[]> {
    const run = this.queue.then(() => this.send(text, timeoutMs));
    this.queue = run.catch(() => undefined);
    return run.then((lines) => {
      // The boot banner inside an answer: the board restarted (brown-out, watchdog, crash) mid-command.
      if (text !== 'name' && lines.some((line) => line.endsWith('m-init-done'))) {
        throw new StudioError(
          'DEVICE',
          `The board on ${this.port} restarted while answering '${text}%' (it printed its boot banner): check its power supply and that the model fits its memory, then run again.`,
          { port: this.port, command: text },
          { detail: { kind: 'board-reset', port: this.port, command: text } },
        );
      }
      const refusal = lines.map(deviceErrorText).find((e) => e !== undefined);
      if (refusal !== undefined) {
        throw new StudioError(
          'DEVICE',
          `The board on ${this.port} refused '${text}%' ("${refusal}"): check that its firmware matches the model and its input size, then run again.`,
          { port: this.port, command: text },
          { detail: { kind: 'device-error', port: this.port, command: text, refusal } },
        );
      }
      return lines;
    });
  }

  private send(text: string, timeoutMs: number): Promise<string[]> {
    if (this.closedError) return Promise.reject(this.closedError);
    const dropped = this.buffer.discardPartial();
    if (dropped) this.options.onLine?.(dropped, 'noise');
    return new Promise<string[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        const heard = this.pending?.lines.slice(-3).join(' | ');
        this.pending = undefined;
        reject(
          new StudioError(
            'DEVICE',
            `The board on ${this.port} did not finish answering '${text}%' within ${timeoutMs / 1000} s${heard ? ` (it said "${heard}")` : ''}: check the baud rate and that it runs MLPerf Tiny benchmark firmware.`,
            { port: this.port, command: text },
            { detail: { kind: 'no-answer', port: this.port, command: text, ...(heard && { heard }) } },
          ),
        );
      }, timeoutMs);
      this.pending = {
        command: text,
        lines: [],
        resolve: (lines) => {
          clearTimeout(timer);
          resolve(lines);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.transport.write(new TextEncoder().encode(`${text}%`)).catch((error: unknown) => {
        this.pending?.reject(error instanceof Error ? error : new Error(String(error)));
        this.pending = undefined;
      });
    });
  }

  /** name% and profile% (retried like the reference runner: a command sent while the board boots is lost). */
  async identify(): Promise<DutIdentity> {
    let name: { role: string; name: string } | undefined;
    let heard = '';
    let lastError: StudioError | undefined;
    for (let attempt = 0; attempt < IDENTIFY_ATTEMPTS && !name; attempt++) {
      try {
        const lines = await this.command('name');
        heard = lines.join(' | ');
        for (const line of lines) {
          const match = /m-name-([A-Za-z0-9_]+)-\[([^\]]*)\]/.exec(line);
          if (match) name = { role: match[1] ?? 'dut', name: match[2] ?? '' };
        }
      } catch (error) {
        const detail = error instanceof StudioError ? detailOf(error) : undefined;
        if (detail?.kind !== 'no-answer') throw error;
        lastError = error as StudioError;
        heard = detail.heard ?? heard;
      }
    }
    if (!name) {
      const said = heard ? `answered 'name%' with "${heard}" instead of an m-name line` : `did not answer 'name%' within ${this.options.commandTimeoutMs / 1000} s`;
      // A board that printed lines but never m-ready is not speaking the DUT protocol (or not at this baud rate).
      throw new StudioError(
        'DEVICE',
        `The device on ${this.port} ${said}: check the baud rate and that the board runs MLPerf Tiny benchmark firmware.`,
        { port: this.port },
        { detail: { kind: 'not-mlperf-tiny', port: this.port, ...(lastError && { reason: lastError.message }) } },
      );
    }
    const profileLines = await this.command('profile');
    const field = (key: string): string | undefined =>
      profileLines.map((line) => new RegExp(`m-${key}-\\[([^\\]]*)\\]`).exec(line)?.[1]).find((v) => v !== undefined);
    this.identified = { name: name.name, role: name.role, profile: field('profile') ?? 'unknown', model: field('model') ?? 'unknown' };
    return this.identified;
  }

  /** "db load N%" then "db HEX%" chunks; checks the board expects N bytes and reports m-load-done. */
  async loadInput(bytes: Uint8Array): Promise<void> {
    if (bytes.length === 0) throw new StudioError('BAD_INPUT', `An MLPerf Tiny board needs at least one input byte; the input given to ${this.port} is empty.`, { port: this.port });
    const loadLines = await this.command(`db load ${bytes.length}`);
    if (!loadLines.some((line) => line.includes(`Expecting ${bytes.length} bytes`))) {
      const max = loadLines.map((line) => /exceeds maximum of (\d+)/.exec(line)?.[1]).find((v) => v !== undefined);
      throw new StudioError(
        'BAD_INPUT',
        max
          ? `The board on ${this.port} takes at most ${max} input bytes but this model's input is ${bytes.length} bytes: use the model the firmware was built for.`
          : `The board on ${this.port} did not accept a ${bytes.length}-byte input (it said "${loadLines.join(' | ')}"): check that its firmware matches the model.`,
        { port: this.port },
        { detail: { kind: 'input-size', port: this.port, inputBytes: bytes.length, ...(max && { maxBytes: Number(max) }) } },
      );
    }
    const step = this.options.hexBytesPerCommand;
    let lastLines: string[] = [];
    for (let offset = 0; offset < bytes.length; offset += step) {
      const hex = Array.from(bytes.subarray(offset, offset + step), (b) => b.toString(16).padStart(2, '0')).join('');
      lastLines = await this.command(`db ${hex}`);
    }
    if (!lastLines.some((line) => line.includes('m-load-done'))) {
      throw new StudioError(
        'DEVICE',
        `The board on ${this.port} took ${bytes.length} input bytes without saying m-load-done: reset the board and run again.`,
        { port: this.port },
        { detail: { kind: 'load-incomplete', port: this.port } },
      );
    }
  }

  /** "infer N W%": the board's own lap timestamps and the last inference's outputs. */
  async infer(inferences: number, warmups: number, timeoutMs = this.options.commandTimeoutMs): Promise<InferReply> {
    const lines = await this.command(`infer ${inferences} ${warmups}`, timeoutMs);
    return parseInferReply(lines, inferences, warmups, this.port);
  }

  /** "results%": the output vector of the last inference. */
  async results(): Promise<number[]> {
    const lines = await this.command('results');
    const scores = findResults(lines, this.port);
    if (scores === undefined) {
      throw new StudioError('DEVICE', `The board on ${this.port} answered 'results%' without an m-results line: check that it runs MLPerf Tiny benchmark firmware.`, { port: this.port });
    }
    return scores;
  }
}
