import { seededRandom } from '../../src/core/runner/input-data';

/**
 * A small seeded PRNG so `npm run train:demo` re-creates the same bytes on every run.
 * mulberry32: 32-bit state, passes the usual statistical smoke tests, plenty for weight init
 * and shuffling (not for cryptography).
 */
export class Prng {
  private readonly uniform: () => number;
  private spareNormal: number | undefined;

  constructor(seed: number) {
    // The runners' generator: one mulberry32 in the project.
    this.uniform = seededRandom(seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uniform();
  }

  /** Standard normal (Box-Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const spare = this.spareNormal;
      this.spareNormal = undefined;
      return spare;
    }
    const u = 1 - this.next(); // (0, 1], so log(u) is finite
    const v = this.next();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  }

  /** Fisher-Yates shuffle of an index array, in place. */
  shuffle(indices: Uint32Array): void {
    for (let i = indices.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = indices[i] as number;
      indices[i] = indices[j] as number;
      indices[j] = tmp;
    }
  }
}
