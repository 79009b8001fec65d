/**
 * Errors and test results in the studio's words: a message whose remedies are data names the
 * field to change ("the Key file field") where the CLI's sentence names a flag (--identity).
 * Every place the UI shows an error's text goes through here, so none shows a CLI flag.
 */
import type { TargetTestResult } from '../../shared/contract';
import { toErrorData } from '../../shared/errors';
import { messageFor } from '../../shared/remedies';

/** Anything a call rejected with, as the UI says it. */
export function uiErrorText(error: unknown): string {
  return messageFor(toErrorData(error), 'ui');
}

/** A Test connection result's sentence as the UI says it (a failure's remedies in the UI's words). */
export function testResultText(result: TargetTestResult): string {
  return result.error === undefined ? result.message : messageFor(result.error, 'ui');
}
