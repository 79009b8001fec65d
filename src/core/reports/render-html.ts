/**
 * Blocks → one self-contained HTML file. Its CSP forbids every request (no default-src, images
 * from data: only), so even a string that slipped past escaping could not load anything.
 */
import { cellText, type Block, type Cell, type Column } from './blocks';
import type { BuiltSection } from './build-report';
import { REPORT_CSS, REPORT_SCRIPT } from './html-assets';
import type { ReportContext } from './report-types';

export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/**
 * A path, run id or hash rather than a word: 16 characters or more with a digit or one of / \\ _ . :
 * in it. Printed, these alone may break anywhere (html-assets.ts), words never.
 */
const IDENTIFIER = /^(?=\S{16,}$)\S*[\d/\\_.:]/u;

/** A cell's text escaped, its identifiers marked (see IDENTIFIER). */
function cellHtml(text: string): string {
  return text
    .split(/(\s+)/)
    .map((part) => (IDENTIFIER.test(part) ? `<span class="ident">${escapeHtml(part)}</span>` : escapeHtml(part)))
    .join('');
}

function renderCell(cell: Cell, column: Column | undefined): string {
  const classes = [column?.numeric ? 'num' : '', typeof cell === 'string' ? '' : (cell.tone ?? '')].filter(Boolean);
  const attrs = [
    classes.length > 0 ? ` class="${classes.join(' ')}"` : '',
    typeof cell !== 'string' && cell.sort !== undefined && Number.isFinite(cell.sort) ? ` data-sort="${cell.sort}"` : '',
    typeof cell !== 'string' && cell.title ? ` title="${escapeHtml(cell.title)}"` : '',
  ].join('');
  const text = cellHtml(cellText(cell));
  return `<td${attrs}>${typeof cell !== 'string' && cell.href ? `<a href="${escapeHtml(cell.href)}">${text}</a>` : text}</td>`;
}

/** ` id="…"` when the element is marked for the PDF's page map (render-pages.ts), else nothing. */
function idAttr(mark: string | undefined): string {
  return mark === undefined ? '' : ` id="${mark}"`;
}

/** A marked table or list gives each row or item its own mark, so a long one is placed row by row. */
function rowMark(mark: string | undefined, index: number): string | undefined {
  return mark === undefined ? undefined : `${mark}-r${index}`;
}

function renderTable(block: Extract<Block, { kind: 'table' }>, mark?: string): string {
  const head = block.columns
    .map((column) => {
      const cls = column.numeric ? ' class="num"' : '';
      const title = column.title ? ` title="${escapeHtml(column.title)}"` : '';
      const label = escapeHtml(column.label);
      return block.sortable
        ? `<th scope="col"${cls}${title} aria-sort="none"><button type="button">${label}</button></th>`
        : `<th scope="col"${cls}${title}>${label}</th>`;
    })
    .join('');
  const rows = block.rows.map((row, r) => `<tr${idAttr(rowMark(mark, r))}>${row.map((cell, i) => renderCell(cell, block.columns[i])).join('')}</tr>`).join('\n');
  const caption = block.caption ? `<caption>${escapeHtml(block.caption)}</caption>` : '';
  return `<div class="table-wrap"${idAttr(mark)}><table${block.sortable ? ' class="sortable"' : ''}>${caption}<thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table></div>`;
}

/**
 * One block as HTML. `mark` (the PDF's page map only) gives the block's outer element that id,
 * and each table row or list item `<mark>-r<index>`.
 */
export function renderBlock(block: Block, mark?: string): string {
  const id = idAttr(mark);
  switch (block.kind) {
    case 'text':
      return `<p${id}>${escapeHtml(block.text)}</p>`;
    case 'note':
      return `<p class="note ${block.tone}"${id}>${escapeHtml(block.text)}</p>`;
    case 'subheading':
      return `<h3${id}>${escapeHtml(block.text)}</h3>`;
    case 'list':
      return `<ul${id}>${block.items.map((item, i) => `<li${idAttr(rowMark(mark, i))}>${escapeHtml(item)}</li>`).join('')}</ul>`;
    case 'table':
      return renderTable(block, mark);
    case 'code':
      return `<pre${id}><code>${block.lines.map(escapeHtml).join('\n')}</code></pre>`;
    case 'chart':
      // The one unescaped insertion: svg-chart.ts escaped every text it put in the markup.
      return `<figure${id}>${block.chart.svg}<figcaption>${escapeHtml(block.caption)}</figcaption></figure>`;
  }
}

