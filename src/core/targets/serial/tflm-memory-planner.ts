/**
 * TensorFlow Lite Micro's GreedyMemoryPlanner, reimplemented from how
 * tensorflow/lite/micro/memory_planner/greedy_memory_planner.cc (tflite-micro 90b983c2) places
 * buffers, so the studio's arena figure is the one the firmware's interpreter arrives at:
 *
 * - Buffers with an offline offset (the model's "OfflineMemoryAllocation" metadata) keep it and
 *   are placed first, in the order they were added.
 * - The others are taken largest first. TFLM fills its sort array from the tail, so among buffers
 *   of equal size the one added last comes first (its sort is stable).
 * - The first buffer taken starts the offset-ordered list (at 0, or at its offline offset).
 * - Each later buffer walks that list, looking only at placed buffers alive at the same time
 *   (lifetimes are inclusive: sharing one time step is overlapping). It goes into the first gap
 *   between the end of the previous such buffer and the start of the next that is big enough, or
 *   after the last one. It joins the list after every buffer with the same or a lower offset.
 * - The arena's head is the highest end of any buffer.
 *
 * Sizes are taken as given: TFLM's allocator has already rounded them up to 16 bytes.
 */

/** One buffer to place: size in bytes and the allocation scopes (TFLM's "times") it is alive over. */
export interface PlannerBuffer {
  sizeBytes: number;
  firstUsed: number;
  lastUsed: number;
  /** Where the model's offline plan puts it, or null for the planner to choose. */
  offlineOffsetBytes: number | null;
}

export interface MemoryPlan {
  /** Offset of each buffer, in the order given. */
  offsets: number[];
  /** The highest end of any buffer: what the arena's head must hold. */
  peakBytes: number;
}

export function planGreedy(buffers: readonly PlannerBuffer[]): MemoryPlan {
  const offsets = buffers.map((buffer) => buffer.offlineOffsetBytes ?? -1);
  if (buffers.length === 0) return { offsets, peakBytes: 0 };
  const fixed = buffers.flatMap((buffer, id) => (buffer.offlineOffsetBytes !== null ? [id] : []));
  const online = buffers.flatMap((buffer, id) => (buffer.offlineOffsetBytes === null ? [id] : [])).reverse();
  // Array.prototype.sort is stable, as TFLM's bubble sort is: equal sizes keep the reversed order.
  online.sort((a, b) => (buffers[b] as PlannerBuffer).sizeBytes - (buffers[a] as PlannerBuffer).sizeBytes);
  const order = [...fixed, ...online];

  // Placed buffers in ascending offset order (TFLM keeps a linked list; an array does the same job).
  const placed: number[] = [];
  const overlaps = (id: number, first: number, last: number): boolean => {
    const other = buffers[id] as PlannerBuffer;
    return other.firstUsed <= last && first <= other.lastUsed;
  };
  order.forEach((id, rank) => {
    const wanted = buffers[id] as PlannerBuffer;
    let offset = 0;
    if (wanted.offlineOffsetBytes !== null) {
      offset = wanted.offlineOffsetBytes;
    } else if (rank > 0) {
      for (const other of placed) {
        if (!overlaps(other, wanted.firstUsed, wanted.lastUsed)) continue;
        if ((offsets[other] as number) - offset >= wanted.sizeBytes) break;
        offset = Math.max(offset, (offsets[other] as number) + (buffers[other] as PlannerBuffer).sizeBytes);
      }
    }
    offsets[id] = offset;
    // After every placed buffer whose offset is not greater: the list TFLM builds.
    let at = placed.length;
    while (at > 0 && (offsets[placed[at - 1] as number] as number) > offset) at -= 1;
    placed.splice(at, 0, id);
  });
  const peakBytes = buffers.reduce((peak, buffer, id) => Math.max(peak, (offsets[id] as number) + buffer.sizeBytes), 0);
  return { offsets, peakBytes };
}
