/** Turning label values from files into class indices and class names, shared by the tensor importers. */
import { StudioError } from '../../../shared/errors';

/** Checks integer labels and names their classes (given names, or '0'..max). */
export function classesForLabels(labels: Int32Array, given: string[] | undefined, source: string): string[] {
  let max = -1;
  for (const label of labels) max = Math.max(max, label);
  if (given) {
    if (max >= given.length) {
      throw new StudioError(
        'BAD_INPUT',
        `'${source}' has label ${max} but only ${given.length} class names were given; give one name per class (0..${max}).`,
        { file: source },
      );
    }
    return given;
  }
  return Array.from({ length: max + 1 }, (_, i) => String(i));
}

/** Label values must be whole numbers ≥ 0; `where(i)` names the offending entry. */
export function toLabelIndex(value: number, source: string, where: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) {
    throw new StudioError(
      'BAD_INPUT',
      `'${source}' has label ${value} at ${where}; labels must be class indices (whole numbers from 0). Convert them, e.g. with argmax for one-hot labels.`,
      { file: source },
    );
  }
  return value;
}
