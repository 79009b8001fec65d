import type { ReportFormat } from '../../../../shared/contract';

export interface FormatOption {
  format: ReportFormat;
  label: string;
  /** What the format is for, in one line. */
  purpose: string;
}

/** In the order the dialog lists them: the shareable report first, raw data last. */
export const FORMAT_OPTIONS: readonly FormatOption[] = [
  { format: 'html', label: 'HTML', purpose: 'One file with charts and sortable tables; opens offline in any browser.' },
  { format: 'pdf', label: 'PDF', purpose: 'The HTML report printed to pages, for e-mail and archives.' },
  { format: 'md', label: 'Markdown', purpose: 'Tables for a pull request or an issue.' },
  { format: 'csv', label: 'CSV', purpose: 'Runs + samples (two files), for a spreadsheet or a script.' },
  { format: 'json', label: 'JSON', purpose: 'The run files themselves (schema edgebench.run/1).' },
  {
    format: 'netron',
    label: 'Netron',
    purpose: 'Per-node metrics to open on the graph in Netron — needs runs with an op profile.',
  },
  { format: 'mlperf', label: 'MLPerf Tiny results.txt', purpose: 'Windows, median latency and throughput as MLPerf Tiny writes them — serial runs only.' },
];
