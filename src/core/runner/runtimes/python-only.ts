/**
 * The engine half of the 'python:*' runtimes in the Node runner: they run in the Python runner
 * (resources/runners/python), never here, so this runner's hello lists them as unavailable with
 * that reason, and a load that reaches it anyway is refused in the same words.
 */
import type { RuntimeName } from '../../../shared/plugins/runtimes';
import { RUNTIME_LABELS } from '../../../shared/runtimes';
import type { RuntimeModule } from './index';

export function pythonOnlyModule<R extends Extract<RuntimeName, `python:${string}`>>(name: R): RuntimeModule<R> {
  const refuse = (): never => {
    throw new Error(`${RUNTIME_LABELS[name]} runs in the Python runner with the user's own Python, not in the studio's Node runner.`);
  };
  return { name, version: refuse, load: async () => refuse() };
}
