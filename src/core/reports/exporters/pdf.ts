import { chromiumPdfPrinter } from '../chromium-pdf';
import type { FormatExporter } from '../exporter';
import { renderPdf } from '../pdf-printer';
import { renderReportHtml } from './html';

export const pdfExporter: FormatExporter = {
  async export(report, options) {
    const pdf = await renderPdf(renderReportHtml(report), options.printer ?? chromiumPdfPrinter());
    return [{ suffix: '', mediaType: 'application/pdf', data: pdf, description: 'the report' }];
  },
};
