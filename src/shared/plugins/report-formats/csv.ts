import { defineReportFormat } from './report-format';

export const csvFormat = defineReportFormat({
  name: 'csv',
  label: 'CSV',
  description: 'FILE: one row per run with the key metrics; FILE-samples.csv: run_id,index,latency_ms',
  purpose: 'Runs + samples (two files), for a spreadsheet or a script.',
  extension: '.csv',
  outExtensions: ['.csv'],
  stdout: { needsOut: 'more than one file' },
});
