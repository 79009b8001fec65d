/**
 * EMULATOR, not a board: a TypeScript stand-in for a device running MLPerf Tiny benchmark
 * firmware, for tests and demos. It follows the reference monitor in mlcommons/tiny
 * (benchmark/api/internally_implemented.cpp): the boot banner, the 80-character command buffer,
 * name / profile / timestamp / db load / db HEX / db print / infer / results, "e-[...]" errors,
 * "m-ready" after every answer. Its microsecond clock is virtual: an inference advances it by the
 * configured latency, so a 10 s window of device time can take no wall time at all.
 */
import type { SerialTransport } from '../serial-transport';

export type ByteStream = Pick<SerialTransport, 'write' | 'onData'>;

export interface MlperfTinyEmulatorOptions {
  /** The bracketed part of "m-name-dut-[...]". Default "edgebench-emulator". */
  vendorName?: string;
  /** EE_FW_VERSION. */
  firmwareVersion?: string;
  /** TH_MODEL_VERSION: "ic01", "kws01", "vww01", "ad01". Default "ic01". */
  model?: string;
  /** Device time of one inference, in µs, or a function of the inference's running number. Default 1000. */
  latencyUs?: number | ((inferenceIndex: number) => number);
  /** Wall milliseconds spent per device millisecond (0: answer at once). Default 0. */
  realTimeScale?: number;
  /** Printed before the banner on every boot: a ROM log, garbage at another baud rate. */
  bootNoise?: string | Uint8Array;
  /** The clock's value at boot, in µs (set near 2^32 to test the wrap). Default 0. */
  clockStartUs?: number;
  /** MAX_DB_INPUT_SIZE. Default 96 × 96 × 3 (the reference firmware's). */
  maxInputBytes?: number;
  /** The output vector for an input. Default: 10 classes, the one of (sum of bytes mod 10) scores 0.9. */
  scores?: (input: Uint8Array) => number[];
  /** Commands answered with "e-[TEXT]" instead of running: { infer: 'Model not loaded' }. */
  errors?: Record<string, string>;
}

/** EE_CMD_SIZE: characters past it never reach the parser. */
const COMMAND_CHARS = 80;
const TIMER_WRAP_US = 2 ** 32;

function defaultScores(input: Uint8Array): number[] {
  const winner = input.reduce((sum, b) => sum + b, 0) % 10;
  return Array.from({ length: 10 }, (_, i) => (i === winner ? 0.9 : 0.1 / 9));
}

export class MlperfTinyEmulator {
  /** Every command the emulator parsed, in order (without '%'). */
  readonly commands: string[] = [];
  private readonly options: MlperfTinyEmulatorOptions;
  private readonly stream: ByteStream;
  private commandBuffer = '';
  private parserEnabled = false;
  private clockUs: number;
  private inferenceCount = 0;
  private input = new Uint8Array(0);
  private inputPos = 0;
  private inputSize = 0;
  private lastScores: number[] = [];
  private work: Promise<void> = Promise.resolve();
  private readonly off: () => void;

  constructor(stream: ByteStream, options: MlperfTinyEmulatorOptions = {}) {
    this.stream = stream;
    this.options = options;
    this.clockUs = options.clockStartUs ?? 0;
    this.off = stream.onData((bytes) => this.receive(bytes));
  }

  /** Prints the boot noise and the banner, then accepts commands (ee_benchmark_initialize). */
  boot(): Promise<void> {
    this.parserEnabled = false;
    this.commandBuffer = '';
    this.clockUs = this.options.clockStartUs ?? 0;
    const noise = this.options.bootNoise;
    return this.enqueue(async () => {
      if (noise !== undefined) await this.stream.write(typeof noise === 'string' ? new TextEncoder().encode(noise) : noise);
      await this.print('m-timestamp-mode-performance', `m-lap-us-${this.stamp()}`, 'm-init-done');
      this.parserEnabled = true;
      await this.print('m-ready');
    });
  }

  /** Stops listening; the stream stays open. */
  stop(): void {
    this.off();
  }

  private stamp(): number {
    return Math.floor(this.clockUs) % TIMER_WRAP_US;
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    this.work = this.work.then(task).catch(() => undefined);
    return this.work;
  }

  private print(...lines: string[]): Promise<void> {
    return this.stream.write(new TextEncoder().encode(lines.map((l) => `${l}\r\n`).join('')));
  }

  private receive(bytes: Uint8Array): void {
    for (const byte of bytes) {
      const char = String.fromCharCode(byte);
      if (char === '%') {
        const command = this.commandBuffer;
        this.commandBuffer = '';
        // Like th_command_ready before the parser is enabled: the command is dropped unanswered.
        if (this.parserEnabled) void this.enqueue(() => this.dispatch(command));
      } else if (this.commandBuffer.length < COMMAND_CHARS) {
        this.commandBuffer += char;
      }
    }
  }

