/**
 * "Will it fit?" from a .tflite alone, before anything is flashed. The tensor arena is estimated
 * the way TFLite Micro's GreedyMemoryPlanner lays it out: every non-constant tensor lives from
 * the operator that writes it (or the start, for model inputs) to the last operator that reads
 * it (or the end, for outputs); buffers are placed largest first, each at the lowest 16-byte-
 * aligned offset that overlaps no placed buffer alive at the same time. TFLM adds its own
 * bookkeeping and kernel scratch buffers on top, which we approximate; the firmware reports the
 * real figure (LOADED.arenaUsedBytes) after it builds the interpreter.
 */
import type { FitEstimate as FitReport, FitMemory, FitRemedy, FitUnsupportedOp } from '../../../shared/contract';
import { StudioError } from '../../../shared/errors';
import { FlatReader } from '../../formats/tflite/flat-reader';
import { readOperatorCode } from '../../formats/tflite/tflite-reader';
import { BufferField, BuiltinOp, ModelField, OperatorField, SubGraphField, TensorField, tensorTypeName } from '../../formats/tflite/tflite-schema';
import { TFLM_BUILTIN_EQUIVALENTS, TFLM_BUILTIN_OPS, TFLM_CUSTOM_OPS, TFLM_INPUT_TYPES } from './tflm-ops';

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
  /** How much of plannedBytes the weights expanded at run time (DEQUANTIZE of float16, DENSIFY) add: the plan with them minus the plan without. */
  expandedWeightsBytes: number;
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
  const bufferBytes = buffers.map((b) => fb.vector(b, BufferField.data, 1)?.length || Number(fb.uint64(b, BufferField.size)));
  const hasData = bufferBytes.map((bytes) => bytes > 0);
  const subgraphs = fb.tables(root, ModelField.subgraphs);
  const subgraph = subgraphs[0];
  if (subgraph === undefined) throw fb.error('it has no subgraph', 0);
  // Weights: the buffers tensors use (metadata buffers are not weights), each once.
  const weightBuffers = new Set(subgraphs.flatMap((graph) => fb.tables(graph, SubGraphField.tensors).map((t) => fb.uint32(t, TensorField.buffer, 0))));
  const weightsBytes = [...weightBuffers].reduce((sum, index) => sum + (bufferBytes[index] ?? 0), 0);

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
  const isConstant = (index: number): boolean => {
    const tensor = tensors[index];
    return tensor !== undefined && hasData[fb.uint32(tensor, TensorField.buffer, 0)] === true;
  };
  // Outputs of ops fed only by constants (DEQUANTIZE of float16 weights, DENSIFY of sparse ones) are weights
  // expanded at run time: they take arena space like activations.
  const expanded = new Set<number>();
  for (const op of operators) {
    const inputs = (fb.int32s(op, OperatorField.inputs) ?? []).filter((t) => t >= 0);
    if (inputs.length > 0 && inputs.every(isConstant)) for (const t of fb.int32s(op, OperatorField.outputs) ?? []) expanded.add(t);
  }

  const planned: Array<PlannedBuffer & { expanded: boolean }> = [];
  for (const [index, span] of lifetimes) {
    const tensor = tensors[index] as number;
    if (hasData[fb.uint32(tensor, TensorField.buffer, 0)]) continue;
    const dtype = tensorTypeName(fb.int8(tensor, TensorField.type, 0));
    const elements = (fb.int32s(tensor, TensorField.shape) ?? []).reduce((product, dim) => product * Math.max(1, dim), 1);
    const sizeBytes = alignUp(elements * (DTYPE_BYTES[dtype] ?? 4));
    if (sizeBytes > 0) planned.push({ sizeBytes, first: span.first, last: span.last, offset: 0, expanded: expanded.has(index) });
  }
  const plannedBytes = greedyPlan(planned);
  // What the expanded weights add to the peak: the plan with them minus the plan without them.
  const expandedWeightsBytes = planned.some((buffer) => buffer.expanded) ? plannedBytes - greedyPlan(planned.filter((buffer) => !buffer.expanded).map((buffer) => ({ ...buffer, offset: 0 }))) : 0;
  const overheadBytes = OVERHEAD_FIXED_BYTES + OVERHEAD_PER_TENSOR_BYTES * tensors.length + OVERHEAD_PER_OPERATOR_BYTES * operators.length;
  return {
    plannedBytes,
    overheadBytes,
    arenaBytes: plannedBytes + overheadBytes,
    weightsBytes,
    expandedWeightsBytes,
    modelBytes: model.byteLength,
    tensors: tensors.length,
    operators: operators.length,
  };
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


