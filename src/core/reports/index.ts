/** Reports: load run files, build a report, export it in any registered format. */
export { loadRunFiles, type LoadedRuns } from './load-runs';
export { buildReportContext, findRun, runLabel } from './report-context';
export { compareRuns, DEFAULT_MAX_REGRESSION_PCT, type RunComparison, type MetricComparison } from './compare-runs';
export { reproduceCommand, reproduceArgs } from './reproduce-command';
export { REPORT_EXPORTERS, REPORT_FORMATS } from './exporters';
export { renderReportHtml } from './exporters/html';
export { netronAttachment, type NetronAttachment } from './exporters/netron';
export { exportReport, findExporter, outputPath, writeReport } from './write-report';
export { renderPdf, type PdfPrinter } from './pdf-printer';
export type { ExportOptions, ReportExporter, ReportFile } from './exporter';
export type { LoadedRun, ReportContext, ReportInput, ReportRun, SkippedFile } from './report-types';
