import { useState, type FormEvent } from 'react';
import type { TargetConfig, TargetFormField, TargetFormItem } from '../../../../shared/plugins/target-kinds';
import { emptyTargetForm, formFromConfig, offeredKinds, targetFormModel, validateTargetForm, visibleItems, type TargetFormErrors, type TargetFormState } from './target-form';
import { TextField } from './TextField';

interface Props {
  /** The stored target being edited; absent when adding one. */
  editing?: { id: string; config: TargetConfig };
  /** Names of the other stored targets (a name must tell targets apart). */
  otherNames: readonly string[];
  onSave: (config: TargetConfig) => Promise<void>;
  onCancel: () => void;
}

interface FieldProps {
  field: TargetFormField;
  values: Readonly<Record<string, string>>;
  errors: TargetFormErrors;
  onChange: (key: string, value: string) => void;
}

/** One field of a kind's form: a line of text (with suggested values) or one choice of several. */
function KindField({ field, values, errors, onChange }: FieldProps) {
  const value = values[field.key] ?? '';
  if (field.kind === 'choice') {
    return (
      <fieldset className={`field${field.className ? ` ${field.className}` : ''}`}>
        <legend className="field-label">{field.label}</legend>
        <div className="radio-row">
          {(field.choices ?? []).map((choice) => (
            <label key={choice.value} className="radio">
              <input type="radio" name={`target-${field.key}`} checked={value === choice.value} data-testid={`${field.testId}-${choice.value}`} onChange={() => onChange(field.key, choice.value)} />
              {choice.label} {choice.hint !== undefined && <span className="muted">{choice.hint}</span>}
            </label>
          ))}
        </div>
      </fieldset>
    );
  }
  const listId = field.suggestions ? `${field.testId}-suggestions` : undefined;
  return (
    <>
      <TextField
        label={field.label}
        hint={field.hint ?? ''}
        placeholder={field.placeholder}
        className={field.className}
        list={listId}
        value={value}
        error={errors[field.key]}
        testId={field.testId}
        onChange={(text) => onChange(field.key, text)}
      />
      {listId && (
        <datalist id={listId}>
          {field.suggestions?.map((suggestion) => (
            <option key={suggestion} value={suggestion} />
          ))}
        </datalist>
      )}
    </>
  );
}

function KindItem({ item, ...props }: Omit<FieldProps, 'field'> & { item: TargetFormItem }) {
  if ('row' in item) {
    return (
      <div className="form-row">
        {item.row.map((field) => (
          <KindField key={field.key} field={field} {...props} />
        ))}
      </div>
    );
  }
  if ('field' in item) return <KindField field={item.field} {...props} />;
  const { text, link, testId } = item.note;
  return (
    <p className="form-note" data-testid={testId}>
      {text}
      {link && (
        <>
          <a href={link.href} data-testid={link.testId}>
            {link.text}
          </a>
          {link.after}
        </>
      )}
    </p>
  );
}

/**
 * Add or edit a target, drawn from the chosen kind's form in the target kind registry. Messages
 * appear once the user tries to save, so an empty new form is not covered in red; after that they
 * follow every keystroke.
 */
export function TargetForm({ editing, otherNames, onSave, onCancel }: Props) {
  const [state, setState] = useState<TargetFormState>(() => (editing ? formFromConfig(editing.config) : emptyTargetForm()));
  const [tried, setTried] = useState(false);
  const [saving, setSaving] = useState(false);
  const result = validateTargetForm(state, otherNames);
  const errors = tried && !result.ok ? result.errors : {};
  const model = targetFormModel(state.kind);
  const values = state.fields[state.kind];
  const setField = (key: string, value: string): void =>
    setState((s) => ({ ...s, fields: { ...s.fields, [s.kind]: { ...s.fields[s.kind], [key]: value } } }));

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
            {offeredKinds().map((kind) => (
              <label key={kind.kind} className="radio">
                <input type="radio" name="target-kind" checked={state.kind === kind.kind} data-testid={`target-kind-${kind.kind}`} onChange={() => setState((s) => ({ ...s, kind: kind.kind }))} />
                {kind.label} <span className="muted">{kind.kindHint}</span>
              </label>
            ))}
          </div>
        </fieldset>
      )}
      <TextField
        label="Name"
        hint="Shown in runs and charts"
        placeholder={model.namePlaceholder}
        className="name-field"
        value={state.name}
        error={errors.name}
        testId="target-name-input"
        onChange={(name) => setState((s) => ({ ...s, name }))}
      />
      {visibleItems(model, values).map(({ index, item }) => (
        <KindItem key={`${state.kind}-${index}`} item={item} values={values} errors={errors} onChange={setField} />
      ))}
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
