import { useState, type FormEvent } from 'react';
import type { TargetConfig } from '../../../../shared/targets';
import { SerialFields } from './SerialFields';
import { SshFields } from './SshFields';
import { EMPTY_TARGET_FORM, formFromConfig, validateTargetForm, type TargetFormValues } from './target-form';
import { TextField } from './TextField';

interface Props {
  /** The stored target being edited; absent when adding one. */
  editing?: { id: string; config: TargetConfig };
  /** Names of the other stored targets (a name must tell targets apart). */
  otherNames: readonly string[];
  onSave: (config: TargetConfig) => Promise<void>;
  onCancel: () => void;
}

/**
 * Add or edit a target. Messages appear once the user tries to save, so an empty new form is not
 * covered in red; after that they follow every keystroke.
 */
export function TargetForm({ editing, otherNames, onSave, onCancel }: Props) {
  const [values, setValues] = useState<TargetFormValues>(() => (editing ? formFromConfig(editing.config) : EMPTY_TARGET_FORM));
  const [tried, setTried] = useState(false);
  const [saving, setSaving] = useState(false);
  const result = validateTargetForm(values, otherNames);
  const errors = tried && !result.ok ? result.errors : {};
  const patch = (change: Partial<TargetFormValues>): void => setValues((v) => ({ ...v, ...change }));

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setTried(true);
    if (!result.ok || saving) return;
    setSaving(true);
    try {
      await onSave(result.config);
    } finally {
      setSaving(false);
    }
  };

  const title = editing ? `Edit ${editing.config.name}` : 'Add target';
  return (
    <form className="card target-form" onSubmit={(event) => void submit(event)} aria-label={title} data-testid="target-form" noValidate>
      <h2 className="card-title">{title}</h2>
      {!editing && (
        <fieldset className="field kind-field">
          <legend className="field-label">Kind</legend>
          <div className="radio-row">
            <label className="radio">
              <input type="radio" name="target-kind" checked={values.kind === 'ssh'} data-testid="target-kind-ssh" onChange={() => patch({ kind: 'ssh' })} />
              SSH <span className="muted">Raspberry Pi, Jetson or any Linux board</span>
            </label>
            <label className="radio">
              <input type="radio" name="target-kind" checked={values.kind === 'serial'} data-testid="target-kind-serial" onChange={() => patch({ kind: 'serial' })} />
              Serial <span className="muted">ESP32 or STM32 board on a USB cable</span>
            </label>
          </div>
        </fieldset>
      )}
      <TextField
        label="Name"
        hint="Shown in runs and charts"
        placeholder={values.kind === 'ssh' ? 'pi4-lab' : 'esp32-s3'}
        className="name-field"
        value={values.name}
        error={errors.name}
        testId="target-name-input"
        onChange={(name) => patch({ name })}
      />
      {values.kind === 'ssh' ? <SshFields values={values} errors={errors} onChange={patch} /> : <SerialFields values={values} errors={errors} onChange={patch} />}
      <footer className="target-form-footer">
        {tried && !result.ok && (
          <span className="form-problem" role="alert" data-testid="target-form-problem">
            Fix the fields marked in red to save.
          </span>
        )}
        <button type="button" className="button" onClick={onCancel} data-testid="target-form-cancel">
          Cancel
        </button>
        <button type="submit" className="button primary" disabled={saving} data-testid="target-form-save">
          {saving ? 'Saving…' : editing ? 'Save changes' : 'Add target'}
        </button>
      </footer>
    </form>
  );
}
