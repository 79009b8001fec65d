/**
 * The MLPerf Tiny client against the MLPerf Tiny EMULATOR, joined by an in-memory byte pair.
 * The pseudo-terminal versions of these flows live in test/integration/serial.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { runAccuracy, type LabeledSample } from '../../../src/core/targets/serial/mlperf-tiny/accuracy';
import { MlperfTinyClient, type DutLineRole } from '../../../src/core/targets/serial/mlperf-tiny/dut-client';
import { MlperfTinyEmulator, type MlperfTinyEmulatorOptions } from '../../../src/core/targets/serial/mlperf-tiny/emulator';
import { LineBuffer } from '../../../src/core/targets/serial/mlperf-tiny/line-buffer';
import { runPerformance } from '../../../src/core/targets/serial/mlperf-tiny/performance';
import { lapElapsedUs, parseInferReply } from '../../../src/core/targets/serial/mlperf-tiny/replies';
import { createMemoryPair, type MemoryPair } from '../../../src/core/targets/serial/transport/memory-pair';
import { StudioError } from '../../../src/shared/errors';

let pair: MemoryPair | undefined;
afterEach(() => pair?.cut());

async function connected(options: MlperfTinyEmulatorOptions = {}, lines: Array<[string, DutLineRole]> = []) {
  pair = createMemoryPair();
  const emulator = new MlperfTinyEmulator(pair.device, options);
  const connecting = MlperfTinyClient.connect(pair.host, { port: 'memory', quietMs: 50, onLine: (line, role) => lines.push([line, role]) });
  await emulator.boot();
  return { client: await connecting, emulator };
}

describe('the MLPerf Tiny line protocol', () => {
  test('lines end in CRLF; NUL and CR are dropped; a partial line waits for its LF', () => {
    const buffer = new LineBuffer();
    expect(buffer.push(new TextEncoder().encode('m-name-dut-[x]\r\nm-re'))).toEqual(['m-name-dut-[x]']);
    expect(buffer.push(new Uint8Array([0x61, 0x64, 0x79, 0x00, 0x0d, 0x0a]))).toEqual(['m-ready']);
  });

  test("per-inference latency comes from the board's lap timestamps, across a 32-bit timer wrap", () => {
    expect(lapElapsedUs(1_000, 51_000)).toBe(50_000);
    expect(lapElapsedUs(2 ** 32 - 10_000, 40_000)).toBe(50_000);
    const reply = parseInferReply(['m-warmup-start-5', 'm-warmup-done', 'm-infer-start-20', 'm-lap-us-100', 'm-lap-us-20100', 'm-infer-done', 'm-results-[0.1,0.9]', 'm-ready'], 20, 5, 'p');
    expect(reply).toMatchObject({ elapsedUs: 20_000, latencyUs: 1000, results: [0.1, 0.9], lapsUs: [100, 20_100] });
  });

  test('an infer answer without two timestamps names the firmware setting to change', () => {
    expect(() => parseInferReply(['m-infer-done', 'm-ready'], 1, 0, '/dev/ttyACM0')).toThrow(
      "The board on /dev/ttyACM0 ran 'infer 1 0%' without printing two m-lap-us timestamps: build its firmware in performance mode (EE_CFG_ENERGY_MODE 0), which times the loop with th_timestamp().",
    );
  });
});

describe('MLPerf Tiny client and emulator', () => {
  test('identifies the board and its model after skipping boot noise', async () => {
    const lines: Array<[string, DutLineRole]> = [];
    const { client } = await connected({ vendorName: 'nucleo-l4r5zi', model: 'kws01', bootNoise: '\xff\xfeets Jun  8 2016 00:22:57\r\nrst:0x1 (POWERON_RESET)\r\n\x00\x13garbage' }, lines);
    expect(client.identity).toEqual({ name: 'nucleo-l4r5zi', role: 'dut', profile: 'ULPMark for tinyML Firmware V0.0.1', model: 'kws01' });
    expect(lines.filter(([, role]) => role === 'boot').map(([line]) => line)).toContain('rst:0x1 (POWERON_RESET)');
  });

  test('performance mode: 5 windows, each past the minimum device time, latency from the laps', async () => {
    const { client, emulator } = await connected({ latencyUs: 2500 });
    const seen: number[] = [];
    const outcome = await runPerformance(client, new Uint8Array(100).fill(7), { minWindowMs: 500, warmups: 3, onWindow: (_w, i) => seen.push(i) });
    expect(outcome.state).toBe('completed');
    if (outcome.state !== 'completed') return;
    const { result } = outcome;
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(result.windows).toHaveLength(5);
    for (const window of result.windows) {
      expect(window.deviceTimeMs).toBeGreaterThanOrEqual(500);
      expect(window.latencyMs).toBeCloseTo(2.5, 9);
      expect(window.warmups).toBe(3);
    }
    expect(result.medianLatencyMs).toBeCloseTo(2.5, 9);
    expect(result.medianThroughputPerSec).toBeCloseTo(400, 6);
    expect(result.firstInferenceMs).toBeCloseTo(2.5, 9);
    expect(result.report.medianOfWindowsMs).toBeCloseTo(2.5, 9);
    expect(result.inputBytes).toBe(100);
    expect(emulator.commands).toContain('db load 100');
    expect(emulator.commands.filter((c) => c.startsWith('infer ') && c.endsWith(' 3'))).toHaveLength(5);
  });

  test('the median of 5 windows ignores one slow window', async () => {
    // A burst of slow inferences lands in one window only; the clock wraps past 2^32 µs during the run.
    const { client } = await connected({ latencyUs: (i) => (i > 700 && i < 900 ? 9000 : 1000), clockStartUs: 2 ** 32 - 300_000 });
    const outcome = await runPerformance(client, new Uint8Array(4), { minWindowMs: 200, warmups: 0 });
    if (outcome.state !== 'completed') throw new Error(outcome.error.message);
    expect(Math.max(...outcome.result.samplesMs)).toBeGreaterThan(2);
    expect(outcome.result.medianLatencyMs).toBeCloseTo(1, 9);
  });

  test('accuracy mode: top-1 over labeled samples, one infer 1 0 per sample', async () => {
    const { client, emulator } = await connected({ scores: (input) => Array.from({ length: 4 }, (_, i) => (i === (input[0] ?? 0) % 4 ? 0.7 : 0.1)) });
    const samples: LabeledSample[] = [0, 1, 2, 3, 5].map((value, i) => ({ input: new Uint8Array([value, 9, 9]), label: i === 4 ? 3 : value }));
    const outcome = await runAccuracy(client, samples);
    if (outcome.state !== 'completed') throw new Error(outcome.error.message);
    expect(outcome.result).toMatchObject({ samples: 5, correct: 4, top1: 0.8 });
    expect(outcome.result.predictions.map((p) => p.predicted)).toEqual([0, 1, 2, 3, 1]);
    expect(emulator.commands.filter((c) => c === 'infer 1 0')).toHaveLength(5);
  });

  test("an e-[...] answer becomes one sentence quoting the board's words", async () => {
    const { client } = await connected({ errors: { infer: 'Model arena too small' } });
    const outcome = await runPerformance(client, new Uint8Array(8), { minWindowMs: 50 });
    expect(outcome.state).toBe('interrupted');
    if (outcome.state !== 'interrupted') return;
    expect(outcome.error.message).toBe(
      "The board on memory refused 'infer 1 0%' (\"Model arena too small\"): check that its firmware matches the model and its input size, then run again.",
    );
    expect(outcome.error.detail).toMatchObject({ kind: 'device-error', port: 'memory', refusal: 'Model arena too small' });
  });

  test('an input larger than the board takes is refused with both sizes', async () => {
    const { client } = await connected({ maxInputBytes: 64 });
    const error = await client.loadInput(new Uint8Array(65)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StudioError);
    expect((error as StudioError).message).toBe("The board on memory takes at most 64 input bytes but this model's input is 65 bytes: use the model the firmware was built for.");
  });

  test('a device that answers something else is not taken for an MLPerf Tiny board', async () => {
    pair = createMemoryPair();
    const device = pair.device;
    device.onData(() => void device.write(new TextEncoder().encode('I (312) app: hello from an ordinary firmware\r\n')));
    const error = await MlperfTinyClient.connect(pair.host, { port: 'memory', quietMs: 20, commandTimeoutMs: 150 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StudioError);
    expect((error as StudioError).message).toBe(
      'The device on memory answered \'name%\' with "I (312) app: hello from an ordinary firmware" instead of an m-name line: check the baud rate and that the board runs MLPerf Tiny benchmark firmware.',
    );
  });

  test('the port vanishing mid-run keeps the finished windows and says what happened', async () => {
    const { client } = await connected({ latencyUs: 1000 });
    const outcome = await runPerformance(client, new Uint8Array(4), {
      minWindowMs: 100,
      warmups: 0,
      onWindow: (_w, index) => {
        if (index === 1) setImmediate(() => pair?.cut());
      },
    });
    expect(outcome.state).toBe('interrupted');
    if (outcome.state !== 'interrupted') return;
    expect(outcome.windows).toHaveLength(2);
    expect(outcome.firstInferenceMs).toBeCloseTo(1, 9);
    expect(outcome.error.message).toBe('The in-memory serial port vanished: reconnect and run again.');
  });
});

describe('a board that restarts mid-command', () => {
  test('the boot banner inside an answer is reported as a restart, not as a protocol error', async () => {
    pair = createMemoryPair();
    const device = pair.device;
    const say = (text: string) => void device.write(new TextEncoder().encode(text));
    let buffer = '';
    device.onData((bytes) => {
      buffer += new TextDecoder().decode(bytes);
      if (!buffer.endsWith('%')) return;
      const command = buffer.slice(0, -1);
      buffer = '';
      if (command === 'name') say('m-name-dut-[flaky]\r\nm-ready\r\n');
      else if (command === 'profile') say('m-profile-[fw]\r\nm-model-[ic01]\r\nm-ready\r\n');
      else say('m-warmup-start-0\r\nGuru Meditation Error: Core 0 panic\r\nm-timestamp-mode-performance\r\nm-lap-us-12\r\nm-init-done\r\nm-ready\r\n');
    });
    const client = await MlperfTinyClient.connect(pair.host, { port: 'memory', quietMs: 20 });
    const error = await client.infer(1, 0).catch((e: unknown) => e);
    expect((error as StudioError).message).toBe(
      "The board on memory restarted while answering 'infer 1 0%' (it printed its boot banner): check its power supply and that the model fits its memory, then run again.",
    );
    expect((error as StudioError).detail?.kind).toBe('board-reset');
  });
});
