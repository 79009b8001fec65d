/**
 * "Will it fit?" from a .tflite alone, before anything is flashed. The tensor arena is TensorFlow
 * Lite Micro's own plan: the buffers and lifetimes its allocator gives the model
 * (tflm-allocations.ts) laid out by a reimplementation of its GreedyMemoryPlanner
 * (tflm-memory-planner.ts), plus the interpreter's bookkeeping in the arena's tail, counted from
 * its structures where the file decides them and estimated where kernels decide them (ARENA_*
 * below). The firmware reports the exact figure (LOADED.arenaUsedBytes) after it builds the
 * interpreter.
 */
import type { FitEstimate as FitReport, FitMemory, FitRemedy, FitUnsupportedOp } from '../../../shared/contract';
import { StudioError } from '../../../shared/errors';
// Every size in a fit sentence is written as the fit card, the board's refusal and the CLI write it.
import { formatBytes as size } from '../../../shared/units';
import { FlatReader } from '../../formats/tflite/flat-reader';
import { readOperatorCode, requireTfliteIdentifier } from '../../formats/tflite/tflite-reader';
import { BufferField, BuiltinOp, ModelField, OperatorField, SubGraphField, TensorField, tensorTypeName } from '../../formats/tflite/tflite-schema';
import { tflmAllocations } from './tflm-allocations';
import { alignUp } from './tflm-kernel-memory';
import { planGreedy } from './tflm-memory-planner';
import { EDGEBENCH_FIRMWARE_OP_RESOLVER, EDGEBENCH_FIRMWARE_OPS, TFLM_BUILTIN_EQUIVALENTS, TFLM_BUILTIN_OPS, TFLM_CUSTOM_OPS, TFLM_INPUT_TYPES } from './tflm-ops';

/** Bytes per element by ModelInfo dtype name (int4 is packed two per byte; we count a byte). */
export const DTYPE_BYTES: Readonly<Record<string, number>> = {
  float32: 4, float16: 2, int32: 4, uint8: 1, int64: 8, bool: 1, int16: 2, int8: 1, float64: 8, uint64: 8, uint32: 4, uint16: 2, int4: 1, complex64: 8,
};

/*
 * The arena's tail, from TFLM's structures as a 32-bit microcontroller lays them out
 * (tensorflow/lite/core/c/common.h under TF_LITE_STATIC_MEMORY, micro_allocator.h):
 */
/** TfLiteEvalTensor per tensor of every subgraph: data pointer, dims pointer, type. */
const ARENA_EVAL_TENSOR_BYTES = 12;
/** NodeAndRegistration per operator: TfLiteNode (six pointers and an int) and the registration pointer. */
const ARENA_NODE_BYTES = 32;
/** ScratchBufferHandle per scratch buffer: one pointer. */
const ARENA_SCRATCH_HANDLE_BYTES = 4;
/**
 * Estimates, where kernels decide: an operator's parsed builtin options and its kernel's OpData
 * (tens of bytes to a little over a hundred each, 16-byte aligned), and the fixed part (the
 * allocator, planner and interpreter objects, the subgraph tables, the input and output
 * TfLiteTensors the interpreter keeps).
 */
const ARENA_OPERATOR_STATE_BYTES = 128;
const ARENA_FIXED_BYTES = 2048;
/**
 * While TFLM plans, its head holds an AllocationInfo per candidate buffer (24 bytes), the
 * planner's arrays (40 bytes per planned buffer: greedy_memory_planner.h per_buffer_size) and the
 * scratch requests (12 bytes each, with room for 12 more); the arena must hold that too.
 */
const PLANNING_ALLOCATION_INFO_BYTES = 24;
const PLANNING_PER_BUFFER_BYTES = 40;
const PLANNING_SCRATCH_REQUEST_BYTES = 12;
const PLANNING_SPARE_SCRATCH_REQUESTS = 12;

/** What the arena's tail holds besides the head's plan, as counted (see ARENA_* above). */
export interface ArenaBookkeeping {
  evalTensorsBytes: number;
  nodesBytes: number;
  scratchHandlesBytes: number;
  /** Variable tensors (allocated once, not planned). */
  variableBytes: number;
  /** Per-channel multipliers and shifts of convolutions and per-channel quantized dense layers. */
  kernelDataBytes: number;
  /** Estimate: operators' options and kernel state. */
  operatorStateBytes: number;
  /** Estimate: allocator and interpreter objects. */
  fixedBytes: number;
  /** What planning itself needs beyond the plan, when that is more (small models with many tensors). */
  planningExcessBytes: number;
}

