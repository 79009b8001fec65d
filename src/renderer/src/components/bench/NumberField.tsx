interface Props {
  label: string;
  hint: string;
  value: string;
  error: string | undefined;
  testId: string;
  /** Set when another setting decides this value (the field is shown, greyed, with the reason). */
  disabledReason?: string;
  onChange: (value: string) => void;
  /** The setting's --help line, as a tooltip. */
  title?: string;
  /** The smallest value the spinner offers (default 0). */
  min?: number;
  /** Shown while the field is empty (what empty means). */
  placeholder?: string;
}

/** A numeric field whose hint line turns into the validation message when the value is wrong. */
export function NumberField({ label, hint, value, error, testId, disabledReason, onChange, title, min = 0, placeholder }: Props) {
  const shownError = disabledReason ? undefined : error;
  return (
    <label className={`field number${shownError ? ' invalid' : ''}`} title={title}>
      <span className="field-label">{label}</span>
      <input
        type="number"
        inputMode="decimal"
        min={min}
        value={value}
        placeholder={placeholder}
        disabled={disabledReason !== undefined}
        data-testid={testId}
        aria-invalid={shownError ? true : undefined}
        onChange={(event) => onChange(event.currentTarget.value)}
      />
      <span className="field-hint">{disabledReason ?? shownError ?? hint}</span>
    </label>
  );
}
