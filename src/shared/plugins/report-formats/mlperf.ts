import { defineReportFormat } from './report-format';

export const mlperfFormat = defineReportFormat({
  name: 'mlperf',
  label: 'MLPerf Tiny results.txt',
  description: 'MLPerf Tiny-style results.txt per serial run: windows, median latency and throughput (several runs: FILE-1.txt, FILE-2.txt...)',
  purpose: 'Windows, median latency and throughput as MLPerf Tiny writes them — serial runs only.',
  extension: '.txt',
  outExtensions: ['.txt'],
  stdout: { needsOut: 'more than one file' },
});