  private async dispatch(command: string): Promise<void> {
    this.commands.push(command);
    const [name = '', ...args] = command.split(' ').filter((t) => t !== '');
    const injected = this.options.errors?.[name];
    if (injected !== undefined) await this.print(`e-[${injected}]`);
    else if (name === 'name') await this.print(`m-name-dut-[${this.options.vendorName ?? 'edgebench-emulator'}]`);
    else if (name === 'timestamp') await this.print(`m-lap-us-${this.stamp()}`);
    else if (name === 'profile') await this.print(`m-profile-[${this.options.firmwareVersion ?? 'ULPMark for tinyML Firmware V0.0.1'}]`, `m-model-[${this.options.model ?? 'ic01'}]`);
    else if (name === 'help') await this.print(this.options.firmwareVersion ?? 'ULPMark for tinyML Firmware V0.0.1', '', 'help name timestamp db infer results');
    else if (name === 'db') await this.db(args);
    else if (name === 'infer') await this.infer(args);
    else if (name === 'results') await this.printResults();
    else await this.print(`e-[Unknown command: ${name}]`);
    await this.print('m-ready');
  }

  private async db(args: string[]): Promise<void> {
    const [sub, value] = args;
    if (sub === undefined) return this.print(`e-[Command 'db' requires a subcommand]`);
    if (sub === 'load') {
      if (value === undefined) return this.print(`e-[Command 'db load' requires the # of bytes]`);
      const size = Number.parseInt(value, 10) || 0;
      if (size <= 0) return this.print(`e-[Command 'db load' must be >0 bytes]`);
      const max = this.options.maxInputBytes ?? 96 * 96 * 3;
      // The reference prints this one without the e- prefix.
      if (size > max) return this.print(`Supplied buffer size ${size} exceeds maximum of ${max}`);
      this.inputSize = size;
      this.inputPos = 0;
      this.input = new Uint8Array(size);
      return this.print(`m-[Expecting ${size} bytes]`);
    }
    if (sub === 'print') {
      const lines: string[] = [];
      for (let i = 0; i < this.inputSize; i += 8) {
        lines.push(`m-buffer-${Array.from(this.input.subarray(i, i + 8), (b) => b.toString(16).padStart(2, '0')).join('-')}`);
      }
      return this.print(...lines);
    }
    if (sub.length % 2 !== 0) return this.print('e-[Insufficent number of hex digits]');
    for (let i = 0; i < sub.length; i += 2) {
      const pair = sub.slice(i, i + 2);
      if (!/^[0-9a-fA-F]{2}$/.test(pair)) return this.print(`e-[Invalid hex digit '${pair}']`);
      // Past the loaded size the reference would overrun its buffer; the emulator refuses instead.
      if (this.inputPos >= this.inputSize) return this.print(`e-[Command 'db' needs 'db load N' first]`);
      this.input[this.inputPos++] = Number.parseInt(pair, 16);
      if (this.inputPos === this.inputSize) return this.print('m-load-done');
    }
  }

  private async runInferences(count: number): Promise<void> {
    let deviceUs = 0;
    for (let i = 0; i < count; i++) {
      const latency = this.options.latencyUs ?? 1000;
      deviceUs += typeof latency === 'function' ? latency(this.inferenceCount) : latency;
      this.inferenceCount++;
    }
    this.clockUs += deviceUs;
    const scale = this.options.realTimeScale ?? 0;
    if (scale > 0) await new Promise((resolve) => setTimeout(resolve, (deviceUs / 1000) * scale));
    this.lastScores = (this.options.scores ?? defaultScores)(this.input.subarray(0, this.inputPos));
  }

  private async infer(args: string[]): Promise<void> {
    let n = 1;
    let warmups = 10;
    if (args[0] !== undefined) {
      n = Number.parseInt(args[0], 10) || 0;
      if (n <= 0) return this.print('e-[Inference iterations must be >0]');
      if (args[1] !== undefined) {
        warmups = Number.parseInt(args[1], 10) || 0;
        if (warmups < 0) return this.print('e-[Inference warmup must be >=0]');
      }
    }
    await this.print(`m-warmup-start-${warmups}`);
    await this.runInferences(warmups);
    await this.print('m-warmup-done', `m-infer-start-${n}`, `m-lap-us-${this.stamp()}`);
    await this.runInferences(n);
    await this.print(`m-lap-us-${this.stamp()}`, 'm-infer-done');
    await this.printResults();
  }

  private printResults(): Promise<void> {
    return this.print(`m-results-[${this.lastScores.map((s) => s.toFixed(3)).join(',')}]`);
  }
}
