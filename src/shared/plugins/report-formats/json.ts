import { defineReportFormat } from './report-format';

export const jsonFormat = defineReportFormat({
  name: 'json',
  label: 'JSON',
  description: 'the run files as one JSON array (schema docs/run-schema.json)',
  purpose: 'The run files themselves (schema edgebench.run/1).',
  extension: '.json',
  outExtensions: ['.json'],
  stdout: true,
});
