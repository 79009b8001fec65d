import { buildSections } from '../build-report';
import type { ReportExporter } from '../exporter';
import { renderHtml } from '../render-html';
import type { ReportContext } from '../report-types';

export function renderReportHtml(report: ReportContext): string {
  return renderHtml(report, buildSections(report));
}

export const htmlExporter: ReportExporter = {
  format: 'html',
  extension: '.html',
  description: 'one self-contained page (charts, sortable tables; opens offline)',
  async export(report) {
    return [{ suffix: '', mediaType: 'text/html', data: renderReportHtml(report), description: 'the report' }];
  },
};
