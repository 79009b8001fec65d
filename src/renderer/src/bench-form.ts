/** The New-benchmark form's fields as typed text, and their validation. */
export interface BenchFormValues {
  modelId: string;
  targetId: string;
  warmupRuns: string;
  runs: string;
  minTimeMs: string;
  threads: string;
}

export const DEFAULT_FORM: Omit<BenchFormValues, 'modelId' | 'targetId'> = {
  warmupRuns: '10',
  runs: '100',
  minTimeMs: '0',
  threads: '0',
};

type NumberField = 'warmupRuns' | 'runs' | 'minTimeMs' | 'threads';

const LIMITS: Record<NumberField, { min: number; max: number; integer: boolean }> = {
  warmupRuns: { min: 0, max: 100_000, integer: true },
  runs: { min: 1, max: 1_000_000, integer: true },
  minTimeMs: { min: 0, max: 3_600_000, integer: false },
  threads: { min: 0, max: 1024, integer: true },
};

export type BenchFormErrors = Partial<Record<keyof BenchFormValues, string>>;

export interface ValidBench {
  modelId: string;
  targetId: string;
  settings: { warmupRuns: number; runs: number; minTimeMs: number; threads: number };
}

function checkNumber(field: NumberField, text: string): number | string {
  const { min, max, integer } = LIMITS[field];
  const trimmed = text.trim();
  const value = Number(trimmed);
  if (trimmed === '' || !Number.isFinite(value)) return 'Enter a number.';
  if (integer && !Number.isInteger(value)) return 'Enter a whole number.';
  if (value < min || value > max) return `Use ${min} to ${max.toLocaleString('en-US')}.`;
  return value;
}

/** Either the request to send, or one message per field that is wrong. */
export function validateBenchForm(values: BenchFormValues): { ok: true; value: ValidBench } | { ok: false; errors: BenchFormErrors } {
  const errors: BenchFormErrors = {};
  if (!values.modelId) errors.modelId = 'Choose a model (import one on the Models page).';
  if (!values.targetId) errors.targetId = 'Choose a target.';
  const numbers: Partial<Record<NumberField, number>> = {};
  for (const field of Object.keys(LIMITS) as NumberField[]) {
    const result = checkNumber(field, values[field]);
    if (typeof result === 'string') errors[field] = result;
    else numbers[field] = result;
  }
  const { warmupRuns, runs, minTimeMs, threads } = numbers;
  if (
    Object.keys(errors).length > 0 ||
    warmupRuns === undefined ||
    runs === undefined ||
    minTimeMs === undefined ||
    threads === undefined
  ) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    value: { modelId: values.modelId, targetId: values.targetId, settings: { warmupRuns, runs, minTimeMs, threads } },
  };
}