export interface ArenaEstimate {
  /** TFLite Micro's greedy plan of the arena's head: activations, inputs, outputs and kernels' scratch buffers. */
  plannedBytes: number;
  /** The interpreter's bookkeeping on top (the sum of `bookkeeping`). */
  overheadBytes: number;
  bookkeeping: ArenaBookkeeping;
  /** plannedBytes + overheadBytes: what to give the tensor arena. */
  arenaBytes: number;
  /** Constant tensor data (weights, biases): what a flashed build keeps in flash. */
  weightsBytes: number;
  /** How much of plannedBytes the weights expanded at run time (DEQUANTIZE of float16, DENSIFY) add: the plan with them minus the plan without. */
  expandedWeightsBytes: number;
  modelBytes: number;
  /** Tensors and operators of every subgraph. */
  tensors: number;
  operators: number;
  /** Scratch buffers TFLM's reference kernels request for this model. */
  scratchBuffers: number;
}

export function estimateArena(model: Uint8Array, fileName: string): ArenaEstimate {
  const fb = new FlatReader(model, fileName, 'TFLite model');
  requireTfliteIdentifier(fb, { name: fileName, data: model });
  const root = fb.root();
  const subgraphs = fb.tables(root, ModelField.subgraphs);
  if (subgraphs.length === 0) throw fb.error('it has no subgraph', 0);
  const buffers = fb.tables(root, ModelField.buffers);
  const bufferBytes = buffers.map((b) => fb.vector(b, BufferField.data, 1)?.length || Number(fb.uint64(b, BufferField.size)));
  // Weights: the buffers tensors use (metadata buffers are not weights), each once.
  const weightBuffers = new Set(subgraphs.flatMap((graph) => fb.tables(graph, SubGraphField.tensors).map((t) => fb.uint32(t, TensorField.buffer, 0))));
  const weightsBytes = [...weightBuffers].reduce((sum, index) => sum + (bufferBytes[index] ?? 0), 0);

  const allocations = tflmAllocations(fb, root, fileName);
  const plannedBytes = planGreedy(allocations.planned).peakBytes;
  // What the expanded weights add to the peak: the plan with them minus the plan without them.
  const expandedWeightsBytes = allocations.planned.some((buffer) => buffer.expandedWeights)
    ? plannedBytes - planGreedy(allocations.planned.filter((buffer) => !buffer.expandedWeights)).peakBytes
    : 0;
  const candidates = allocations.tensors + allocations.scratchBuffers;
  const planningBytes =
    alignUp(PLANNING_ALLOCATION_INFO_BYTES * candidates) +
    alignUp(PLANNING_PER_BUFFER_BYTES * allocations.planned.length) +
    alignUp(PLANNING_SCRATCH_REQUEST_BYTES * (allocations.scratchBuffers + PLANNING_SPARE_SCRATCH_REQUESTS));
  const bookkeeping: ArenaBookkeeping = {
    evalTensorsBytes: alignUp(ARENA_EVAL_TENSOR_BYTES * allocations.tensors),
    nodesBytes: alignUp(ARENA_NODE_BYTES * allocations.operators),
    scratchHandlesBytes: alignUp(ARENA_SCRATCH_HANDLE_BYTES * allocations.scratchBuffers),
    variableBytes: allocations.variableBytes,
    kernelDataBytes: allocations.kernelDataBytes,
    operatorStateBytes: ARENA_OPERATOR_STATE_BYTES * allocations.operators,
    fixedBytes: ARENA_FIXED_BYTES,
    planningExcessBytes: Math.max(0, planningBytes - plannedBytes),
  };
  const overheadBytes = Object.values(bookkeeping).reduce((sum, bytes) => sum + bytes, 0);
  return {
    plannedBytes,
    overheadBytes,
    bookkeeping,
    arenaBytes: plannedBytes + overheadBytes,
    weightsBytes,
    expandedWeightsBytes,
    modelBytes: model.byteLength,
    tensors: allocations.tensors,
    operators: allocations.operators,
    scratchBuffers: allocations.scratchBuffers,
  };
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
  /** Runs the EdgeBench firmware (resources/firmware/esp32-tflm, built for esp32 and esp32s3), so only the ops it registers run. */
  edgebenchFirmware: boolean;
}

