import { z } from 'zod';
import { ErrorDetail, detailFromContext } from './error-details';
import { Wording } from './wording';

export { ErrorDetail } from './error-details';

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
  'TARGET', // a target cannot be reached or used: SSH connect, login, host key, transfer; a serial port that cannot be opened (exit 1, as RUNNER)
  'DEVICE', // the board misbehaved: it restarted, stayed silent, refused a command, runs other firmware (exit 1, as RUNNER)
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** The shape an error takes when it crosses IPC, WebSocket or a CLI --json boundary. */
export const ErrorData = z.object({
  code: ErrorCode,
  /** One or two full sentences: what went wrong, quoting the offending value, and what to do (in the CLI's words). */
  message: z.string(),
  /** Where it happened: file, flag, host, device, job... */
  context: z.record(z.string(), z.string()).default({}),
  /** What kind of failure, with its typed facts; absent for errors without a kind (and in data from before kinds were typed: see detailOf). */
  detail: ErrorDetail.optional(),
  /** The message as a template whose remedies each front-end words itself (remedies.ts). */
  wording: Wording.optional(),
});
export type ErrorData = z.infer<typeof ErrorData>;

/** A message built by `worded` (remedies.ts): the CLI's sentence and its template. */
export interface WordedMessage {
  readonly message: string;
  readonly wording: Wording;
}

export interface StudioErrorOptions {
  detail?: ErrorDetail;
}

/** The one error class every layer throws; `code` decides the CLI exit code and the UI's wording. */
export class StudioError extends Error {
  readonly code: ErrorCode;
  readonly context: Record<string, string>;
  readonly detail: ErrorDetail | undefined;
  readonly wording: Wording | undefined;

  constructor(code: ErrorCode, message: string | WordedMessage, context: Record<string, string> = {}, options: StudioErrorOptions = {}) {
    super(typeof message === 'string' ? message : message.message);
    this.name = 'StudioError';
    this.code = code;
    this.context = context;
    this.detail = options.detail;
    this.wording = typeof message === 'string' ? undefined : message.wording;
  }

  toData(): ErrorData {
    return {
      code: this.code,
      message: this.message,
      context: this.context,
      ...(this.detail !== undefined ? { detail: this.detail } : {}),
      ...(this.wording !== undefined ? { wording: this.wording } : {}),
    };
  }

  static fromData(data: ErrorData): StudioError {
    const detail = detailOf(data);
    const message = data.wording === undefined ? data.message : { message: data.message, wording: data.wording };
    return new StudioError(data.code, message, data.context, detail === undefined ? {} : { detail });
  }
}

/** The error's kind: its detail, or for data written before kinds were typed, the kind its context named. */
export function detailOf(error: { detail?: ErrorDetail | undefined; context: Readonly<Record<string, string>> }): ErrorDetail | undefined {
  return error.detail ?? detailFromContext(error.context);
}

/** Turns anything thrown into error data without losing the message. */
export function toErrorData(error: unknown): ErrorData {
  if (error instanceof StudioError) return error.toData();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message: `Unexpected error: ${message}`, context: {} };
}
