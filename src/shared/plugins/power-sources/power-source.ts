/**
 * What a power source descriptor will say (issue 15 adds the first ones): a meter the studio reads
 * while a cell runs, so a run can carry energy per inference beside its latency. Its engine half
 * (src/core/power/, to come) opens the meter and samples it; this half is what every front-end
 * needs to name it, configure it and show its readings.
 */
import type { z } from 'zod';
import type { TargetKind } from '../target-kinds';
import type { OptionSpecs, OptionsSchema, PluginIdentity } from '../plugin';

export interface PowerSourceDescriptor<Name extends string = string, Schema extends OptionsSchema = OptionsSchema> extends PluginIdentity<Name> {
  /** The target kinds whose runs it can measure (a RAPL counter: This computer; a USB meter: any board it powers). */
  readonly targetKinds: readonly TargetKind[];
  /** What it measures: power over time, or an energy counter read before and after. */
  readonly measures: 'power' | 'energy';
  /** Its settings (a meter's port, a sysfs path, a sampling rate), each with a default. */
  readonly options: Schema;
  /** Each setting's CLI flag, form field and report row. */
  readonly optionSpecs: OptionSpecs<z.output<Schema>>;
}

export function definePowerSource<const Name extends string, Schema extends OptionsSchema>(descriptor: PowerSourceDescriptor<Name, Schema>): PowerSourceDescriptor<Name, Schema> {
  return descriptor;
}
