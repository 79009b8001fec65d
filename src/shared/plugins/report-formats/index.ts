/**
 * Every report format, one line each, in the order the Export dialog and --help list them (the
 * shareable report first, raw data last). ReportFormat is derived from these keys; the engine's
 * exporters (src/core/reports/exporters/index.ts) are a table typed by it.
 */
import { z } from 'zod';
import { defineRegistry, registryNames } from '../plugin';
import { csvFormat } from './csv';
import { htmlFormat } from './html';
import { jsonFormat } from './json';
import { markdownFormat } from './markdown';
import { mlperfFormat } from './mlperf';
import { netronFormat } from './netron';
import { pdfFormat } from './pdf';

export type { ReportFormatDescriptor } from './report-format';

export const REPORT_FORMATS = defineRegistry({
  html: htmlFormat,
  pdf: pdfFormat,
  md: markdownFormat,
  csv: csvFormat,
  json: jsonFormat,
  netron: netronFormat,
  mlperf: mlperfFormat,
});

export const ReportFormat = z.enum(registryNames(REPORT_FORMATS));
export type ReportFormat = z.infer<typeof ReportFormat>;
