import type { FormatExporter } from '../exporter';

export const jsonExporter: FormatExporter = {
  async export(report) {
    const runs = report.runs.map((entry) => entry.run);
    return [{ suffix: '', mediaType: 'application/json', data: `${JSON.stringify(runs, null, 2)}\n`, description: 'the runs' }];
  },
};
