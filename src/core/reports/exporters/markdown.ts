import { buildSections } from '../build-report';
import type { FormatExporter } from '../exporter';
import { renderMarkdown } from '../render-markdown';

export const markdownExporter: FormatExporter = {
  async export(report) {
    return [{ suffix: '', mediaType: 'text/markdown', data: renderMarkdown(report, buildSections(report)), description: 'the report' }];
  },
};
