import { buildSections } from '../build-report';
import type { ReportExporter } from '../exporter';
import { renderMarkdown } from '../render-markdown';

export const markdownExporter: ReportExporter = {
  format: 'md',
  extension: '.md',
  description: 'Markdown tables, for pull requests (charts stay in the HTML report)',
  async export(report) {
    return [{ suffix: '', mediaType: 'text/markdown', data: renderMarkdown(report, buildSections(report)), description: 'the report' }];
  },
};
