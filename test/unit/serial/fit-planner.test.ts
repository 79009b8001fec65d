/**
 * The tensor arena as TensorFlow Lite Micro plans it: the greedy planner on lifetimes worked out by
 * hand, the lifetimes TFLM's allocator gives a model's tensors (subgraphs, variables, constants,
 * unused tensors, scratch buffers, an offline plan), what its reference kernels take besides, and
 * the plan of every MediaPipe model in the real-model table against the figure TFLM's own
 * GreedyMemoryPlanner gave for it (scripts/check-tflm-planner.ts compares every offset with TFLM's
 * C++ code where a tflite-micro checkout is at hand).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { BUILTIN_OPERATOR_NAMES } from '../../../src/core/formats/tflite/tflite-schema';
import { FlatReader } from '../../../src/core/formats/tflite/flat-reader';
import { estimateArena } from '../../../src/core/targets/serial/fit-estimate';
import { tflmAllocations } from '../../../src/core/targets/serial/tflm-allocations';
import { referenceKernelMemory, type KernelTensor } from '../../../src/core/targets/serial/tflm-kernel-memory';
import { planGreedy, type PlannerBuffer } from '../../../src/core/targets/serial/tflm-memory-planner';
import { loadTable, modelPath } from '../../real-models/table';
import { buildTflite, TensorType, type TfliteSpec } from '../formats/tflite-builder';

const online = (sizeBytes: number, firstUsed: number, lastUsed: number): PlannerBuffer => ({ sizeBytes, firstUsed, lastUsed, offlineOffsetBytes: null });
const code = (name: string): { deprecated: number; builtin: number } => ({ deprecated: BUILTIN_OPERATOR_NAMES.indexOf(name), builtin: BUILTIN_OPERATOR_NAMES.indexOf(name) });

function allocationsOf(model: Uint8Array): ReturnType<typeof tflmAllocations> {
  const fb = new FlatReader(model, 'test.tflite', 'TFLite model');
  return tflmAllocations(fb, fb.root(), 'test.tflite');
}

/** [kind, subgraph, index, size, first, last] of every planned buffer, in TFLM's order. */
function lifetimes(model: Uint8Array): Array<[string, number, number, number, number, number]> {
  return allocationsOf(model).planned.map((b) => [b.kind, b.subgraph, b.index, b.sizeBytes, b.firstUsed, b.lastUsed]);
}

describe('the greedy planner', () => {
  test('reuses the memory of buffers whose lifetimes do not overlap', () => {
    // Largest first, equal sizes in reverse order of adding: C (100, [2,3]) at 0, A (100, [0,1]) at 0
    // too (they never meet), B (50, [1,2]) meets both, so it goes after them at 100.
    expect(planGreedy([online(100, 0, 1), online(50, 1, 2), online(100, 2, 3)])).toEqual({ offsets: [0, 100, 0], peakBytes: 150 });
  });

  test('among equal sizes the buffer added last is placed first, as TFLM fills its sort from the tail', () => {
    // Order 3, 2, 1, 0: 3 [3,5] at 0; 2 [1,3] meets 3, at 16; 1 [0,2] meets only 2, fits below it at 0;
    // 0 [4,5] meets only 3, at 16. Placing them in the order added instead would need 48 bytes.
    const buffers = [online(16, 4, 5), online(16, 0, 2), online(16, 1, 3), online(16, 3, 5)];
    expect(planGreedy(buffers)).toEqual({ offsets: [16, 0, 16, 0], peakBytes: 32 });
    expect(planGreedy([...buffers].reverse()).peakBytes).toBe(48);
  });

  test('offline offsets are kept and the rest fills the gaps around them', () => {
    // A is fixed at 32. B (48) meets A and does not fit in the 32 bytes below it: after A, at 96.
    // D (32) and C (16) meet A only, and fit below it at 0.
    const buffers: PlannerBuffer[] = [{ sizeBytes: 64, firstUsed: 0, lastUsed: 3, offlineOffsetBytes: 32 }, online(48, 1, 2), online(16, 0, 0), online(32, 3, 3)];
    expect(planGreedy(buffers)).toEqual({ offsets: [32, 96, 0, 0], peakBytes: 144 });
  });

  test('nothing to plan is an empty head', () => {
    expect(planGreedy([])).toEqual({ offsets: [], peakBytes: 0 });
  });
});

