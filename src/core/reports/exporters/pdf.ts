import { chromiumPdfPrinter } from '../chromium-pdf';
import type { ReportExporter } from '../exporter';
import { renderPdf } from '../pdf-printer';
import { renderReportHtml } from './html';

export const pdfExporter: ReportExporter = {
  format: 'pdf',
  extension: '.pdf',
  description: 'the HTML report printed to PDF (Chromium; the desktop app prints it itself)',
  async export(report, options) {
    const pdf = await renderPdf(renderReportHtml(report), options.printer ?? chromiumPdfPrinter());
    return [{ suffix: '', mediaType: 'application/pdf', data: pdf, description: 'the report' }];
  },
};
