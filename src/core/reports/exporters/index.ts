/**
 * The engine half of every report format, one line each (the shared half, its descriptor with its
 * label, extensions and --help line, is in src/shared/plugins/report-formats): typed by
 * ReportFormat, so a format without an exporter does not compile.
 */
import { REPORT_FORMATS as DESCRIPTORS, ReportFormat } from '../../../shared/plugins/report-formats';
import type { FormatExporter, ReportExporter } from '../exporter';
import { csvExporter } from './csv';
import { htmlExporter } from './html';
import { jsonExporter } from './json';
import { markdownExporter } from './markdown';
import { mlperfResultsExporter } from './mlperf-results';
import { netronExporter } from './netron';
import { pdfExporter } from './pdf';

const EXPORTERS = {
  html: htmlExporter,
  pdf: pdfExporter,
  md: markdownExporter,
  csv: csvExporter,
  json: jsonExporter,
  netron: netronExporter,
  mlperf: mlperfResultsExporter,
} satisfies Record<ReportFormat, FormatExporter>;

/** Every exporter with its descriptor's facts, in the registry's order. */
export const REPORT_EXPORTERS: readonly ReportExporter[] = ReportFormat.options.map((format) => ({
  format,
  extension: DESCRIPTORS[format].extension,
  description: DESCRIPTORS[format].description,
  export: EXPORTERS[format].export,
}));

export const REPORT_FORMATS: readonly ReportFormat[] = ReportFormat.options;