describe("TFLM's allocation lifetimes", () => {
  const float = (name: string, shape: number[], extra: Partial<TfliteSpec['tensors'][number]> = {}): TfliteSpec['tensors'][number] => ({ name, shape, type: TensorType.FLOAT32, ...extra });

  test('scopes through a WHILE: its cond and body are marked inside its own scope; constants and variables are not planned; an unused tensor is', () => {
    const model = buildTflite({
      version: 3,
      opcodes: [code('ADD'), code('WHILE'), code('MUL'), code('GREATER'), code('RELU')],
      tensors: [
        float('in', [1, 4]),
        float('w', [4], { buffer: 1 }),
        float('a', [1, 4]),
        float('b', [1, 4]),
        float('out', [1, 4]),
        float('state', [1, 4], { variable: true }),
        float('unused', [1, 2]),
      ],
      inputs: [0],
      outputs: [4],
      operators: [
        { opcode: 0, inputs: [0, 1], outputs: [2] },
        { opcode: 1, inputs: [2], outputs: [3], subgraphs: [1, 2] },
        { opcode: 2, inputs: [3, 0, 5], outputs: [4] },
      ],
      subgraphs: [
        { tensors: [float('c_in', [1, 4]), { name: 'c_out', shape: [], type: 6 }], inputs: [0], outputs: [1], operators: [{ opcode: 3, inputs: [0, 0], outputs: [1] }] },
        { tensors: [float('b_in', [1, 4]), float('b_out', [1, 4])], inputs: [0], outputs: [1], operators: [{ opcode: 4, inputs: [0], outputs: [1] }] },
      ],
      buffers: [new Uint8Array(0), new Uint8Array(16)],
    });
    // Scope 0: 'in'. 1: ADD. 2: WHILE, 3: its cond's inputs, 4: GREATER, 5: the body's inputs,
    // 6: RELU, where WHILE's own inputs are last used. 7: MUL and the model's outputs.
    expect(lifetimes(model)).toEqual([
      ['tensor', 0, 0, 16, 0, 7],
      ['tensor', 0, 2, 16, 1, 6],
      ['tensor', 0, 3, 16, 2, 7],
      ['tensor', 0, 4, 16, 7, 7],
      ['tensor', 0, 6, 16, -1, -1],
      ['tensor', 1, 0, 16, 3, 4],
      ['tensor', 1, 1, 16, 4, 4],
      ['tensor', 2, 0, 16, 5, 6],
      ['tensor', 2, 1, 16, 6, 6],
    ]);
    const allocations = allocationsOf(model);
    expect(allocations).toMatchObject({ tensors: 11, operators: 5, subgraphs: 3, variableBytes: 16, scratchBuffers: 0 });
    // Five buffers are alive at scope 6 (in, a, b, b_in, b_out): the plan needs no more.
    expect(planGreedy(allocations.planned).peakBytes).toBe(80);
  });

  test("a reduction's scratch buffers live for its own scope, after every tensor", () => {
    const model = buildTflite({
      version: 3,
      opcodes: [code('MEAN')],
      tensors: [float('x', [1, 4, 4, 2]), { name: 'axes', shape: [2], type: TensorType.INT32, buffer: 1 }, float('y', [1, 2])],
      inputs: [0],
      outputs: [2],
      operators: [{ opcode: 0, inputs: [0, 1], outputs: [2] }],
      buffers: [new Uint8Array(0), new Uint8Array(new Int32Array([1, 2]).buffer)],
    });
    // MEAN over a float input: an int per input dim (16 bytes) and per axis (8, rounded to 16).
    expect(lifetimes(model)).toEqual([
      ['tensor', 0, 0, 128, 0, 1],
      ['tensor', 0, 2, 16, 1, 1],
      ['scratch', 0, 0, 16, 1, 1],
      ['scratch', 0, 0, 16, 1, 1],
    ]);
    expect(planGreedy(allocationsOf(model).planned).peakBytes).toBe(176);
  });

  const chain = (offsets?: number[]): Uint8Array => {
    const plan = offsets ? new Int32Array([1, 1, offsets.length, ...offsets]) : undefined;
    return buildTflite({
      version: 3,
      opcodes: [code('RELU')],
      tensors: [float('in', [1, 16]), float('mid', [1, 16]), float('out', [1, 16])],
      inputs: [0],
      outputs: [2],
      operators: [
        { opcode: 0, inputs: [0], outputs: [1] },
        { opcode: 0, inputs: [1], outputs: [2] },
      ],
      buffers: plan ? [new Uint8Array(0), new Uint8Array(plan.buffer)] : [new Uint8Array(0)],
      ...(plan ? { metadata: [{ name: 'OfflineMemoryAllocation', buffer: 1 }] } : {}),
    });
  };

  test("the model's OfflineMemoryAllocation metadata fixes offsets; -1 leaves a tensor to the planner", () => {
    // Planned online, 'out' reuses the memory of 'in': 128 bytes. Fixed apart at 0, 64 and 128: 192.
    expect(estimateArena(chain(), 'chain.tflite').plannedBytes).toBe(128);
    expect(estimateArena(chain([0, 64, 128]), 'chain.tflite').plannedBytes).toBe(192);
    const partly = allocationsOf(chain([-1, 256, -1])).planned;
    expect(partly.map((b) => b.offlineOffsetBytes)).toEqual([null, 256, null]);
    expect(planGreedy(partly)).toEqual({ offsets: [0, 256, 0], peakBytes: 320 });
  });

  test('an offline plan for a different number of tensors is refused as TFLM refuses it, in one sentence', () => {
    expect(() => estimateArena(chain([0, 64]), 'chain.tflite')).toThrowError(
      "chain.tflite's OfflineMemoryAllocation metadata gives offsets for 2 tensors but the model has 3, so TensorFlow Lite Micro refuses to load it: plan the model offline again, or remove that metadata.",
    );
  });
});