/** The marks the PDF's page map reads (see render-pages.ts): one id per placed element. */
export const PAGE_MARKS = {
  header: 'pg-head',
  footer: 'pg-foot',
  heading: (section: number): string => `pg-s${section}`,
  block: (section: number, block: number): string => `pg-s${section}-b${block}`,
  row: (section: number, block: number, row: number): string => `pg-s${section}-b${block}-r${row}`,
} as const;

/** Every mark of these sections, in document order (rows and list items after their block). */
export function pageMarkIds(sections: readonly BuiltSection[]): string[] {
  const ids: string[] = [PAGE_MARKS.header];
  sections.forEach(({ blocks }, s) => {
    ids.push(PAGE_MARKS.heading(s));
    blocks.forEach((block, b) => {
      ids.push(PAGE_MARKS.block(s, b));
      const rows = block.kind === 'table' ? block.rows.length : block.kind === 'list' ? block.items.length : 0;
      for (let r = 0; r < rows; r++) ids.push(PAGE_MARKS.row(s, b, r));
    });
  });
  ids.push(PAGE_MARKS.footer);
  return ids;
}

export const FOOTER_TEXT = "Every number comes from the run files listed above; each run's command line is under Reproduce.";

/** The <head> of a report page: its CSP, title and stylesheet. */
export function documentHead(title: string, css: string): string {
  return `<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="edgebench">
<title>${escapeHtml(title)}</title>
<style>${css}</style>`;
}

/** The title and the line under it ("Made by edgebench on … from 3 runs."). */
export function titleHtml(report: ReportContext): string {
  const runs = `${report.runs.length} run${report.runs.length === 1 ? '' : 's'}`;
  const skipped = report.skipped.length > 0 ? `, ${report.skipped.length} file${report.skipped.length === 1 ? '' : 's'} skipped` : '';
  return `<h1>${escapeHtml(report.title)}</h1>
<p class="meta">Made by edgebench on ${escapeHtml(report.generatedAt)} from ${runs}${skipped}.</p>`;
}

export interface RenderHtmlOptions {
  /**
   * Marks every placed element with an id and links to each from a hidden list: Chromium then
   * writes a named destination per element into the PDF (its page and position), which is how
   * the PDF preview learns where the pages break. For printing only; the saved HTML has none.
   */
  pageMarks?: boolean;
}

export function renderHtml(report: ReportContext, sections: readonly BuiltSection[], options: RenderHtmlOptions = {}): string {
  const marked = options.pageMarks === true;
  const nav = sections.map(({ section }) => `<a href="#${escapeHtml(section.id)}">${escapeHtml(section.title)}</a>`).join('');
  const body = sections
    .map(
      ({ section, blocks }, s) =>
        `<section id="${escapeHtml(section.id)}">\n<h2${marked ? ` id="${PAGE_MARKS.heading(s)}"` : ''}>${escapeHtml(section.title)}</h2>\n${blocks.map((block, b) => renderBlock(block, marked ? PAGE_MARKS.block(s, b) : undefined)).join('\n')}\n</section>`,
    )
    .join('\n');
  const marks = marked ? `<div hidden>${pageMarkIds(sections).map((id) => `<a href="#${id}"></a>`).join('')}</div>\n` : '';
  return `<!doctype html>
<html lang="en">
<head>
${documentHead(report.title, REPORT_CSS)}
</head>
<body>
<header${marked ? ` id="${PAGE_MARKS.header}"` : ''}>
${titleHtml(report)}
<nav>${nav}</nav>
</header>
<main>
${body}
</main>
<footer${marked ? ` id="${PAGE_MARKS.footer}"` : ''}>${FOOTER_TEXT}</footer>
${marks}<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}
