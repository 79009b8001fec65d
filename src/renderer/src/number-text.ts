/** A number as typed in a form field, checked against its limits: the value, or what to type instead. */
export interface NumberLimits {
  readonly min: number;
  /** Absent: no upper limit. */
  readonly max?: number;
  readonly integer: boolean;
}

export function checkNumberText(text: string, { min, max, integer }: NumberLimits): number | string {
  const trimmed = text.trim();
  const value = Number(trimmed);
  if (trimmed === '' || !Number.isFinite(value)) return 'Enter a number.';
  if (integer && !Number.isInteger(value)) return 'Enter a whole number.';
  if (max === undefined) return value < min ? `Use ${min} or more.` : value;
  if (value < min || value > max) return `Use ${min} to ${max.toLocaleString('en-US')}.`;
  return value;
}
