/**
 * A report format's engine half (hyperfine's Exporter): one file in exporters/, one line in
 * exporters/index.ts; its descriptor (src/shared/plugins/report-formats) says the rest.
 * An exporter turns the report into one or more files; the caller decides where they go.
 */
import type { PdfPrinter } from './pdf-printer';
import type { ReportFormat } from '../../shared/plugins/report-formats';
import type { ReportContext } from './report-types';

export interface ReportFile {
  /** '' for the main file (written to the path the user gave); else appended to it without its extension, e.g. '-samples.csv'. */
  suffix: string;
  mediaType: string;
  data: string | Uint8Array;
  /** What the file holds, for messages ("samples, one row per measured inference"). */
  description: string;
  /**
   * A self-contained HTML page that shows the file as it is, for the studio's preview (a PDF's
   * pages, see render-pages.ts); never written by `edgebench report`.
   */
  preview?: string;
}

export interface ExportOptions {
  /** Prints HTML to PDF: Chromium in the CLI and browser mode, Electron's printToPDF in the app. */
  printer?: PdfPrinter;
}

/** What an exporter file implements. */
export interface FormatExporter {
  export(report: ReportContext, options: ExportOptions): Promise<ReportFile[]>;
}

/** An exporter with its descriptor's facts (exporters/index.ts joins them). */
export interface ReportExporter extends FormatExporter {
  /** The --format value. */
  format: ReportFormat;
  /** The main file's usual extension, with its dot. */
  extension: string;
  /** One line for --help. */
  description: string;
}
