import { defineReportFormat } from './report-format';

export const markdownFormat = defineReportFormat({
  name: 'md',
  label: 'Markdown',
  description: 'Markdown tables, for pull requests (charts stay in the HTML report)',
  purpose: 'Tables for a pull request or an issue.',
  extension: '.md',
  outExtensions: ['.md', '.markdown'],
  stdout: true,
});
