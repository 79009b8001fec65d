import { BENCH_SETTING_SPECS } from '../../../../shared/plugins/bench-settings';
import type { ModelFormat } from '../../../../shared/plugins/model-formats';
import type { BenchFormErrors, BenchFormFields } from '../../bench-form';
import { advancedFieldsFor, disabledReason, profilerInUse, type RuntimeField, type RuntimeFieldValues } from '../../runtime-fields';
import { NumberField } from './NumberField';

interface Props {
  form: BenchFormFields;
  /** The ticked models' formats: their runtimes' options are shown. */
  formats: readonly ModelFormat[];
  errors: BenchFormErrors;
  onChange: (patch: Partial<BenchFormFields>) => void;
}

interface FieldProps {
  field: RuntimeField;
  values: RuntimeFieldValues;
  error: string | undefined;
  onChange: (value: string | boolean) => void;
}

/** One runtime option, drawn as its spec says (src/shared/plugins/runtimes/<name>.ts). */
function RuntimeOptionField({ field, values, error, onChange }: FieldProps) {
  const value = values[field.key];
  const off = disabledReason(field, values);
  const input = field.input;
  switch (input.kind) {
    case 'number':
      return <NumberField label={field.label} hint={field.hint} value={String(value ?? '')} error={error} testId={field.testId} disabledReason={off} onChange={onChange} />;
    case 'toggle':
      return (
        <label className="checkbox" title={off ?? field.hint}>
          <input type="checkbox" checked={value === true} disabled={off !== undefined} data-testid={field.testId} onChange={(e) => onChange(e.currentTarget.checked)} />
          {field.label} <span className="muted">{off ?? field.hint}</span>
        </label>
      );
    case 'select':
    case 'text':
      return (
        <label className={`field grow${error && !off ? ' invalid' : ''}`}>
          <span className="field-label">{field.label}</span>
          {input.kind === 'select' ? (
            <select value={String(value ?? '')} disabled={off !== undefined} data-testid={field.testId} onChange={(e) => onChange(e.currentTarget.value)}>
              {input.choices.map((choice) => (
                <option key={choice.value} value={choice.value}>
                  {choice.label}
                </option>
              ))}
            </select>
          ) : (
            <input type="text" value={String(value ?? '')} placeholder={input.placeholder} disabled={off !== undefined} data-testid={field.testId} onChange={(e) => onChange(e.currentTarget.value)} />
          )}
          <span className="field-hint">{off ?? error ?? field.hint}</span>
        </label>
      );
  }
}

/**
 * The options of the runtimes the ticked models run on, and the profiler; folded away because the
 * defaults suit most runs. Generated from the runtime registry (src/renderer/src/runtime-fields.ts).
 */
export function AdvancedFields({ form, formats, errors, onChange }: Props) {
  const groups = advancedFieldsFor(formats);
  const profiled = profilerInUse(formats);
  const runtimes = groups.map((group) => group.label).join(', ');
  const values = form.runtimeOptions;
  const set = (key: string) => (value: string | boolean) => onChange({ runtimeOptions: { ...values, [key]: value } });
  const parts = [runtimes === '' ? null : `${runtimes} options`, profiled ? 'op profile' : null].filter((part): part is string => part !== null);
  // Nothing to set for these runtimes (LiteRT has no options and no profiler the studio reads).
  if (parts.length === 0) return null;
  return (
    <details className="advanced" data-testid="bench-advanced">
      <summary>{`Advanced: ${parts.join(' and ')}`}</summary>
      <div className="form-row">
        {groups.flatMap((group) =>
          group.fields.map((field) => <RuntimeOptionField key={field.key} field={field} values={values} error={errors.runtimeOptions?.[field.key]} onChange={set(field.key)} />),
        )}
        {profiled && (
          <NumberField
            label={BENCH_SETTING_SPECS.profileRuns.label}
            hint="Extra runs for the op profile; 0 = none"
            value={form.profileRuns}
            error={errors.profileRuns}
            testId="bench-profile-runs-input"
            onChange={(profileRuns) => onChange({ profileRuns })}
          />
        )}
      </div>
    </details>
  );
}
