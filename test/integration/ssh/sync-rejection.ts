import { StudioError } from '../../../src/shared/errors';

/** The StudioError a synchronous call throws. */
export function rejectionSync(call: () => unknown): StudioError {
  try {
    call();
  } catch (error) {
    if (error instanceof StudioError) return error;
    throw new Error(`expected a StudioError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected the call to throw');
}
