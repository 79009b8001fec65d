import { defineReportFormat } from './report-format';

export const netronFormat = defineReportFormat({
  name: 'netron',
  label: 'Netron',
  description: 'per-node profile times as a Netron attachment (open the model in Netron, then this file)',
  purpose: 'Per-node metrics to open on the graph in Netron — needs runs with an op profile.',
  extension: '.json',
  // .json chooses the JSON format; netron is asked for by name.
  outExtensions: [],
  stdout: { needsOut: 'more than one file' },
});
