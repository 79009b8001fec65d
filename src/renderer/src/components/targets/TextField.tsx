interface Props {
  label: string;
  /** Shown under the field until the value is wrong; then the validation message replaces it. */
  hint: string;
  value: string;
  error: string | undefined;
  testId: string;
  placeholder?: string;
  className?: string;
  list?: string;
  onChange: (value: string) => void;
}

export function TextField({ label, hint, value, error, testId, placeholder, className = '', list, onChange }: Props) {
  return (
    <label className={`field ${className}${error ? ' invalid' : ''}`}>
      <span className="field-label">{label}</span>
      <input
        type="text"
        value={value}
        placeholder={placeholder}
        list={list}
        spellCheck={false}
        autoComplete="off"
        data-testid={testId}
        aria-invalid={error ? true : undefined}
        onChange={(event) => onChange(event.currentTarget.value)}
      />
      <span className="field-hint">{error ?? hint}</span>
    </label>
  );
}
