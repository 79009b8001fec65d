/**
 * What a power source descriptor says: a meter the studio reads while a cell runs, so a run can
 * carry energy per inference beside its latency. Its engine half (src/core/power/) opens the
 * meter and samples it, or parses the meter's own output; this half is what every front-end needs
 * to name it, configure it and word its readings and its failures.
 */
import type { z } from 'zod';
import type { TargetKind } from '../target-kinds';
import type { OptionSpecs, OptionsSchema, PluginIdentity } from '../plugin';

/** A sentence in the CLI's words and the same sentence in the studio's. */
export interface PowerSourceWords {
  readonly cli: string;
  readonly ui: string;
}

export interface PowerSourceDescriptor<Name extends string = string, Schema extends OptionsSchema = OptionsSchema> extends PluginIdentity<Name> {
  /** The target kinds whose runs it can measure (a RAPL counter: This computer; a board's rails: that board). */
  readonly targetKinds: readonly TargetKind[];
  /** What it measures: power over time (integrated by the trapezoid rule), or an energy counter read at each sample. */
  readonly measures: 'power' | 'energy';
  /** The rails or domains it reads, for people: "package and DRAM domains", "VDD_IN (Orin), POM_5V_IN (Nano)". */
  readonly rails: string;
  /**
   * Whether `edgebench bench --energy NAME` samples it around a run today ('bench'), or only its
   * output is parsed (recorded output, a board's log: 'parser'), with why the rest is missing.
   */
  readonly engine: { readonly kind: 'bench' } | { readonly kind: 'parser'; readonly limitation: string };
  /** What the user does when the meter needs a permission it lacks, in the CLI's and the studio's words. Absent: none needed. */
  readonly permissionFix?: PowerSourceWords;
  /** Its settings (a sampling interval, an idle baseline), each with a default. */
  readonly options: Schema;
  /** Each setting's CLI flag, form field and report row. */
  readonly optionSpecs: OptionSpecs<z.output<Schema>>;
}

export function definePowerSource<const Name extends string, Schema extends OptionsSchema>(descriptor: PowerSourceDescriptor<Name, Schema>): PowerSourceDescriptor<Name, Schema> {
  return descriptor;
}
