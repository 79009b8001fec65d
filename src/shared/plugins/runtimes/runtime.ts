/** What a runtime descriptor says: the shared half of a runtime (its engine half is src/core/runner/runtimes/<name>.ts). */
import type { z } from 'zod';
import type { ModelFormat } from '../model-formats';
import type { OptionSpecs, OptionsSchema, PluginIdentity } from '../plugin';

export interface RuntimeDescriptor<Name extends string = string, Schema extends OptionsSchema = OptionsSchema> extends PluginIdentity<Name> {
  /** The model formats it loads. A format's default runtime is the first in the registry that loads it. */
  readonly formats: readonly ModelFormat[];
  /**
   * Its options, every field with a default. Keys are unique across runtimes (a test checks):
   * run files keep every runtime's options side by side in settings.runtimeOptions.
   */
  readonly options: Schema;
  /** Each option's CLI flag, form field and report row. */
  readonly optionSpecs: OptionSpecs<z.output<Schema>>;
  /** It has a per-op profiler the studio reads, so --profile-runs (and the Profile runs field) apply to it. */
  readonly profiler: boolean;
}

/** Declares a runtime with its options' types checked against its schema. */
export function defineRuntime<const Name extends string, Schema extends OptionsSchema>(descriptor: RuntimeDescriptor<Name, Schema>): RuntimeDescriptor<Name, Schema> {
  return descriptor;
}
