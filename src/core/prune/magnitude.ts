/**
 * The one magnitude rule every pruner uses: in each tensor (or channel group) the `amount`
 * fraction of smallest |w| become zero. Ties at the threshold are broken by position, so the count
 * of zeros is exactly round(amount × n) whatever the values, on every CPU.
 */
import { aroundAxis } from '../formats/shape-math';

/** Zeroes the round(amount × n) smallest-magnitude values of `data` in place; returns how many are zero after. */
export function zeroSmallestMagnitudes(data: Float32Array, amount: number): number {
  const n = data.length;
  const target = Math.round(amount * n);
  if (target > 0) {
    // The target-th smallest |w| (quickselect, linear time on millions of weights); below it
    // everything goes, at it the first ones by index until the count is met.
    const magnitudes = new Float32Array(n);
    for (let i = 0; i < n; i += 1) magnitudes[i] = Math.abs(data[i] as number);
    const threshold = kthSmallest(magnitudes, target - 1);
    let below = 0;
    for (let i = 0; i < n; i += 1) if (Math.abs(data[i] as number) < threshold) below += 1;
    let atThreshold = target - below;
    for (let i = 0; i < n; i += 1) {
      const magnitude = Math.abs(data[i] as number);
      if (magnitude < threshold) data[i] = 0;
      else if (magnitude === threshold && atThreshold > 0) {
        data[i] = 0;
        atThreshold -= 1;
      }
    }
  }
  return countZeros(data);
}

/** The k-th smallest value (0-based) of `values`, which it reorders: Hoare's quickselect with a median-of-three pivot. */
function kthSmallest(values: Float32Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    const [a, b, c] = [values[lo] as number, values[mid] as number, values[hi] as number];
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((values[i] as number) < pivot) i += 1;
      while ((values[j] as number) > pivot) j -= 1;
      if (i <= j) {
        const t = values[i] as number;
        values[i] = values[j] as number;
        values[j] = t;
        i += 1;
        j -= 1;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k] as number;
  }
  return values[k] as number;
}

export function countZeros(data: Float32Array): number {
  let zeros = 0;
  for (let i = 0; i < data.length; i += 1) if (data[i] === 0) zeros += 1;
  return zeros;
}

/**
 * The channels to remove along one axis: the round(amount × channels) channels with the smallest
 * L1 norm (ties broken by index), never all of them. `norms[c]` is channel c's L1 norm.
 */
export function weakestChannels(norms: Float64Array, amount: number): number[] {
  const channels = norms.length;
  const remove = Math.min(channels - 1, Math.round(amount * channels));
  const order = Array.from({ length: channels }, (_, c) => c).sort((a, b) => (norms[a] as number) - (norms[b] as number) || a - b);
  return order.slice(0, remove).sort((a, b) => a - b);
}

/** L1 norm of each slice of `data` (dims `dims`) along `axis`. */
export function channelL1Norms(data: Float32Array, dims: readonly number[], axis: number): Float64Array {
  const { outer, channels, inner } = aroundAxis(dims, axis);
  const norms = new Float64Array(channels);
  for (let o = 0; o < outer; o += 1)
    for (let c = 0; c < channels; c += 1)
      for (let i = 0; i < inner; i += 1) norms[c] = (norms[c] as number) + Math.abs(data[(o * channels + c) * inner + i] as number);
  return norms;
}

/** `data` (dims `dims`) without the given indices along `axis`, with its new dims. */
export function dropAlongAxis(data: Float32Array, dims: readonly number[], axis: number, drop: readonly number[]): { data: Float32Array; dims: number[] } {
  const { outer, channels, inner } = aroundAxis(dims, axis);
  const dropped = new Set(drop);
  const keep = Array.from({ length: channels }, (_, c) => c).filter((c) => !dropped.has(c));
  const out = new Float32Array(outer * keep.length * inner);
  let at = 0;
  for (let o = 0; o < outer; o += 1)
    for (const c of keep) {
      const from = (o * channels + c) * inner;
      out.set(data.subarray(from, from + inner), at);
      at += inner;
    }
  const newDims = [...dims];
  newDims[axis] = keep.length;
  return { data: out, dims: newDims };
}

