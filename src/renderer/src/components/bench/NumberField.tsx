interface Props {
  label: string;
  hint: string;
  value: string;
  error: string | undefined;
  testId: string;
  /** Set when another setting decides this value (the field is shown, greyed, with the reason). */
  disabledReason?: string;
  onChange: (value: string) => void;
}

/** A numeric field whose hint line turns into the validation message when the value is wrong. */
export function NumberField({ label, hint, value, error, testId, disabledReason, onChange }: Props) {
  const shownError = disabledReason ? undefined : error;
  return (
    <label className={`field number${shownError ? ' invalid' : ''}`}>
      <span className="field-label">{label}</span>
      <input
        type="number"
        inputMode="decimal"
        min={0}
        value={value}
        disabled={disabledReason !== undefined}
        data-testid={testId}
        aria-invalid={shownError ? true : undefined}
        onChange={(event) => onChange(event.currentTarget.value)}
      />
      <span className="field-hint">{disabledReason ?? shownError ?? hint}</span>
    </label>
  );
}
