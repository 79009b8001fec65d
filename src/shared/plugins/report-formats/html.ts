import { defineReportFormat } from './report-format';

export const htmlFormat = defineReportFormat({
  name: 'html',
  label: 'HTML',
  description: 'one self-contained page (charts, sortable tables; opens offline)',
  purpose: 'One file with charts and sortable tables; opens offline in any browser.',
  extension: '.html',
  outExtensions: ['.html', '.htm'],
  stdout: true,
});
