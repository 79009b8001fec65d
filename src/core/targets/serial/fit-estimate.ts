/**
 * "Will it fit?" from a .tflite alone, before anything is flashed. The tensor arena is estimated
 * the way TFLite Micro's GreedyMemoryPlanner lays it out: every non-constant tensor lives from
 * the operator that writes it (or the start, for model inputs) to the last operator that reads
 * it (or the end, for outputs); buffers are placed largest first, each at the lowest 16-byte-
 * aligned offset that overlaps no placed buffer alive at the same time. TFLM adds its own
 * bookkeeping and kernel scratch buffers on top, which we approximate; the firmware reports the
 * real figure (LOADED.arenaUsedBytes) after it builds the interpreter.
 */
import { StudioError } from '../../../shared/errors';
import { FlatReader } from '../../formats/tflite/flat-reader';
import { BufferField, ModelField, OperatorField, SubGraphField, TensorField, tensorTypeName } from '../../formats/tflite/tflite-schema';

/** Bytes per element by ModelInfo dtype name (int4 is packed two per byte; we count a byte). */
export const DTYPE_BYTES: Readonly<Record<string, number>> = {
  float32: 4, float16: 2, int32: 4, uint8: 1, int64: 8, bool: 1, int16: 2, int8: 1, float64: 8, uint64: 8, uint32: 4, uint16: 2, int4: 1, complex64: 8,
};

/** TFLM's kBufferAlignment (tensorflow/lite/micro/memory_helpers.h): arena buffers start on 16 bytes. */
const ARENA_ALIGN_BYTES = 16;
/**
 * Interpreter bookkeeping per tensor (TfLiteEvalTensor, dims, planner records) and per
 * operator (node, registration, op data such as per-channel multipliers), plus a fixed part,
 * rounded up from arena reports of small TFLM models: a heuristic, not TFLM's exact count.
 */
const OVERHEAD_PER_TENSOR_BYTES = 48;
const OVERHEAD_PER_OPERATOR_BYTES = 128;
const OVERHEAD_FIXED_BYTES = 2048;

export interface ArenaEstimate {
  /** The greedy plan's peak over activations, inputs and outputs. */
  plannedBytes: number;
  /** Approximate interpreter bookkeeping on top (see OVERHEAD_* above). */
  overheadBytes: number;
  /** plannedBytes + overheadBytes: what to give the tensor arena, roughly. */
  arenaBytes: number;
  /** Constant tensor data (weights, biases): what a flashed build keeps in flash. */
  weightsBytes: number;
  modelBytes: number;
  tensors: number;
  operators: number;
}

/** One arena buffer: its size, the operator span it lives over, and (once planned) its offset. */
export interface PlannedBuffer { sizeBytes: number; first: number; last: number; offset: number }

export function estimateArena(model: Uint8Array, fileName: string): ArenaEstimate {
  const fb = new FlatReader(model, fileName, 'TFLite model');
  if (model.byteLength < 8 || String.fromCharCode(...model.subarray(4, 8)) !== 'TFL3') {
    throw fb.error("it lacks the 'TFL3' file identifier at bytes 4-8", 4);
  }
  const root = fb.root();
  const buffers = fb.tables(root, ModelField.buffers);
  const hasData = buffers.map((b) => (fb.vector(b, BufferField.data, 1)?.length ?? 0) > 0 || fb.uint64(b, BufferField.size) > 0n);
  const weightsBytes = buffers.reduce((sum, b) => sum + (fb.vector(b, BufferField.data, 1)?.length ?? Number(fb.uint64(b, BufferField.size))), 0);
  const subgraph = fb.tables(root, ModelField.subgraphs)[0];
  if (subgraph === undefined) throw fb.error('it has no subgraph', 0);

  const tensors = fb.tables(subgraph, SubGraphField.tensors);
  const operators = fb.tables(subgraph, SubGraphField.operators);
  const end = Math.max(0, operators.length - 1);
  const lifetimes = new Map<number, { first: number; last: number }>();
  const touch = (tensor: number, at: number): void => {
    if (tensor < 0 || tensor >= tensors.length) return;
    const span = lifetimes.get(tensor);
    if (span === undefined) lifetimes.set(tensor, { first: at, last: at });
    else lifetimes.set(tensor, { first: Math.min(span.first, at), last: Math.max(span.last, at) });
  };
  for (const input of fb.int32s(subgraph, SubGraphField.inputs) ?? []) touch(input, 0);
  operators.forEach((op, index) => {
    for (const t of fb.int32s(op, OperatorField.inputs) ?? []) touch(t, index);
    for (const t of fb.int32s(op, OperatorField.outputs) ?? []) touch(t, index);
  });
  for (const output of fb.int32s(subgraph, SubGraphField.outputs) ?? []) touch(output, end);

  const planned: PlannedBuffer[] = [];
  for (const [index, span] of lifetimes) {
    const tensor = tensors[index] as number;
    if (hasData[fb.uint32(tensor, TensorField.buffer, 0)]) continue;
    const dtype = tensorTypeName(fb.int8(tensor, TensorField.type, 0));
    const elements = (fb.int32s(tensor, TensorField.shape) ?? []).reduce((product, dim) => product * Math.max(1, dim), 1);
    const sizeBytes = alignUp(elements * (DTYPE_BYTES[dtype] ?? 4));
    if (sizeBytes > 0) planned.push({ sizeBytes, first: span.first, last: span.last, offset: 0 });
  }
  const plannedBytes = greedyPlan(planned);
  const overheadBytes = OVERHEAD_FIXED_BYTES + OVERHEAD_PER_TENSOR_BYTES * tensors.length + OVERHEAD_PER_OPERATOR_BYTES * operators.length;
  return { plannedBytes, overheadBytes, arenaBytes: plannedBytes + overheadBytes, weightsBytes, modelBytes: model.byteLength, tensors: tensors.length, operators: operators.length };
}

