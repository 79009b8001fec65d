/**
 * One matrix cell on a board running the EdgeBench firmware: check the model can fit, upload it,
 * set its inputs, time the first inference apart, then warmups and timed invokes on the board's
 * own microsecond timer, and make a run file of it like every other target's.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { StudioError } from '../../../shared/errors';
import { formatBytes } from '../../../shared/units';
import { BenchSettings, type HardwareProfile, type RunFile, type RunStop, type RunWarning } from '../../../shared/run-schema';
import { checkSettings, planInputs } from '../../bench/bench-inputs';
import { partialOutcome, type Measured } from '../../bench/cell-outcome';
import { DEFAULT_REPORT_PLAN, summarizeWindows, type ReportModePlan } from '../../bench/report-mode';
import { buildRunFile } from '../../bench/run-file';
import { MAX_MEASURED_RUNS, type LocalBenchJob } from '../../bench/run-local-benchmark';
import { tensorTypeName } from '../../formats/tflite/tflite-schema';
import type { EdgebenchDeviceClient } from './edgebench-protocol/client';
import type { DeviceFacts } from './edgebench-protocol/messages';
import { boardRunProfile } from './board-profile';
import { estimateArena, type ArenaEstimate } from './fit-estimate';
import { inputBytes } from './serial-inputs';
import { inputDescription, progressReporter, type CellOptions } from './serial-run-common';
import { simulatedBoardNotes } from './simulated-run-notes';
import { LITERT_BACKEND } from '../../runner/runtimes/litert';

/** The board's timer counts microseconds (esp_timer_get_time). */
const DEVICE_TIMER_RESOLUTION_NS = 1000;
const KiB = 1024;

export interface EdgebenchCellContext {
  client: EdgebenchDeviceClient;
  facts: DeviceFacts;
  onUpload?: (sentBytes: number, totalBytes: number) => void;
}

/** "xtensa" for ESP32 / S2 / S3, "riscv" for ESP32-C and -H parts, "arm" for STM32 and friends. */
export function chipArch(chipModel: string): string {
  if (/ESP32-?[CHP]\d/i.test(chipModel)) return 'riscv';
  if (/ESP32/i.test(chipModel)) return 'xtensa';
  if (/STM32|nRF|RP2040|Cortex|SAMD|i\.?MX/i.test(chipModel)) return 'arm';
  return 'unknown';
}

export function hardwareFromFacts(facts: DeviceFacts): HardwareProfile {
  return {
    arch: chipArch(facts.chipModel),
    cpuModel: facts.chipModel,
    cores: facts.cores,
    // What a model can use on the board: the tensor arena (internal RAM) plus PSRAM.
    memoryBytes: facts.arenaCapacityBytes + facts.psramBytes,
    os: facts.simulated ? `Simulated firmware ${facts.firmwareVersion}; inference by ${facts.tflmVersion}` : `ESP-IDF ${facts.idfVersion} / TFLM ${facts.tflmVersion}`,
    cpuFeatures: [],
  };
}

export function runtimeFromFacts(facts: DeviceFacts): RunFile['runtime'] {
  // A simulated board says what computed (its tflmVersion names the engine: "LiteRT.js 2.5.3 on the host").
  const backend = facts.simulated ? `simulated: ${LITERT_BACKEND}, latency scaled to the chip` : /ESP32/i.test(facts.chipModel) ? 'ESP-NN' : 'reference kernels';
  // TFLM runs one invoke on one core, whatever the chip has.
  return { name: 'tflite-micro', version: facts.tflmVersion, threads: 1, backend };
}

/** One line for "Test connection": "ESP32-S3 at 921600 baud, TFLM 1.3.2, arena 200 KiB". */
export function describeBoard(facts: DeviceFacts, baudRate: number): string {
  const arena = `arena ${Math.round(facts.arenaCapacityBytes / KiB)} KiB`;
  if (facts.simulated) return `${facts.chipModel} at ${baudRate} baud: inference by ${facts.tflmVersion}, latencies modelled, ${arena}.`;
  return `${facts.chipModel} at ${baudRate} baud, TFLM ${facts.tflmVersion}, ${arena}.`;
}

