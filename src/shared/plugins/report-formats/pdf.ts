import { defineReportFormat } from './report-format';

export const pdfFormat = defineReportFormat({
  name: 'pdf',
  label: 'PDF',
  description: 'the HTML report printed to PDF (Chromium; the desktop app prints it itself)',
  purpose: 'The HTML report printed to pages, for e-mail and archives.',
  extension: '.pdf',
  outExtensions: ['.pdf'],
  stdout: { needsOut: 'a binary file' },
});