/** Places buffers largest first at the lowest offset free for their whole lifetime; returns the peak. */
export function greedyPlan(buffers: PlannedBuffer[]): number {
  const order = [...buffers].sort((a, b) => b.sizeBytes - a.sizeBytes || a.first - b.first);
  const placed: PlannedBuffer[] = [];
  let peak = 0;
  for (const buffer of order) {
    const live = placed.filter((p) => p.first <= buffer.last && buffer.first <= p.last).sort((a, b) => a.offset - b.offset);
    let offset = 0;
    for (const other of live) {
      if (offset + buffer.sizeBytes <= other.offset) break;
      offset = Math.max(offset, other.offset + other.sizeBytes);
    }
    buffer.offset = offset;
    placed.push(buffer);
    peak = Math.max(peak, offset + buffer.sizeBytes);
  }
  return peak;
}

function alignUp(bytes: number): number {
  return Math.ceil(bytes / ARENA_ALIGN_BYTES) * ARENA_ALIGN_BYTES;
}

export interface ChipProfile {
  id: string;
  label: string;
  sramBytes: number;
  /** Internal RAM left for the model and arena once the firmware runs (measured free heap on ESP-IDF builds). */
  usableRamBytes: number;
  psramBytes: number;
  flashBytes: number;
  /** Flash the firmware itself takes (ESP-IDF + TFLM + ESP-NN, or a bare-metal MLPerf Tiny build), plus bootloader and tables. */
  firmwareFlashBytes: number;
  /** Our ESP32 firmware receives the model over serial into RAM; MLPerf Tiny builds link it into flash. */
  modelInRam: boolean;
}

const KiB = 1024;
const MiB = 1024 * KiB;

export const CHIP_PROFILES: readonly ChipProfile[] = [
  { id: 'esp32', label: 'ESP32 (no PSRAM, 4 MiB flash)', sramBytes: 520 * KiB, usableRamBytes: 320 * KiB, psramBytes: 0, flashBytes: 4 * MiB, firmwareFlashBytes: 900 * KiB, modelInRam: true },
  { id: 'esp32-wrover', label: 'ESP32-WROVER (4 MiB PSRAM, 4 MiB flash)', sramBytes: 520 * KiB, usableRamBytes: 300 * KiB, psramBytes: 4 * MiB, flashBytes: 4 * MiB, firmwareFlashBytes: 900 * KiB, modelInRam: true },
  { id: 'esp32s3', label: 'ESP32-S3 (no PSRAM, 8 MiB flash)', sramBytes: 512 * KiB, usableRamBytes: 330 * KiB, psramBytes: 0, flashBytes: 8 * MiB, firmwareFlashBytes: 900 * KiB, modelInRam: true },
  { id: 'esp32s3-n16r8', label: 'ESP32-S3 N16R8 (8 MiB PSRAM, 16 MiB flash)', sramBytes: 512 * KiB, usableRamBytes: 310 * KiB, psramBytes: 8 * MiB, flashBytes: 16 * MiB, firmwareFlashBytes: 900 * KiB, modelInRam: true },
  { id: 'stm32l4r5', label: 'STM32L4R5 (NUCLEO-L4R5ZI, MLPerf Tiny reference)', sramBytes: 640 * KiB, usableRamBytes: 600 * KiB, psramBytes: 0, flashBytes: 2 * MiB, firmwareFlashBytes: 120 * KiB, modelInRam: false },
  { id: 'stm32f746', label: 'STM32F746 (DISCO-F746NG)', sramBytes: 320 * KiB, usableRamBytes: 290 * KiB, psramBytes: 0, flashBytes: 1 * MiB, firmwareFlashBytes: 120 * KiB, modelInRam: false },
  // Its 1 MiB of SRAM is split into domains; the largest contiguous block (AXI SRAM) is 512 KiB.
  { id: 'stm32h743', label: 'STM32H743 (NUCLEO-H743ZI2)', sramBytes: 1 * MiB, usableRamBytes: 512 * KiB, psramBytes: 0, flashBytes: 2 * MiB, firmwareFlashBytes: 120 * KiB, modelInRam: false },
];