const KiB = 1024;
const MiB = 1024 * KiB;

export const CHIP_PROFILES: readonly ChipProfile[] = [
  { id: 'esp32', label: 'ESP32 (no PSRAM, 4 MiB flash)', sramBytes: 520 * KiB, usableRamBytes: 320 * KiB, psramBytes: 0, flashBytes: 4 * MiB, firmwareFlashBytes: 900 * KiB, modelInRam: true, edgebenchFirmware: true },
  { id: 'esp32-wrover', label: 'ESP32-WROVER (4 MiB PSRAM, 4 MiB flash)', sramBytes: 520 * KiB, usableRamBytes: 300 * KiB, psramBytes: 4 * MiB, flashBytes: 4 * MiB, firmwareFlashBytes: 900 * KiB, modelInRam: true, edgebenchFirmware: true },
  { id: 'esp32s3', label: 'ESP32-S3 (no PSRAM, 8 MiB flash)', sramBytes: 512 * KiB, usableRamBytes: 330 * KiB, psramBytes: 0, flashBytes: 8 * MiB, firmwareFlashBytes: 900 * KiB, modelInRam: true, edgebenchFirmware: true },
  { id: 'esp32s3-n16r8', label: 'ESP32-S3 N16R8 (8 MiB PSRAM, 16 MiB flash)', sramBytes: 512 * KiB, usableRamBytes: 310 * KiB, psramBytes: 8 * MiB, flashBytes: 16 * MiB, firmwareFlashBytes: 900 * KiB, modelInRam: true, edgebenchFirmware: true },
  { id: 'stm32l4r5', label: 'STM32L4R5 (NUCLEO-L4R5ZI, MLPerf Tiny reference)', sramBytes: 640 * KiB, usableRamBytes: 600 * KiB, psramBytes: 0, flashBytes: 2 * MiB, firmwareFlashBytes: 120 * KiB, modelInRam: false, edgebenchFirmware: false },
  { id: 'stm32f746', label: 'STM32F746 (DISCO-F746NG)', sramBytes: 320 * KiB, usableRamBytes: 290 * KiB, psramBytes: 0, flashBytes: 1 * MiB, firmwareFlashBytes: 120 * KiB, modelInRam: false, edgebenchFirmware: false },
  // Its 1 MiB of SRAM is split into domains; the largest contiguous block (AXI SRAM) is 512 KiB.
  { id: 'stm32h743', label: 'STM32H743 (NUCLEO-H743ZI2)', sramBytes: 1 * MiB, usableRamBytes: 512 * KiB, psramBytes: 0, flashBytes: 2 * MiB, firmwareFlashBytes: 120 * KiB, modelInRam: false, edgebenchFirmware: false },
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
  /** Ops TFLM has kernels for that the EdgeBench firmware does not register (they matter on the chips it runs on). */
  notInFirmware: FitUnsupportedOp[];
  /** More than half the weight bytes are float32 or float16: a full-integer int8 conversion would shrink them 4x (2x). */
  floatWeights: boolean;
  /** Operators in every subgraph. */
  operators: number;
}

