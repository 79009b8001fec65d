/**
 * A model's MACs per inference as the Models table and the model's summary both show them: the
 * figure, and a mark saying how it was counted when the model has open input sizes. A count with
 * every open dim taken as 1 is the studio's stand-in, not the model's real work, so it is never
 * shown unmarked (one function, so the table and the summary cannot disagree).
 */
import type { ModelEntry, ModelMacs } from '../../shared/contract';
import { formatCount } from './format';
import { hasOpenSizes } from './input-sizes-form';

export const OPEN_DIMS_AS_ONE = 'open dims as 1';
export const AT_SAVED_SIZES = 'at the saved input sizes';

export interface MacsFigure {
  /** "4.15 M". */
  value: string;
  /** How it was counted: null when the model has no open sizes (the count is the model's own). */
  note: typeof OPEN_DIMS_AS_ONE | typeof AT_SAVED_SIZES | null;
  /** True when the figure counts open dims as 1: a stand-in, marked wherever it is shown. */
  openDimsAsOne: boolean;
}

/** The model's MACs: at its saved sizes when the engine counted them (`saved`), else the reader's own count. */
export function macsFigure(info: Pick<ModelEntry['info'], 'macs' | 'inputs'>, saved: Pick<ModelMacs, 'macs' | 'atSavedSizes'> | undefined): MacsFigure {
  const counted = saved ?? { macs: info.macs, atSavedSizes: false };
  if (counted.atSavedSizes) return { value: formatCount(counted.macs), note: AT_SAVED_SIZES, openDimsAsOne: false };
  const open = hasOpenSizes(info.inputs);
  return { value: formatCount(counted.macs), note: open ? OPEN_DIMS_AS_ONE : null, openDimsAsOne: open };
}