export function chipProfile(id: string): ChipProfile {
  const profile = CHIP_PROFILES.find((p) => p.id === id);
  if (!profile) {
    throw new StudioError('BAD_INPUT', `Unknown chip '${id}'; pick one of ${CHIP_PROFILES.map((p) => p.id).join(', ')}.`, { chip: id });
  }
  return profile;
}

export interface FitEstimate extends ArenaEstimate {
  chip: ChipProfile;
  verdict: 'fits' | 'fits-in-psram' | 'does-not-fit';
  /** One or two sentences for the user, saying what to do when it does not fit. */
  sentence: string;
}

export function estimateFit(model: Uint8Array, fileName: string, chipId: string): FitEstimate {
  const chip = chipProfile(chipId);
  const arena = estimateArena(model, fileName);
  const flashBudget = chip.flashBytes - chip.firmwareFlashBytes;
  const modelInSram = chip.modelInRam && chip.psramBytes === 0;
  const modelInPsram = chip.modelInRam && chip.psramBytes > 0;
  const arenaInSram = arena.arenaBytes <= chip.usableRamBytes - (modelInSram ? arena.modelBytes : 0);
  const psramNeedBytes = (modelInPsram ? arena.modelBytes : 0) + (arenaInSram ? 0 : arena.arenaBytes);
  const ramOk = (arenaInSram || chip.psramBytes > 0) && psramNeedBytes <= chip.psramBytes;
  const flashOk = arena.modelBytes <= flashBudget;
  const needs = `about ${size(arena.arenaBytes)} of tensor arena (estimate) and ${size(arena.weightsBytes)} of weights`;
  const base = { ...arena, chip };
  if (!ramOk) {
    const where = modelInSram ? `, plus the ${size(arena.modelBytes)} model itself,` : '';
    return {
      ...base,
      verdict: 'does-not-fit',
      sentence:
        `${fileName} does not fit the ${chip.label}: it needs ${needs}${where} but the board has about ${size(chip.usableRamBytes)} of usable RAM` +
        `${chip.psramBytes > 0 ? ` and ${size(chip.psramBytes)} of PSRAM` : ''}. Quantize it to int8, shrink its input or width, or pick a chip with more RAM or PSRAM.`,
    };
  }
  if (!flashOk) {
    return {
      ...base,
      verdict: 'does-not-fit',
      sentence: `${fileName} (${size(arena.modelBytes)}) does not fit the ${size(flashBudget)} of flash the ${chip.label} has left beside its firmware. Quantize it to int8 or pick a chip with more flash.`,
    };
  }
  if (!arenaInSram) {
    return {
      ...base,
      verdict: 'fits-in-psram',
      sentence: `${fileName} fits the ${chip.label} only with its tensor arena in PSRAM: it needs ${needs}, more than the ${size(chip.usableRamBytes)} of internal RAM; expect slower inference than with the arena in SRAM.`,
    };
  }
  return {
    ...base,
    verdict: 'fits',
    sentence: `${fileName} fits the ${chip.label}: it needs ${needs}, within ${size(chip.usableRamBytes)} of usable RAM and ${size(flashBudget)} of flash beside the firmware. The firmware reports the exact arena after loading.`,
  };
}

function size(bytes: number): string {
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(1)} MiB`;
  if (bytes >= KiB) return `${(bytes / KiB).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}