/**
 * Refuses a model that cannot fit the board the firmware describes. The model must fit the
 * board's model buffer; the arena is refused only when the planned activations alone exceed it,
 * since the interpreter's overhead is an estimate and the firmware reports the real arena.
 */
export function checkFits(model: Uint8Array, fileName: string, facts: DeviceFacts, boardName: string): ArenaEstimate {
  const arena = estimateArena(model, fileName);
  if (model.length > facts.modelCapacityBytes) {
    throw new StudioError(
      'RUNTIME',
      `${fileName} (${formatBytes(model.length)}) does not fit ${boardName}: its firmware holds models of at most ${formatBytes(facts.modelCapacityBytes)}. Quantize it to int8 if it is float, or make it smaller.`,
      { file: fileName },
      { detail: { kind: 'model-too-big', file: fileName } },
    );
  }
  if (arena.plannedBytes > facts.arenaCapacityBytes) {
    throw new StudioError(
      'RUNTIME',
      `${fileName} does not fit ${boardName}: its activations alone need about ${formatBytes(arena.plannedBytes)} of tensor arena, but the firmware's arena holds ${formatBytes(facts.arenaCapacityBytes)}. ` +
        'Quantize it to full int8 if it is float, shrink its input or width, or raise kInternalArenaBytes (internal RAM) or kPsramArenaBytes (PSRAM) in main/model_settings.h and reflash.',
      { file: fileName },
      { detail: { kind: 'arena-too-small', file: fileName } },
    );
  }
  return arena;
}

