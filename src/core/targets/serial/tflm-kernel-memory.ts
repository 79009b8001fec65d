/**
 * What TensorFlow Lite Micro's reference kernels take from the tensor arena for one operator
 * besides its tensors, where the model's own shapes and types decide it (read from the kernels'
 * Prepare functions in tflite-micro 90b983c2, tensorflow/lite/micro/kernels):
 *
 * - scratch buffers (RequestScratchBufferInArena), planned with the tensors for the operator's
 *   own step: an int4 filter unpacked to a byte per element (CONV_2D, DEPTHWISE_CONV_2D,
 *   FULLY_CONNECTED); TRANSPOSE_CONV's int32 (int8 input) or int64 (int16 input) accumulator per
 *   output element and its int64 copy of an int16 bias; MIRROR_PAD's two index arrays; the
 *   reductions' index arrays (and MEAN's/SUM's int32 accumulator for int8/int16 inputs); ADD_N's
 *   pointer per input;
 * - persistent kernel data in the arena's tail: the per-channel requantization multiplier and
 *   shift (an int32 each per output channel) that CONV_2D, DEPTHWISE_CONV_2D and TRANSPOSE_CONV
 *   allocate whatever their type, and per-channel quantized FULLY_CONNECTED layers.
 *
 * Optimized kernels (Espressif's esp-nn, Arm's CMSIS-NN) ask for scratch of their own for int8
 * convolutions; that is not modelled here, which is one reason the firmware's report after loading
 * is the exact figure.
 */

/** A tensor as a kernel's Prepare sees it. */
export interface KernelTensor {
  /** ModelInfo dtype name, e.g. float32, int8. */
  dtype: string;
  shape: readonly number[];
  /** Entries of its quantization scale (more than 1: quantized per channel). */
  quantScales: number;
}

export interface KernelMemory {
  /** Scratch buffers the kernel requests, in request order (bytes before the allocator's 16-byte rounding). */
  scratchBytes: number[];
  /** Persistent allocations in the tail, each already rounded to the arena's 16 bytes. */
  persistentBytes: number;
}

/** Pointer size on the 32-bit microcontrollers the studio targets (ADD_N keeps one per input). */
const POINTER_BYTES = 4;
/** sizeof(int) and sizeof(int32_t) there. */
const INT_BYTES = 4;
const ARENA_ALIGN_BYTES = 16;

const NONE: KernelMemory = { scratchBytes: [], persistentBytes: 0 };

export function referenceKernelMemory(op: string, inputs: ReadonlyArray<KernelTensor | undefined>, outputs: ReadonlyArray<KernelTensor | undefined>): KernelMemory {
  const elements = (tensor: KernelTensor | undefined): number => (tensor ? tensor.shape.reduce((product, dim) => product * dim, 1) : 0);
  const perChannel = (channels: number | undefined): number => 2 * alignUp((channels ?? 0) * INT_BYTES);
  const output = outputs[0];
  switch (op) {
    case 'CONV_2D':
    case 'DEPTHWISE_CONV_2D': {
      const [input, filter] = inputs;
      if (!input || !filter) return NONE;
      // CONV_2D's filter is [Cout, kh, kw, Cin]; DEPTHWISE_CONV_2D's [1, kh, kw, Cout].
      const channels = op === 'CONV_2D' ? filter.shape[0] : filter.shape[3];
      return { scratchBytes: filter.dtype === 'int4' ? [elements(filter)] : [], persistentBytes: perChannel(channels) };
    }
    case 'TRANSPOSE_CONV': {
      // Inputs: output shape, filter [Cout, kh, kw, Cin], data, optional bias.
      const [, filter, input, bias] = inputs;
      if (!filter || !input) return NONE;
      const scratchBytes: number[] = [];
      if (input.dtype === 'int8') scratchBytes.push(elements(output) * INT_BYTES);
      if (input.dtype === 'int16') {
        scratchBytes.push(elements(output) * 8);
        if (bias?.dtype === 'int16') scratchBytes.push(elements(bias) * 8);
      }
      return { scratchBytes, persistentBytes: perChannel(filter.shape[0]) };
    }
    case 'FULLY_CONNECTED': {
      const [input, filter] = inputs;
      if (!input || !filter) return NONE;
      const quantizedPerChannel = input.dtype !== 'float32' && filter.quantScales > 1;
      return { scratchBytes: filter.dtype === 'int4' ? [elements(filter)] : [], persistentBytes: quantizedPerChannel ? perChannel(filter.quantScales) : 0 };
    }
    case 'MIRROR_PAD': {
      const rank = inputs[0]?.shape.length ?? 0;
      return { scratchBytes: [rank * INT_BYTES, rank * INT_BYTES], persistentBytes: 0 };
    }
    case 'MEAN':
    case 'SUM':
    case 'REDUCE_MAX':
    case 'REDUCE_MIN':
    case 'REDUCE_ALL': {
      const [input, axis] = inputs;
      if (!input) return NONE;
      const accumulator = (op === 'MEAN' || op === 'SUM') && (input.dtype === 'int8' || input.dtype === 'int16') ? [elements(output) * INT_BYTES] : [];
      return { scratchBytes: [...accumulator, input.shape.length * INT_BYTES, elements(axis) * INT_BYTES], persistentBytes: 0 };
    }
    case 'ADD_N':
      return output?.dtype === 'float32' || output?.dtype === 'int8' ? { scratchBytes: [inputs.length * POINTER_BYTES], persistentBytes: 0 } : NONE;
    default:
      return NONE;
  }
}

export function alignUp(bytes: number): number {
  return Math.ceil(bytes / ARENA_ALIGN_BYTES) * ARENA_ALIGN_BYTES;
}
