import { buildSections } from '../build-report';
import { chromiumPdfPrinter } from '../chromium-pdf';
import type { FormatExporter } from '../exporter';
import { readPdfPageMap } from '../pdf-dests';
import { renderPdf } from '../pdf-printer';
import { renderHtml } from '../render-html';
import { renderPdfPages } from '../render-pages';

/**
 * The HTML report printed with its page marks (invisible: only named destinations in the PDF),
 * and from the printed file's own page map, the preview of its pages. A printer whose PDF has no
 * page map gets no preview; the file is the same either way.
 */
export const pdfExporter: FormatExporter = {
  async export(report, options) {
    const sections = buildSections(report);
    const pdf = await renderPdf(renderHtml(report, sections, { pageMarks: true }), options.printer ?? chromiumPdfPrinter());
    const map = readPdfPageMap(pdf);
    const preview = map === null ? undefined : renderPdfPages(report, sections, map);
    return [{ suffix: '', mediaType: 'application/pdf', data: pdf, description: 'the report', ...(preview === undefined ? {} : { preview }) }];
  },
};