/** The cell's run, complete or partial (a board that vanished mid-run keeps the latencies it had sent). */
export async function runEdgebenchCell(board: EdgebenchCellContext, job: LocalBenchJob, opts: CellOptions): Promise<Measured> {
  const { client, facts } = board;
  const fileName = basename(job.modelPath);
  if (job.model.format !== 'tflite') {
    throw new StudioError(
      'BAD_INPUT',
      `'${job.model.name}' is a ${job.model.format} model, but ${job.targetName} runs TensorFlow Lite Micro: EdgeBench boards run TFLite models, so pick the model's .tflite variant (import one, and link it to this model on the Models page).`,
      { model: job.model.name, target: job.targetName },
    );
  }
  // As recorded: the board has no JIT to warm up by time, and only protocol v2 firmware has a per-op profiler.
  const settings = BenchSettings.parse({ ...job.settings, warmupMinTimeMs: 0, ...(client.hasOpProfiler ? {} : { profileRuns: 0 }) });
  const plan = opts.reportModeOverride ?? DEFAULT_REPORT_PLAN;
  checkSettings(settings, { format: job.model.format, name: job.model.name, inputs: job.inputsInfo }, job.runtime ?? 'litert', plan);
  const requests = planInputs(job.inputsInfo, settings);
  const report = progressReporter(opts.onProgress);
  const signal = opts.signal;

  report('starting', 0, 1);
  const model = new Uint8Array(await readFile(job.modelPath));
  const estimate = checkFits(model, fileName, facts, job.targetName);
  report('starting', 1, 1);

  report('loading', 0, model.length);
  const uploadStart = performance.now();
  const { loaded } = await client.uploadModel(model, {
    signal,
    onProgress: ({ sentBytes, totalBytes }) => {
      board.onUpload?.(sentBytes, totalBytes);
      report('loading', sentBytes, totalBytes);
    },
  });
  // Upload over the cable plus the board building its interpreter: what a user waits for before the first invoke.
  const initMs = performance.now() - uploadStart;

  const inputs: RunFile['inputs'] = [];
  for (const [index, tensor] of loaded.inputs.entries()) {
    const request = requests[index];
    const fill = request?.fill ?? { kind: 'random' as const, seed: index + 1 };
    const dtype = tensorTypeName(tensor.dtype);
    const elements = tensor.shape.reduce((a, b) => a * Math.max(1, b), 1);
    await client.setInput(index, inputBytes(dtype, elements, fill).subarray(0, tensor.sizeBytes), signal);
    inputs.push(inputDescription(request?.name ?? `input ${index}`, dtype, tensor.shape, fill));
  }

  report('warmup', 0, Math.max(1, settings.warmupRuns));
  const first = await client.run({ warmup: 0, runs: 1 }, { signal });
  const firstInferenceMs = (first.latenciesUs[0] ?? 0) / 1000;
  report('warmup', 1, Math.max(1, settings.warmupRuns));

  const boardNotes = simulatedBoardNotes(facts, model, fileName);
  const boardMemory: RunFile['boardMemory'] = {
    arenaUsedBytes: loaded.arenaUsedBytes,
    arenaCapacityBytes: loaded.arenaCapacityBytes,
    arenaEstimateBytes: estimate.arenaBytes,
    simulated: facts.simulated,
    protocolVersion: facts.protocolVersion,
  };
  // The first inference counts as one of the warmups; the rest run on the board before the timed invokes.
  const kept: number[] = [];
  const runFile = (measured: MeasuredRuns, stop?: RunStop, profiled: Profiled = {}): RunFile => ({
    ...buildRunFile(
      {
        model: job.model,
        target: { kind: 'serial', name: job.targetName, hardware: hardwareFromFacts(facts) },
        runtime: runtimeFromFacts(facts),
        ...(job.job !== undefined ? { job: job.job } : {}),
        settings,
      },
      {
        samplesMs: measured.samplesMs,
        inputs,
        initMs,
        firstInferenceMs,
        memory: {
          // On a microcontroller there is no RSS: the model's RAM is the tensor arena the interpreter
          // used plus the model itself, which the firmware keeps in RAM (PSRAM) after the upload.
          peakRssBytes: loaded.arenaUsedBytes + loaded.modelBytes,
          modelLoadRssBytes: loaded.arenaUsedBytes,
          osPeakRssBytes: null,
        },
        timerResolutionNs: DEVICE_TIMER_RESOLUTION_NS,
        cores: 1,
        maxTimeReached: measured.maxTimeReached,
        ...(measured.windows !== undefined ? { report: { block: summarizeWindows(measured.windows), plan } } : {}),
        ...(profiled.profile !== undefined ? { profile: profiled.profile } : {}),
        notes: [...boardNotes, ...(profiled.note !== undefined ? [profiled.note] : [])],
        simulated: facts.simulated,
      },
      stop,
    ),
    boardMemory,
  });
  let measured: MeasuredRuns;
  try {
    measured = await measure(client, { settings, plan, warmups: Math.max(0, settings.warmupRuns - 1), maxBatch: facts.maxRunsPerRequest, kept }, report, signal);
  } catch (error) {
    // A board that vanished mid-run: the latencies it had already sent become a partial run of the cell.
    if (!(error instanceof StudioError) || error.code === 'CANCELLED' || kept.length === 0) throw error;
    return partialOutcome(error, 'the board stopped answering', (stop) => runFile({ samplesMs: [...kept], maxTimeReached: false }, stop));
  }
  const profiled = await profileOps(client, settings.profileRuns, { model, fileName }, report, signal);
  report('saving', 0, 1);
  return { state: 'completed', run: runFile(measured, undefined, profiled) };
}

interface Profiled {
  profile?: RunFile['profile'];
  /** Why a v2 board's per-op profile is missing when the latencies were measured (the run keeps them). */
  note?: RunWarning;
}

/**
 * v2 boards: per-op ticks in extra invokes after the timed ones, so the latencies carry no
 * profiling cost. A board that fails here keeps its measured run, with a note saying why the
 * profile is missing; a cancel still cancels.
 */
async function profileOps(
  client: EdgebenchDeviceClient,
  runs: number,
  model: { model: Uint8Array; fileName: string },
  report: ReturnType<typeof progressReporter>,
  signal: AbortSignal | undefined,
): Promise<Profiled> {
  if (!client.hasOpProfiler || runs <= 0) return {};
  report('profiling', 0, runs);
  try {
    const ticks = await client.profile(runs, { signal, onProgress: (done, total) => report('profiling', done, total) });
    return { profile: boardRunProfile(ticks, model.model, model.fileName) };
  } catch (error) {
    if (!(error instanceof StudioError) || error.code === 'CANCELLED') throw error;
    return { note: { code: 'board-profile-failed', message: `The board measured the latencies but not the per-op profile: ${error.message}` } };
  }
}