/** Every operator of every subgraph against TFLM's kernels and the EdgeBench firmware's (tflm-ops.ts), and the weights' types. */
export function scanForTflm(model: Uint8Array, fileName: string): TflmScan {
  const fb = new FlatReader(model, fileName, 'TFLite model');
  const root = fb.root();
  const codes = fb.tables(root, ModelField.operatorCodes).map((code) => readOperatorCode(fb, code));
  const buffers = fb.tables(root, ModelField.buffers).map((b) => fb.vector(b, BufferField.data, 1)?.length ?? 0);
  const found = new Map<string, FitUnsupportedOp>();
  const note = (op: FitUnsupportedOp): void => {
    const key = `${op.op}/${op.reason}/${op.inputType ?? ''}`;
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
        // The firmware takes no custom ops, not even those TFLM ships.
        note({ op: code.name, count: 1, reason: TFLM_CUSTOM_OPS.has(code.name) ? 'not-in-firmware' : 'custom-op' });
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
        if (!EDGEBENCH_FIRMWARE_OPS.has(code.name)) note({ op: code.name, count: 1, reason: 'not-in-firmware' });
      }
    }
  }
  const all = [...found.values()];
  return {
    unsupportedOps: all.filter((op) => op.reason !== 'not-in-firmware'),
    notInFirmware: all.filter((op) => op.reason === 'not-in-firmware'),
    floatWeights: weightBytes.float * 2 > weightBytes.all,
    operators,
  };
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
  const notInFirmware = chip.edgebenchFirmware ? scan.notInFirmware : [];
  const unsupportedOps = [...scan.unsupportedOps, ...notInFirmware];
  const verdict: FitEstimate['verdict'] =
    exceeds.length > 0 ? 'does-not-fit' : unsupportedOps.length > 0 ? 'cannot-run' : arenaInPsram ? 'fits-in-psram' : 'fits';
  const base = { ...arena, chip, verdict, exceeds, memory, unsupportedOps, remedies: remediesFor(scan, notInFirmware, exceeds, chip, fitsMemory) };
  const needs = `about ${arenaText(arena)} and ${size(arena.weightsBytes)} of weights`;
  const flashBudget = chip.flashBytes - chip.firmwareFlashBytes;
  const refused = scan.unsupportedOps.reduce((sum, op) => sum + op.count, 0);
  const tflmOps = refused > 0 ? `TFLite Micro cannot run ${refused} of its ${scan.operators} operators: ${scan.unsupportedOps.map(describeOp).join('; ')}.` : '';
  const firmwareOps = firmwareClause(notInFirmware);
  switch (verdict) {
    case 'does-not-fit': {
      const limits = memory.filter((m) => m.needBytes > m.haveBytes).map((m) => limitClause(m, arena));
      return { ...base, sentence: [`${fileName} does not fit the ${chip.label}: ${limits.join('; ')}.`, tflmOps, firmwareOps].filter(Boolean).join(' ') };
    }
    case 'cannot-run':
      return {
        ...base,
        sentence: tflmOps
          ? [`${fileName} fits the memory of the ${chip.label} (${needs}), but ${tflmOps}`, firmwareOps].filter(Boolean).join(' ')
          : `${fileName} fits the memory of the ${chip.label} (${needs}). ${firmwareOps}`,
      };
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

/** "TFLite Micro has DEPTH_TO_SPACE ×2 but the EdgeBench firmware does not register it; add it in op_resolver.cpp (…) and rebuild." */
function firmwareClause(ops: readonly FitUnsupportedOp[]): string {
  if (ops.length === 0) return '';
  const names = ops.map((op) => `${op.op}${op.count === 1 ? '' : ` ×${op.count}`}`);
  const listed = names.length === 1 ? (names[0] as string) : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] as string}`;
  const pronoun = ops.length === 1 ? 'it' : 'them';
  const folder = EDGEBENCH_FIRMWARE_OP_RESOLVER.replace(/\/op_resolver\.cpp$/, '');
  // tflm_runner.cpp refuses custom ops before the resolver sees them.
  const custom = ops.some((op) => !TFLM_BUILTIN_OPS.has(op.op)) ? ', let tflm_runner.cpp pass custom ops to the resolver,' : '';
  return `TFLite Micro has ${listed} but the EdgeBench firmware does not register ${pronoun}; add ${pronoun} in op_resolver.cpp (${folder})${custom} and rebuild.`;
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
    case 'not-in-firmware':
      return `${op.op}${times} (TFLite Micro has it; the EdgeBench firmware does not register it)`;
    default:
      return `${op.op}${times} (not among TFLite Micro's builtin kernels)`;
  }
}

/** Only what the user can carry out: things the studio checks again once done. */
function remediesFor(scan: TflmScan, notInFirmware: readonly FitUnsupportedOp[], exceeds: FitReport['exceeds'], chip: ChipProfile, fitsMemory: readonly string[]): FitRemedy[] {
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
  if (notInFirmware.length > 0) remedies.push({ kind: 'firmware-ops', ops: notInFirmware.map((op) => op.op) });
  return remedies;
}

