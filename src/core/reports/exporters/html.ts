import { buildSections } from '../build-report';
import type { FormatExporter } from '../exporter';
import { renderHtml } from '../render-html';
import type { ReportContext } from '../report-types';

export function renderReportHtml(report: ReportContext): string {
  return renderHtml(report, buildSections(report));
}

export const htmlExporter: FormatExporter = {
  async export(report) {
    return [{ suffix: '', mediaType: 'text/html', data: renderReportHtml(report), description: 'the report' }];
  },
};