describe('the MediaPipe models', () => {
  // tflmArenaAtLeast is what TFLite Micro's GreedyMemoryPlanner (tflite-micro 90b983c2, built with g++) gave for each.
  // The table's own reader and paths: a row may be packed in an asset bundle (sliced out once).
  const rows = loadTable('tflite').map((row) => [row.id, row] as const);

  test.each(rows)("%s: the head is TFLM's own plan, to the byte", (_id, row) => {
    if (row.format !== 'tflite' || !row.fit) throw new Error(`${row.id} has no fit facts in test/models/tflite.json`);
    const arena = estimateArena(new Uint8Array(readFileSync(modelPath(row))), row.source.path);
    expect(arena.plannedBytes).toBe(row.fit.tflmArenaAtLeast);
    expect(arena.arenaBytes).toBe(arena.plannedBytes + arena.overheadBytes);
  });
});

describe("TFLM's reference kernels: arena beyond their tensors", () => {
  const t = (dtype: string, shape: number[], quantScales = 0): KernelTensor => ({ dtype, shape, quantScales });
  test.each([
    // [op, inputs, outputs, scratch requests, persistent tail bytes]
    ['CONV_2D float32: per-channel multiplier and shift for its 24 output channels, whatever its type', 'CONV_2D', [t('float32', [1, 8, 8, 3]), t('float32', [24, 3, 3, 3])], [t('float32', [1, 8, 8, 24])], [], 2 * 96],
    ['CONV_2D with an int4 filter: the filter unpacked, a byte per element', 'CONV_2D', [t('int8', [1, 8, 8, 3]), t('int4', [8, 3, 3, 3], 8)], [t('int8', [1, 8, 8, 8])], [216], 2 * 32],
    ['DEPTHWISE_CONV_2D: channels are the filter\'s last dim', 'DEPTHWISE_CONV_2D', [t('int8', [1, 8, 8, 5]), t('int8', [1, 3, 3, 5], 5)], [t('int8', [1, 8, 8, 5])], [], 2 * 32],
    ['TRANSPOSE_CONV int8: an int32 accumulator per output element', 'TRANSPOSE_CONV', [t('int32', [4]), t('int8', [4, 3, 3, 2], 4), t('int8', [1, 5, 5, 2])], [t('int8', [1, 10, 10, 4])], [1600], 2 * 16],
    ['TRANSPOSE_CONV int16 with an int16 bias: int64 accumulators, then the bias as int64', 'TRANSPOSE_CONV', [t('int32', [4]), t('int8', [4, 3, 3, 2], 4), t('int16', [1, 5, 5, 2]), t('int16', [4])], [t('int16', [1, 10, 10, 4])], [3200, 32], 2 * 16],
    ['FULLY_CONNECTED quantized per channel', 'FULLY_CONNECTED', [t('int8', [1, 64]), t('int8', [10, 64], 10)], [t('int8', [1, 10])], [], 2 * 48],
    ['FULLY_CONNECTED float32: nothing', 'FULLY_CONNECTED', [t('float32', [1, 64]), t('float32', [10, 64])], [t('float32', [1, 10])], [], 0],
    ['MEAN int8: an int32 accumulator per output element, then the index arrays', 'MEAN', [t('int8', [1, 4, 4, 8]), t('int32', [2])], [t('int8', [1, 8])], [32, 16, 8], 0],
    ['REDUCE_MAX: the index arrays only', 'REDUCE_MAX', [t('float32', [1, 4, 4, 8]), t('int32', [1])], [t('float32', [1, 4, 8])], [16, 4], 0],
    ['MIRROR_PAD: two int arrays of the input rank', 'MIRROR_PAD', [t('float32', [1, 4, 4, 8]), t('int32', [4, 2])], [t('float32', [1, 6, 6, 8])], [16, 16], 0],
    ['ADD_N float32: a 32-bit pointer per input', 'ADD_N', [t('float32', [4]), t('float32', [4]), t('float32', [4])], [t('float32', [4])], [12], 0],
    ['RELU: nothing', 'RELU', [t('float32', [4])], [t('float32', [4])], [], 0],
  ] as const)('%s', (_what, op, inputs, outputs, scratchBytes, persistentBytes) => {
    expect(referenceKernelMemory(op, inputs, outputs)).toEqual({ scratchBytes, persistentBytes });
  });
});
