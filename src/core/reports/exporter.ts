/**
 * A report format (hyperfine's Exporter): one file in exporters/, one line in exporters/index.ts.
 * An exporter turns the report into one or more files; the caller decides where they go.
 */
import type { PdfPrinter } from './pdf-printer';
import type { ReportContext } from './report-types';

export interface ReportFile {
  /** '' for the main file (written to the path the user gave); else appended to it without its extension, e.g. '-samples.csv'. */
  suffix: string;
  mediaType: string;
  data: string | Uint8Array;
  /** What the file holds, for messages ("samples, one row per measured inference"). */
  description: string;
}

export interface ExportOptions {
  /** Prints HTML to PDF: Chromium in the CLI and browser mode, Electron's printToPDF in the app. */
  printer?: PdfPrinter;
}

export interface ReportExporter {
  /** The --format value. */
  format: string;
  /** The main file's usual extension, with its dot. */
  extension: string;
  /** One line for --help. */
  description: string;
  export(report: ReportContext, options: ExportOptions): Promise<ReportFile[]>;
}
