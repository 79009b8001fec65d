import type { DatasetEntry, ModelEntry } from '../../../../shared/contract';
import { formatPercent } from '../../format';
import { formatBytes } from '../../../../shared/units';
import { routeLink } from '../../hooks/usePage';
import { calibrationLabel, recipeDetails } from '../../variant-view';
import { PrunedFacts } from './PrunedFacts';
import { SkippedList } from './SkippedList';

interface Props {
  variant: ModelEntry;
  parent: ModelEntry;
  datasets: readonly DatasetEntry[];
  /** Just made: shown highlighted. */
  fresh: boolean;
  onOpen: (id: string) => void;
  /** Starts a benchmark of the parent and this variant on This computer (a pruned variant offers it). */
  onBenchmark?: (modelIds: string[]) => void;
}

/** One variant of a model: what it is, how it was made, and what it costs in bytes. */
export function VariantRow({ variant, parent, datasets, fresh, onOpen, onBenchmark }: Props) {
  const share = parent.info.sizeBytes > 0 ? variant.info.sizeBytes / parent.info.sizeBytes : 0;
  const origin = variant.origin;
  const calibration = origin ? calibrationLabel(origin, datasets) : null;
  const details = origin ? recipeDetails(origin) : [];
  // A TFLite variant counts operators, and what it did not quantize stays float.
  const tflite = variant.info.format === 'tflite';
  const unit = tflite ? 'op' : 'node';
  return (
    <li className={`variant-row${fresh ? ' fresh' : ''}`} data-testid="variant-row" data-model-id={variant.id} data-size-share={share.toFixed(4)}>
      <div className="variant-head">
        {/* The recipe names a quantized variant (its file name only repeats the parent's); a linked one keeps its own name. */}
        <button type="button" className="link-button variant-name" onClick={() => onOpen(variant.id)} title={`Inspect ${variant.name}`} data-testid="variant-recipe">
          {variant.variant}
        </button>
        {origin?.kind === 'linked' && (
          <span className="muted small">
            {variant.info.fileName} · linked to {parent.name}
          </span>
        )}
        <span className="variant-size" data-testid="variant-size">
          {formatBytes(variant.info.sizeBytes)} <span className="muted">· {formatPercent(share, 0)} of float</span>
        </span>
        <a className="button tiny" href={routeLink({ page: 'diff', a: parent.id, b: variant.id })} data-testid="variant-diff" title={`What changed from ${parent.name} to this variant, node by node`}>
          Diff with parent
        </a>
      </div>
      {origin?.kind === 'pruned' && <PrunedFacts origin={origin} {...(onBenchmark ? { onBenchmark: () => onBenchmark([parent.id, variant.id]) } : {})} />}
      {origin?.kind === 'quantized' && (
        <div className="variant-facts">
          <span>
            {origin.quantizedNodes} {unit}
            {origin.quantizedNodes === 1 ? '' : 's'} quantized
          </span>
          {calibration && <span data-testid="variant-calibration">calibrated on {calibration}</span>}
          {details.map((detail) => (
            <span key={detail} data-testid="variant-detail">
              {detail}
            </span>
          ))}
          {origin.notes.map((note) => (
            <span key={note} className="muted" data-testid="variant-note">
              {note}
            </span>
          ))}
          {origin.skipped.length === 0 ? (
            <span className="muted">{tflite ? 'no op kept float' : 'none skipped'}</span>
          ) : (
            <SkippedList label={tflite ? `${origin.skipped.length} kept float` : `${origin.skipped.length} skipped`} items={origin.skipped} testId="variant-skipped" />
          )}
        </div>
      )}
    </li>
  );
}
