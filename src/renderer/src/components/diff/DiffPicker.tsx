import { useState } from 'react';
import type { ModelEntry } from '../../../../shared/contract';
import type { RunSummary } from '../../../../shared/run-schema';
import { modelVariantLabel } from '../../../../shared/variants';
import { distinctModelLabels } from '../../model-labels';
import { formatDate } from '../../format';

export type DiffKind = 'models' | 'runs';

interface Props {
  kind: DiffKind;
  a: string;
  b: string;
  models: readonly ModelEntry[];
  runs: readonly RunSummary[];
  onPick: (a: string, b: string) => void;
}

const runText = (run: RunSummary): string =>
  `${modelVariantLabel({ name: run.modelName, variant: run.variant })} · ${run.targetName} · ${run.runtime} · ${formatDate(run.createdAt)}`;

/** Two models, or two runs, to diff: the choice becomes the page's URL (#/diff/<a>/<b>). */
export function DiffPicker({ kind: initialKind, a, b, models, runs, onPick }: Props) {
  const [kind, setKind] = useState<DiffKind>(initialKind);
  const modelLabels = distinctModelLabels(models);
  const options = kind === 'models' ? models.map((m) => ({ id: m.id, text: modelLabels.get(m.id) ?? modelVariantLabel(m) })) : runs.map((r) => ({ id: r.id, text: runText(r) }));
  const ids = new Set(options.map((o) => o.id));
  const first = options[0]?.id ?? '';
  const second = options[1]?.id ?? first;
  const pickedA = ids.has(a) ? a : first;
  const pickedB = ids.has(b) ? b : second;
  const select = (side: 'a' | 'b') => (
    <label>
      {side === 'a' ? 'A (before)' : 'B (after)'}
      <select
        data-testid={`diff-pick-${side}`}
        value={side === 'a' ? pickedA : pickedB}
        disabled={options.length === 0}
        onChange={(e) => (side === 'a' ? onPick(e.currentTarget.value, pickedB) : onPick(pickedA, e.currentTarget.value))}
      >
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.text}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <div className="diff-picker" data-testid="diff-picker">
      <label>
        Diff
        <select data-testid="diff-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as DiffKind)}>
          <option value="models">two models</option>
          <option value="runs">two runs (per-op latency)</option>
        </select>
      </label>
      {select('a')}
      {select('b')}
      <button type="button" className="button" data-testid="diff-swap" disabled={options.length === 0} onClick={() => onPick(pickedB, pickedA)}>
        Swap
      </button>
      {(kind !== initialKind || pickedA !== a || pickedB !== b) && options.length > 0 && (
        <button type="button" className="button primary" data-testid="diff-show" onClick={() => onPick(pickedA, pickedB)}>
          Show diff
        </button>
      )}
      {options.length < 2 && <span className="muted">{kind === 'models' ? 'Import two models (or make a variant) to diff them.' : 'Two runs are needed; runs with a profile can be diffed per op.'}</span>}
    </div>
  );
}
