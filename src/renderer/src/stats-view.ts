import { PERCENTILE_MIN_SAMPLES, percentileSupported, type PercentileName } from '../../shared/run-schema';
import { formatMs } from '../../shared/units';

export const TOO_FEW_SAMPLES = 'too few samples';

/** A percentile's value, or "too few samples" with the reason for a tooltip (MLPerf's minimum counts). */
export function percentileCell(
  name: PercentileName,
  valueMs: number,
  count: number,
): { text: string; supported: boolean; title: string } {
  const min = PERCENTILE_MIN_SAMPLES[name];
  if (percentileSupported(name, count)) {
    return { text: formatMs(valueMs), supported: true, title: `${name} of ${count.toLocaleString('en-US')} samples` };
  }
  return {
    text: TOO_FEW_SAMPLES,
    supported: false,
    title: `${name} needs at least ${min.toLocaleString('en-US')} samples (MLPerf's minimum); this run has ${count.toLocaleString('en-US')}. Raise the runs or the min time.`,
  };
}
