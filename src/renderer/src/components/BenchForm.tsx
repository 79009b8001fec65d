import { useState, type FormEvent } from 'react';
import type { ModelEntry, TargetEntry } from '../../../shared/contract';
import { DEFAULT_FORM, validateBenchForm, type BenchFormValues, type ValidBench } from '../bench-form';

interface Props {
  models: ModelEntry[];
  targets: TargetEntry[];
  /** A job is starting or running: the form waits. */
  busy: boolean;
  onStart: (bench: ValidBench) => void;
}

interface NumberInputProps {
  label: string;
  hint: string;
  value: string;
  error: string | undefined;
  testId?: string;
  onChange: (value: string) => void;
}

function NumberInput({ label, hint, value, error, testId, onChange }: NumberInputProps) {
  return (
    <label className={`field number${error ? ' invalid' : ''}`}>
      <span className="field-label">{label}</span>
      <input
        type="number"
        inputMode="numeric"
        min={0}
        value={value}
        data-testid={testId}
        aria-invalid={error ? true : undefined}
        onChange={(event) => onChange(event.currentTarget.value)}
      />
      <span className="field-hint">{error ?? hint}</span>
    </label>
  );
}

export function BenchForm({ models, targets, busy, onStart }: Props) {
  const [form, setForm] = useState<Omit<BenchFormValues, 'modelId' | 'targetId'>>(DEFAULT_FORM);
  const [modelId, setModelId] = useState('');
  const [targetId, setTargetId] = useState('');
  // Until the user picks, the first model and target are meant; they may arrive after the first render.
  const values: BenchFormValues = {
    ...form,
    modelId: models.some((m) => m.id === modelId) ? modelId : (models[0]?.id ?? ''),
    targetId: targets.some((t) => t.id === targetId) ? targetId : (targets[0]?.id ?? ''),
  };
  const result = validateBenchForm(values);
  const errors = result.ok ? {} : result.errors;
  const set = (field: keyof typeof form) => (value: string) => setForm((f) => ({ ...f, [field]: value }));

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (result.ok && !busy) onStart(result.value);
  };

  return (
    <form className="card bench-form" onSubmit={submit} aria-label="New benchmark" data-testid="bench-form">
      <h2 className="card-title">New benchmark</h2>
      <div className="form-row">
        <label className={`field grow${errors.modelId ? ' invalid' : ''}`}>
          <span className="field-label">Model</span>
          <select value={values.modelId} onChange={(e) => setModelId(e.currentTarget.value)} data-testid="bench-model-select">
            {models.length === 0 && <option value="">No models yet</option>}
            {models.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name} ({m.info.format}
                {m.variant !== 'float' ? `, ${m.variant}` : ''})
              </option>
            ))}
          </select>
          <span className="field-hint">{errors.modelId ?? ' '}</span>
        </label>
        <label className={`field grow${errors.targetId ? ' invalid' : ''}`}>
          <span className="field-label">Target</span>
          <select value={values.targetId} onChange={(e) => setTargetId(e.currentTarget.value)} data-testid="bench-target-select">
            {targets.map((t) => (
              <option key={t.id} value={t.id}>
                {t.kind === 'local' ? 'This computer' : t.name}
              </option>
            ))}
          </select>
          <span className="field-hint">{errors.targetId ?? ' '}</span>
        </label>
        <NumberInput label="Warmup runs" hint="Not measured" value={form.warmupRuns} error={errors.warmupRuns} testId="bench-warmup-input" onChange={set('warmupRuns')} />
        <NumberInput label="Runs" hint="Measured inferences" value={form.runs} error={errors.runs} testId="bench-runs-input" onChange={set('runs')} />
        <NumberInput label="Min time (ms)" hint="Keep measuring until" value={form.minTimeMs} error={errors.minTimeMs} testId="bench-mintime-input" onChange={set('minTimeMs')} />
        <NumberInput label="Threads" hint="0 = runtime decides" value={form.threads} error={errors.threads} testId="bench-threads-input" onChange={set('threads')} />
        <div className="field actions">
          <button type="submit" className="button primary" disabled={!result.ok || busy} data-testid="bench-start">
            Start
          </button>
        </div>
      </div>
    </form>
  );
}