interface MeasuredRuns {
  samplesMs: number[];
  windows?: number[][];
  maxTimeReached: boolean;
}

/**
 * Quick mode: `runs` timed invokes, more while under `minTimeMs` of device time, stopping at
 * `maxTimeMs`. Report mode: `plan.windows` windows, each of at least `runs` invokes and
 * `plan.minWindowMs` of device time. Runs are asked for in batches sized from the latency seen.
 */
interface MeasurePlan {
  settings: BenchSettings;
  plan: ReportModePlan;
  warmups: number;
  /** Timed runs per RUN request (the board's maxRunsPerRequest), so finished pages are kept as they come. */
  maxBatch: number;
  /** Every latency received so far, in order, whatever happens next. */
  kept: number[];
}

async function measure(
  client: EdgebenchDeviceClient,
  { settings, plan, warmups, maxBatch, kept }: MeasurePlan,
  report: ReturnType<typeof progressReporter>,
  signal: AbortSignal | undefined,
): Promise<MeasuredRuns> {
  let warmupLeft = warmups;
  const batch = async (runs: number, onDone: (done: number) => void): Promise<number[]> => {
    const result = await client.run({ warmup: warmupLeft, runs: Math.max(1, Math.min(runs, maxBatch)) }, { signal, onProgress: (done) => onDone(done) });
    warmupLeft = 0;
    const samplesMs = result.latenciesUs.map((us) => us / 1000);
    kept.push(...samplesMs);
    return samplesMs;
  };
  const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);
  const runsFor = (timeMs: number, samples: number[]): number =>
    samples.length === 0 ? 1 : Math.max(1, Math.ceil((timeMs / Math.max(sum(samples) / samples.length, 1e-3)) * 1.1));

  if (settings.mode === 'quick') {
    const samples: number[] = [];
    let maxTimeReached = false;
    report('measuring', 0, settings.runs);
    while (samples.length < MAX_MEASURED_RUNS) {
      const spent = sum(samples);
      if (settings.maxTimeMs > 0 && spent >= settings.maxTimeMs) {
        maxTimeReached = samples.length < settings.runs;
        break;
      }
      if (samples.length >= settings.runs && spent >= settings.minTimeMs) break;
      let want = Math.max(settings.runs - samples.length, settings.minTimeMs > spent ? runsFor(settings.minTimeMs - spent, samples) : 0);
      // Under --max-time, small batches so the board stops close to the limit.
      if (settings.maxTimeMs > 0) want = Math.min(want, samples.length === 0 ? 10 : runsFor(settings.maxTimeMs - spent, samples));
      want = Math.min(want, MAX_MEASURED_RUNS - samples.length);
      const before = samples.length;
      const total = Math.max(settings.runs, before + want);
      samples.push(...(await batch(want, (done) => report('measuring', before + done, total))));
    }
    return { samplesMs: samples, maxTimeReached };
  }

  const windows: number[][] = [];
  const plannedRuns = settings.runs * plan.windows;
  let finished = 0;
  report('measuring', 0, plannedRuns);
  for (let index = 0; index < plan.windows; index++) {
    const window: number[] = [];
    while (window.length < MAX_MEASURED_RUNS && (window.length < settings.runs || sum(window) < plan.minWindowMs)) {
      const want = Math.min(MAX_MEASURED_RUNS - window.length, Math.max(settings.runs - window.length, runsFor(plan.minWindowMs - sum(window), window)));
      const before = finished + window.length;
      window.push(...(await batch(want, (done) => report('measuring', before + done, Math.max(plannedRuns, before + want)))));
    }
    finished += window.length;
    windows.push(window);
  }
  return { samplesMs: windows.flat(), windows, maxTimeReached: false };
}
