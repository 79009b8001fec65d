/**
 * The report formats, one line each. Not here yet: MLPerf Tiny's results.txt for serial runs. It
 * belongs with the serial target (its protocol, firmware hash and baud go into the run file
 * first); it will be one more file in this folder and one line below.
 */
import type { ReportExporter } from '../exporter';
import { csvExporter } from './csv';
import { htmlExporter } from './html';
import { jsonExporter } from './json';
import { markdownExporter } from './markdown';
import { netronExporter } from './netron';
import { pdfExporter } from './pdf';

export const REPORT_EXPORTERS: readonly ReportExporter[] = [htmlExporter, pdfExporter, markdownExporter, csvExporter, jsonExporter, netronExporter];

export const REPORT_FORMATS = REPORT_EXPORTERS.map((exporter) => exporter.format);
