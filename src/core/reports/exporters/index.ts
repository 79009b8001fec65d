/** The report formats, one line each. */
import type { ReportExporter } from '../exporter';
import { csvExporter } from './csv';
import { htmlExporter } from './html';
import { jsonExporter } from './json';
import { markdownExporter } from './markdown';
import { mlperfResultsExporter } from './mlperf-results';
import { netronExporter } from './netron';
import { pdfExporter } from './pdf';

export const REPORT_EXPORTERS: readonly ReportExporter[] = [htmlExporter, pdfExporter, markdownExporter, csvExporter, jsonExporter, netronExporter, mlperfResultsExporter];

export const REPORT_FORMATS = REPORT_EXPORTERS.map((exporter) => exporter.format);