/** What a .tflite asks of TFLite Micro, the same on every chip: ops it lacks, and whether its weights are float. */
export interface TflmScan {
  unsupportedOps: FitUnsupportedOp[];
  /** More than half the weight bytes are float32 or float16: a full-integer int8 conversion would shrink them 4x (2x). */
  floatWeights: boolean;
  /** Operators in every subgraph. */
  operators: number;
}

/** Every operator of every subgraph against TFLM's kernels (tflm-ops.ts), and the weights' types. */
export function scanForTflm(model: Uint8Array, fileName: string): TflmScan {
  const fb = new FlatReader(model, fileName, 'TFLite model');
  const root = fb.root();
  const codes = fb.tables(root, ModelField.operatorCodes).map((code) => readOperatorCode(fb, code));
  const buffers = fb.tables(root, ModelField.buffers).map((b) => fb.vector(b, BufferField.data, 1)?.length ?? 0);
  const found = new Map<string, FitUnsupportedOp>();
  const note = (op: FitUnsupportedOp): void => {
    const key = `${op.op}/${op.inputType ?? ''}`;
    const seen = found.get(key);
    if (seen) seen.count += 1;
    else found.set(key, op);
  };
  const weightBytes = { float: 0, all: 0 };
  const counted = new Set<number>();
  let operators = 0;
  for (const subgraph of fb.tables(root, ModelField.subgraphs)) {
    const tensors = fb.tables(subgraph, SubGraphField.tensors);
    const typeOf = (index: number | undefined): string | undefined => {
      const tensor = index === undefined ? undefined : tensors[index];
      return tensor === undefined ? undefined : tensorTypeName(fb.int8(tensor, TensorField.type, 0));
    };
    tensors.forEach((tensor, index) => {
      const buffer = fb.uint32(tensor, TensorField.buffer, 0);
      const bytes = buffers[buffer] ?? 0;
      if (bytes === 0 || counted.has(buffer)) return;
      counted.add(buffer);
      weightBytes.all += bytes;
      if (typeOf(index) === 'float32' || typeOf(index) === 'float16') weightBytes.float += bytes;
    });
    for (const operator of fb.tables(subgraph, SubGraphField.operators)) {
      operators += 1;
      const code = codes[fb.uint32(operator, OperatorField.opcodeIndex, 0)];
      if (!code) continue; // the inspector names a bad opcode index; the estimate skips it
      if (code.builtin === BuiltinOp.CUSTOM) {
        if (!TFLM_CUSTOM_OPS.has(code.name)) note({ op: code.name, count: 1, reason: 'custom-op' });
      } else if (code.builtin === BuiltinOp.DENSIFY) {
        note({ op: code.name, count: 1, reason: 'sparse-weights' });
      } else if (!TFLM_BUILTIN_OPS.has(code.name)) {
        note({ op: code.name, count: 1, reason: 'not-in-tflm' });
      } else {
        const accepted = TFLM_INPUT_TYPES[code.name];
        const inputType = typeOf(fb.int32s(operator, OperatorField.inputs)?.[0]);
        if (accepted && inputType !== undefined && !accepted.includes(inputType)) {
          note({ op: code.name, count: 1, reason: 'input-type', inputType, acceptedTypes: [...accepted] });
        }
      }
    }
  }
  return { unsupportedOps: [...found.values()], floatWeights: weightBytes.float * 2 > weightBytes.all, operators };
}

export interface FitEstimate extends ArenaEstimate {
  chip: ChipProfile;
  verdict: FitReport['verdict'];
  /** The verdict in one or two sentences: every limit exceeded and every op TFLM cannot run. */
  sentence: string;
  exceeds: FitReport['exceeds'];
  memory: FitMemory[];
  unsupportedOps: FitUnsupportedOp[];
  remedies: FitRemedy[];
}

/** One chip's estimate (reads the model; for several chips, estimateFits reads it once). */
export function estimateFit(model: Uint8Array, fileName: string, chipId: string): FitEstimate {
  return estimateFits(model, fileName, [chipId])[0] as FitEstimate;
}

