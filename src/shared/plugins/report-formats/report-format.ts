/** What a report format descriptor says: the shared half of a format (its engine half, the exporter, is src/core/reports/exporters/<name>.ts). */
import type { PluginIdentity } from '../plugin';

export interface ReportFormatDescriptor<Name extends string = string> extends PluginIdentity<Name> {
  /** The Export dialog's line: what the format is for. */
  readonly purpose: string;
  /** The main file's usual extension, with its dot. */
  readonly extension: string;
  /** Endings of `--out FILE` that choose this format when --format is not given. */
  readonly outExtensions: readonly string[];
  /** One text file: without --out, `edgebench report` prints it. Otherwise it says why --out is needed. */
  readonly stdout: true | { readonly needsOut: string };
}

export function defineReportFormat<const Name extends string>(descriptor: ReportFormatDescriptor<Name>): ReportFormatDescriptor<Name> {
  return descriptor;
}
