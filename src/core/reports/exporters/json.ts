import type { ReportExporter } from '../exporter';

export const jsonExporter: ReportExporter = {
  format: 'json',
  extension: '.json',
  description: 'the run files as one JSON array (schema docs/run-schema.json)',
  async export(report) {
    const runs = report.runs.map((entry) => entry.run);
    return [{ suffix: '', mediaType: 'application/json', data: `${JSON.stringify(runs, null, 2)}\n`, description: 'the runs' }];
  },
};