/** Estimates for the given chips (default: every chip the studio knows), in that order. */
export function estimateFits(model: Uint8Array, fileName: string, chipIds: readonly string[] = CHIP_PROFILES.map((c) => c.id)): FitEstimate[] {
  const chips = chipIds.map(chipProfile);
  const arena = estimateArena(model, fileName);
  const scan = scanForTflm(model, fileName);
  const fitsMemory = CHIP_PROFILES.filter((chip) => placeOnChip(arena, chip).exceeds.length === 0).map((chip) => chip.id);
  return chips.map((chip) => fitOnChip(arena, scan, chip, fileName, fitsMemory));
}

/** The estimate as the contract (UI, CLI --json) carries it. */
export function fitReport(estimate: FitEstimate): FitReport {
  const { chip, verdict, sentence, arenaBytes, weightsBytes, modelBytes, exceeds, memory, unsupportedOps, remedies } = estimate;
  return { chip: chip.id, label: chip.label, verdict, sentence, arenaBytes, weightsBytes, modelBytes, exceeds, memory, unsupportedOps, remedies };
}

interface Placement {
  memory: FitMemory[];
  exceeds: FitReport['exceeds'];
  arenaInPsram: boolean;
}

/**
 * Where the model and its arena go: without PSRAM both share internal RAM (the model too when the
 * firmware receives it into RAM); with PSRAM the model goes there, and the arena too when internal
 * RAM cannot hold it. A deployed build keeps the model in flash beside the firmware either way.
 */
function placeOnChip(arena: ArenaEstimate, chip: ChipProfile): Placement {
  const memory: FitMemory[] = [];
  let arenaInPsram = false;
  if (chip.psramBytes === 0) {
    memory.push({
      memory: 'ram',
      holds: chip.modelInRam ? ['arena', 'model'] : ['arena'],
      needBytes: arena.arenaBytes + (chip.modelInRam ? arena.modelBytes : 0),
      haveBytes: chip.usableRamBytes,
    });
  } else {
    arenaInPsram = arena.arenaBytes > chip.usableRamBytes;
    if (!arenaInPsram) memory.push({ memory: 'ram', holds: ['arena'], needBytes: arena.arenaBytes, haveBytes: chip.usableRamBytes });
    const holds: FitMemory['holds'] = [...(chip.modelInRam ? (['model'] as const) : []), ...(arenaInPsram ? (['arena'] as const) : [])];
    if (holds.length > 0) {
      const needBytes = (chip.modelInRam ? arena.modelBytes : 0) + (arenaInPsram ? arena.arenaBytes : 0);
      memory.push({ memory: 'psram', holds, needBytes, haveBytes: chip.psramBytes });
    }
  }
  memory.push({ memory: 'flash', holds: ['model'], needBytes: arena.modelBytes, haveBytes: chip.flashBytes - chip.firmwareFlashBytes });
  const over = (kind: FitMemory['memory'][]): boolean => memory.some((m) => kind.includes(m.memory) && m.needBytes > m.haveBytes);
  const exceeds: FitReport['exceeds'] = [...(over(['ram', 'psram']) ? (['ram'] as const) : []), ...(over(['flash']) ? (['flash'] as const) : [])];
  return { memory, exceeds, arenaInPsram };
}

function fitOnChip(arena: ArenaEstimate, scan: TflmScan, chip: ChipProfile, fileName: string, fitsMemory: readonly string[]): FitEstimate {
  const { memory, exceeds, arenaInPsram } = placeOnChip(arena, chip);
  const { unsupportedOps } = scan;
  const verdict: FitEstimate['verdict'] =
    exceeds.length > 0 ? 'does-not-fit' : unsupportedOps.length > 0 ? 'cannot-run' : arenaInPsram ? 'fits-in-psram' : 'fits';
  const base = { ...arena, chip, verdict, exceeds, memory, unsupportedOps, remedies: remediesFor(scan, exceeds, chip, fitsMemory) };
  const needs = `about ${arenaText(arena)} and ${size(arena.weightsBytes)} of weights`;
  const flashBudget = chip.flashBytes - chip.firmwareFlashBytes;
  const refused = unsupportedOps.reduce((sum, op) => sum + op.count, 0);
  const ops = refused > 0 ? `TFLite Micro cannot run ${refused} of its ${scan.operators} operators: ${unsupportedOps.map(describeOp).join('; ')}.` : '';
  switch (verdict) {
    case 'does-not-fit': {
      const limits = memory.filter((m) => m.needBytes > m.haveBytes).map((m) => limitClause(m, arena));
      return { ...base, sentence: `${fileName} does not fit the ${chip.label}: ${limits.join('; ')}.${ops ? ` ${ops}` : ''}` };
    }
    case 'cannot-run':
      return { ...base, sentence: `${fileName} fits the memory of the ${chip.label} (${needs}), but ${ops}` };
    case 'fits-in-psram':
      return {
        ...base,
        sentence: `${fileName} fits the ${chip.label} only with its tensor arena in PSRAM: it needs ${needs}, more than the ${size(chip.usableRamBytes)} of internal RAM; expect slower inference than with the arena in SRAM.`,
      };
    default:
      return {
        ...base,
        sentence: `${fileName} fits the ${chip.label}: it needs ${needs}, within ${size(chip.usableRamBytes)} of usable RAM and ${size(flashBudget)} of flash beside the firmware. The firmware reports the exact arena after loading.`,
      };
  }
}

