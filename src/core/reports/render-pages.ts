/**
 * The PDF preview: the report laid out as the A4 pages Chromium printed, each element on the page
 * the PDF put it. The studio's CSP lets its page neither embed a PDF nor frame a blob: URL, so
 * the preview is HTML in its sandboxed srcdoc frame; the page breaks are not guessed but read
 * from the printed PDF itself. The HTML printed carries marks (render-html.ts's pageMarks: an id
 * per header, heading, block, table row and list item, each the target of a hidden link), so
 * Chromium writes a named destination per mark; pdf-dests.ts reads their pages; here every
 * element goes into the box of its page, a table cut by a page break continues, under its
 * header row again, on the next (as Chromium prints it).
 */
import type { Block } from './blocks';
import type { BuiltSection } from './build-report';
import { PRINT_RULES, REPORT_CSS } from './html-assets';
import type { PdfPageMap } from './pdf-dests';
import { documentHead, escapeHtml, FOOTER_TEXT, PAGE_MARKS, renderBlock, titleHtml } from './render-html';
import type { ReportContext } from './report-types';

/** A4 at CSS's 96 px per inch, and the gap around each page box. */
const A4_WIDTH_PX = (210 / 25.4) * 96;
const PAGE_GAP_PX = 16;

/**
 * The page boxes fit the frame's width: CSS zoom by steps of the frame's width (the frame runs no
 * script to measure itself), from full size down to a third.
 */
function fitRules(): string {
  const full = A4_WIDTH_PX + 2 * PAGE_GAP_PX;
  const rules: string[] = [];
  for (let width = Math.floor(full / 10) * 10; width >= 280; width -= 20) {
    rules.push(`@media (max-width:${width}px){html{zoom:${((width - 2 * PAGE_GAP_PX) / A4_WIDTH_PX).toFixed(3)}}}`);
  }
  return rules.join('\n');
}

const PREVIEW_CSS = `${REPORT_CSS}
${PRINT_RULES}
:root{color-scheme:light}
/* Print lays text out with unhinted glyph widths; so does this, or table columns wrap differently. */
body{text-rendering:geometricPrecision}
html{background:#52565c}
body.pdf-preview{background:transparent;margin:0;padding:${PAGE_GAP_PX}px 0}
.sheet{width:210mm;margin:0 auto ${PAGE_GAP_PX}px}
.page{width:210mm;min-height:297mm;padding:12mm;background:#fff;color:#000;box-shadow:0 1px 4px rgba(0,0,0,.45);overflow:hidden}
.page > section:first-child > :first-child{margin-top:0}
.page-number{margin:6px 0 0;text-align:center;color:#f3f4f6;font:12px system-ui,sans-serif}
${fitRules()}
`;

/** Rows or items of a block that a page break may cut, by index. */
function rowCount(block: Block): number {
  return block.kind === 'table' ? block.rows.length : block.kind === 'list' ? block.items.length : 0;
}

/** The same block with only some of its rows (a table keeps its header row; its caption stays with the first part). */
function partOf(block: Block, rows: number[], first: boolean): Block {
  if (block.kind === 'table') {
    const { caption, ...rest } = block;
    return { ...rest, rows: rows.map((r) => block.rows[r] ?? []), ...(first && caption !== undefined ? { caption } : {}) };
  }
  if (block.kind === 'list') return { ...block, items: rows.map((r) => block.items[r] ?? '') };
  return block;
}

/**
 * Each page's HTML, from the page map of the PDF printed from the marked report. An element
 * whose mark the PDF lacks goes with the element before it; pages never go backwards.
 */
export function renderPdfPages(report: ReportContext, sections: readonly BuiltSection[], map: PdfPageMap): string {
  const pages: string[][] = Array.from({ length: map.pageCount }, () => []);
  let current = 1;
  const pageOf = (id: string): number => {
    const page = map.destinations.get(id)?.page ?? current;
    current = Math.min(map.pageCount, Math.max(current, page));
    return current;
  };
  const put = (page: number, html: string): void => {
    pages[page - 1]?.push(html);
  };

  put(pageOf(PAGE_MARKS.header), `<header>\n${titleHtml(report)}\n</header>`);
  sections.forEach(({ section, blocks }, s) => {
    // A section is one <section> per page it spans; its heading only on the first.
    const parts = new Map<number, string[]>();
    const add = (page: number, html: string): void => {
      const part = parts.get(page) ?? [];
      part.push(html);
      parts.set(page, part);
    };
    add(pageOf(PAGE_MARKS.heading(s)), `<h2>${escapeHtml(section.title)}</h2>`);
    blocks.forEach((block, b) => {
      const start = pageOf(PAGE_MARKS.block(s, b));
      const count = rowCount(block);
      if (count === 0) {
        add(start, renderBlock(block));
        return;
      }
      const byPage = new Map<number, number[]>();
      for (let r = 0; r < count; r++) {
        const page = pageOf(PAGE_MARKS.row(s, b, r));
        byPage.set(page, [...(byPage.get(page) ?? []), r]);
      }
      [...byPage].forEach(([page, rows], i) => add(page, renderBlock(partOf(block, rows, i === 0))));
    });
    // The part with the heading keeps the section's id, so the summary's links lead to its page.
    [...parts].forEach(([page, html], i) => {
      const id = i === 0 ? ` id="${escapeHtml(section.id)}"` : '';
      put(page, `<section${id} data-section="${escapeHtml(section.id)}">\n${html.join('\n')}\n</section>`);
    });
  });
  put(pageOf(PAGE_MARKS.footer), `<footer>${FOOTER_TEXT}</footer>`);

  const total = map.pageCount;
  const sheets = pages.map(
    (content, i) =>
      `<div class="sheet" data-page="${i + 1}">\n<div class="page" aria-label="Page ${i + 1} of ${total}">\n${content.join('\n')}\n</div>\n<p class="page-number">Page ${i + 1} of ${total}</p>\n</div>`,
  );
  // A srcdoc document resolves "#verdict" against the studio's own address, so a click would load
  // the studio into the frame; "about:srcdoc#verdict" stays in this document.
  const body = sheets.join('\n').replaceAll('href="#', 'href="about:srcdoc#');
  return `<!doctype html>
<html lang="en">
<head>
${documentHead(`${report.title}: ${total} page${total === 1 ? '' : 's'}`, PREVIEW_CSS)}
</head>
<body class="pdf-preview">
${body}
</body>
</html>
`;
}
