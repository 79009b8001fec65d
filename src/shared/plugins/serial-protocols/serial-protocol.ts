/**
 * What a serial device protocol descriptor says: the shared half of a protocol (its engine half,
 * the adapter that connects, tests and runs cells, is in src/core/targets/serial/serial-matrix-target.ts).
 */
import type { ModelFormat } from '../model-formats';
import type { PluginIdentity } from '../plugin';

export interface SerialProtocolDescriptor<Name extends string = string> extends PluginIdentity<Name> {
  /** The rate its firmware starts at when a spec gives none (MLPerf Tiny's reference firmware: 115200). */
  readonly defaultBaud: number;
  /** The model formats the studio sends a board that speaks it; empty: the board runs the model built into its firmware. */
  readonly formats: readonly ModelFormat[];
  /** The form's hint beside the protocol's choice. */
  readonly formHint: string;
  /** What the Devices page says of a board with this firmware. */
  readonly boardNote: string;
  /** A simulated board of it (src/core/targets/serial/simulator): the Devices page's button and the target it becomes. Absent: none exists. */
  readonly simulated?: { readonly button: string; readonly targetName: string; readonly testId: string };
}

export function defineSerialProtocol<const Name extends string>(descriptor: SerialProtocolDescriptor<Name>): SerialProtocolDescriptor<Name> {
  return descriptor;
}
