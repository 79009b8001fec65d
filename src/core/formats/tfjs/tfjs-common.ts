/**
 * Defensive accessors for model.json topology, which comes from many converter and Keras
 * versions: a missing or oddly typed field reads as empty instead of throwing a TypeError.
 */

export interface TfjsEstimate {
  macs: number;
  macsByOp: Record<string, number>;
  /** "Conv2D 'conv1'" for each MAC op whose shapes could not be inferred. */
  skipped: string[];
}

export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** A positive integer or undefined. */
export function asCount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

const TF_DTYPES: Record<string, string> = {
  DT_FLOAT: 'float32',
  DT_HALF: 'float16',
  DT_BFLOAT16: 'bfloat16',
  DT_DOUBLE: 'float64',
  DT_INT32: 'int32',
  DT_INT64: 'int64',
  DT_INT16: 'int16',
  DT_INT8: 'int8',
  DT_UINT8: 'uint8',
  DT_UINT16: 'uint16',
  DT_BOOL: 'bool',
  DT_STRING: 'string',
  DT_COMPLEX64: 'complex64',
  DT_RESOURCE: 'resource',
};

/** TensorFlow DataType names ("DT_FLOAT") → ModelInfo dtype names ("float32"). */
export function tfDtypeName(value: string): string {
  if (value === '') return 'unknown';
  return TF_DTYPES[value] ?? value.replace(/^DT_/, '').toLowerCase();
}