/** "RAM: it needs about 1.2 MiB (tensor arena, estimate, plus the 600 KiB model) but the board has about 320 KiB of usable RAM". */
function limitClause(m: FitMemory, arena: ArenaEstimate): string {
  if (m.memory === 'flash') return `flash: the ${size(arena.modelBytes)} model is more than the ${size(m.haveBytes)} of flash left beside the firmware`;
  const parts = [...(m.holds.includes('arena') ? [`about ${arenaText(arena)}`] : []), ...(m.holds.includes('model') ? [`the ${size(arena.modelBytes)} model itself`] : [])];
  const where = m.memory === 'ram' ? 'of usable RAM' : 'of PSRAM';
  return `RAM: it needs ${parts.join(' plus ')} in ${m.memory === 'ram' ? 'internal RAM' : 'PSRAM'}, but the board has about ${size(m.haveBytes)} ${where}`;
}

/** "1.2 MiB of tensor arena (estimate)", saying how much of it is weights expanded at run time. */
function arenaText(arena: ArenaEstimate): string {
  // Named only when it matters (a twentieth of the arena or more).
  const expanded = arena.expandedWeightsBytes * 20 >= arena.arenaBytes ? `, ${size(arena.expandedWeightsBytes)} of it for weights DEQUANTIZE or DENSIFY expand at run time` : '';
  return `${size(arena.arenaBytes)} of tensor arena (estimate${expanded})`;
}

function describeOp(op: FitUnsupportedOp): string {
  const times = op.count === 1 ? '' : ` ×${op.count}`;
  switch (op.reason) {
    case 'sparse-weights':
      return `${op.op}${times} (sparse weights; TFLite Micro has no ${op.op} kernel)`;
    case 'custom-op':
      return `${op.op}${times} (a custom op TFLite Micro has no kernel for)`;
    case 'input-type':
      return `${op.op}${times} from ${op.inputType ?? '?'} (TFLite Micro's ${op.op} takes ${(op.acceptedTypes ?? []).join(', ')} only)`;
    default:
      return `${op.op}${times} (not among TFLite Micro's builtin kernels)`;
  }
}

/** Only what the user can carry out: things the studio checks again once done. */
function remediesFor(scan: TflmScan, exceeds: FitReport['exceeds'], chip: ChipProfile, fitsMemory: readonly string[]): FitRemedy[] {
  const remedies: FitRemedy[] = [];
  const float16Dequantize = scan.unsupportedOps.some((op) => op.reason === 'input-type' && op.inputType === 'float16');
  if (scan.floatWeights && (exceeds.length > 0 || float16Dequantize)) remedies.push({ kind: 'int8-tflite' });
  if (exceeds.length > 0) {
    const others = fitsMemory.filter((id) => id !== chip.id);
    if (others.length > 0) remedies.push({ kind: 'other-chips', chips: others });
    else if (!scan.floatWeights) remedies.push({ kind: 'smaller-model' });
  }
  if (scan.unsupportedOps.some((op) => op.reason === 'sparse-weights')) remedies.push({ kind: 'dense-weights' });
  const missing = scan.unsupportedOps.filter((op) => op.reason === 'custom-op' || op.reason === 'not-in-tflm').map((op) => op.op);
  if (missing.length > 0) {
    const replacements = Object.fromEntries(missing.flatMap((op) => (TFLM_BUILTIN_EQUIVALENTS[op] ? [[op, [...(TFLM_BUILTIN_EQUIVALENTS[op] ?? [])]]] : [])));
    remedies.push({ kind: 'builtin-ops', ops: missing, replacements });
  }
  return remedies;
}

function size(bytes: number): string {
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(1)} MiB`;
  if (bytes >= KiB) return `${(bytes / KiB).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}
