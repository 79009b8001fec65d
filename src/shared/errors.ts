import { z } from 'zod';

/**
 * Stable error codes. They cross every transport as data (never as a bare string),
 * so the UI and the CLI can decide what to show and which exit code to use.
 */
export const ErrorCode = z.enum([
  'BAD_INPUT', // a flag, request field or argument is wrong: CLI exit code 2
  'FILE_NOT_FOUND',
  'MODEL_FORMAT', // a file is not a model we can read, or is damaged
  'WORKSPACE', // the workspace folder or one of its files cannot be used
  'RUNNER', // the runner process failed, crashed or timed out
  'RUNTIME', // the inference runtime refused the model or its inputs
  'CANCELLED',
  'NOT_FOUND', // an id (model, run, target, job) that does not exist
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** The shape an error takes when it crosses IPC, WebSocket or a CLI --json boundary. */
export const ErrorData = z.object({
  code: ErrorCode,
  /** One or two full sentences: what went wrong, quoting the offending value, and what to do. */
  message: z.string(),
  /** Where it happened: file, flag, host, device, job... */
  context: z.record(z.string(), z.string()).default({}),
});
export type ErrorData = z.infer<typeof ErrorData>;

/** The one error class every layer throws; `code` decides the CLI exit code and the UI's wording. */
export class StudioError extends Error {
  readonly code: ErrorCode;
  readonly context: Record<string, string>;

  constructor(code: ErrorCode, message: string, context: Record<string, string> = {}) {
    super(message);
    this.name = 'StudioError';
    this.code = code;
    this.context = context;
  }

  toData(): ErrorData {
    return { code: this.code, message: this.message, context: this.context };
  }

  static fromData(data: ErrorData): StudioError {
    return new StudioError(data.code, data.message, data.context);
  }
}

/** Turns anything thrown into error data without losing the message. */
export function toErrorData(error: unknown): ErrorData {
  if (error instanceof StudioError) return error.toData();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message: `Unexpected error: ${message}`, context: {} };
}
