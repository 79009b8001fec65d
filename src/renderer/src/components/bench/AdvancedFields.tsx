import type { BenchFormErrors, BenchFormFields } from '../../bench-form';
import { NumberField } from './NumberField';

interface Props {
  form: BenchFormFields;
  errors: BenchFormErrors;
  onChange: (patch: Partial<BenchFormFields>) => void;
}

const GRAPH_LEVELS: Array<{ value: BenchFormFields['graphOptimizationLevel']; label: string }> = [
  { value: 'all', label: 'all (layout and fusions)' },
  { value: 'extended', label: 'extended' },
  { value: 'basic', label: 'basic (constant folding)' },
  { value: 'disabled', label: 'disabled' },
];

/** onnxruntime's session options and the profiler; folded away because the defaults suit most runs. */
export function AdvancedFields({ form, errors, onChange }: Props) {
  return (
    <details className="advanced" data-testid="bench-advanced">
      <summary>Advanced: onnxruntime options and op profile</summary>
      <div className="form-row">
        <label className="field grow">
          <span className="field-label">Graph optimization</span>
          <select
            value={form.graphOptimizationLevel}
            data-testid="bench-graph-opt"
            onChange={(e) => onChange({ graphOptimizationLevel: e.currentTarget.value as BenchFormFields['graphOptimizationLevel'] })}
          >
            {GRAPH_LEVELS.map((level) => (
              <option key={level.value} value={level.value}>
                {level.label}
              </option>
            ))}
          </select>
          <span className="field-hint">onnxruntime only</span>
        </label>
        <label className="field grow">
          <span className="field-label">Execution mode</span>
          <select
            value={form.executionMode}
            data-testid="bench-exec-mode"
            onChange={(e) => onChange({ executionMode: e.currentTarget.value as BenchFormFields['executionMode'] })}
          >
            <option value="sequential">sequential (one node at a time)</option>
            <option value="parallel">parallel (independent nodes at once)</option>
          </select>
          <span className="field-hint">Parallel uses the inter-op threads</span>
        </label>
        <NumberField
          label="Inter-op threads"
          hint="0 = runtime decides"
          value={form.interOpThreads}
          error={errors.interOpThreads}
          testId="bench-interop-input"
          disabledReason={form.executionMode === 'sequential' ? 'Used in parallel mode only' : undefined}
          onChange={(interOpThreads) => onChange({ interOpThreads })}
        />
        <NumberField
          label="Profile runs"
          hint="Extra runs for the op profile; 0 = none"
          value={form.profileRuns}
          error={errors.profileRuns}
          testId="bench-profile-runs-input"
          onChange={(profileRuns) => onChange({ profileRuns })}
        />
      </div>
    </details>
  );
}
