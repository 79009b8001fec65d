import type { TargetEntry } from '../../../../shared/contract';
import { isImplicitTarget, kindBadge, targetTitle } from '../../target-kind-view';

interface Props {
  targets: TargetEntry[];
  picked: readonly string[];
  error: string | undefined;
  onChange: (targetIds: string[]) => void;
}

/** Where a matrix job runs: this computer and any stored boards, each running the whole matrix in parallel. */
export function TargetPicker({ targets, picked, error, onChange }: Props) {
  const toggle = (id: string, on: boolean): void => {
    // Keep the list's order, so cells come out grouped in the order the list shows.
    onChange(targets.map((t) => t.id).filter((t) => (t === id ? on : picked.includes(t))));
  };
  return (
    <fieldset className={`field target-picker${error ? ' invalid' : ''}`} data-testid="bench-targets">
      <legend className="field-label">
        Targets <span className="muted">· boards run in parallel, each its cells one at a time</span>
      </legend>
      <ul className="model-options target-options">
        {targets.map((target) => (
          <li key={target.id}>
            <label className="target-option" data-testid="bench-target-option" data-target-id={target.id}>
              <input
                type="checkbox"
                checked={picked.includes(target.id)}
                data-testid="bench-target-checkbox"
                onChange={(event) => toggle(target.id, event.currentTarget.checked)}
              />
              <span className="model-option-name">{targetTitle(target)}</span>
              <span className={`target-kind kind-${target.kind}`}>{kindBadge(target.kind)}</span>
              <span className="muted target-option-spec">{isImplicitTarget(target) ? '' : target.spec}</span>
            </label>
          </li>
        ))}
      </ul>
      <span className="field-hint">{error ?? (targets.length === 1 ? 'Add SSH boards and serial devices on the Targets page.' : ' ')}</span>
    </fieldset>
  );
}
