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

function renderCell(cell: Cell, column: Column | undefined): string {
  const classes = [column?.numeric ? 'num' : '', typeof cell === 'string' ? '' : (cell.tone ?? '')].filter(Boolean);
  const attrs = [
    classes.length > 0 ? ` class="${classes.join(' ')}"` : '',
    typeof cell !== 'string' && cell.sort !== undefined && Number.isFinite(cell.sort) ? ` data-sort="${cell.sort}"` : '',
    typeof cell !== 'string' && cell.title ? ` title="${escapeHtml(cell.title)}"` : '',
  ].join('');
  const text = escapeHtml(cellText(cell));
  return `<td${attrs}>${typeof cell !== 'string' && cell.href ? `<a href="${escapeHtml(cell.href)}">${text}</a>` : text}</td>`;
}

function renderTable(block: Extract<Block, { kind: 'table' }>): string {
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
  const rows = block.rows.map((row) => `<tr>${row.map((cell, i) => renderCell(cell, block.columns[i])).join('')}</tr>`).join('\n');
  const caption = block.caption ? `<caption>${escapeHtml(block.caption)}</caption>` : '';
  return `<div class="table-wrap"><table${block.sortable ? ' class="sortable"' : ''}>${caption}<thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table></div>`;
}

function renderBlock(block: Block): string {
  switch (block.kind) {
    case 'text':
      return `<p>${escapeHtml(block.text)}</p>`;
    case 'note':
      return `<p class="note ${block.tone}">${escapeHtml(block.text)}</p>`;
    case 'subheading':
      return `<h3>${escapeHtml(block.text)}</h3>`;
    case 'list':
      return `<ul>${block.items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`;
    case 'table':
      return renderTable(block);
    case 'code':
      return `<pre><code>${block.lines.map(escapeHtml).join('\n')}</code></pre>`;
    case 'chart':
      // The one unescaped insertion: svg-chart.ts escaped every text it put in the markup.
      return `<figure>${block.chart.svg}<figcaption>${escapeHtml(block.caption)}</figcaption></figure>`;
  }
}

export function renderHtml(report: ReportContext, sections: readonly BuiltSection[]): string {
  const nav = sections.map(({ section }) => `<a href="#${escapeHtml(section.id)}">${escapeHtml(section.title)}</a>`).join('');
  const body = sections
    .map(({ section, blocks }) => `<section id="${escapeHtml(section.id)}">\n<h2>${escapeHtml(section.title)}</h2>\n${blocks.map(renderBlock).join('\n')}\n</section>`)
    .join('\n');
  const runs = `${report.runs.length} run${report.runs.length === 1 ? '' : 's'}`;
  const skipped = report.skipped.length > 0 ? `, ${report.skipped.length} file${report.skipped.length === 1 ? '' : 's'} skipped` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="edgebench">
<title>${escapeHtml(report.title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header>
<h1>${escapeHtml(report.title)}</h1>
<p class="meta">Made by edgebench on ${escapeHtml(report.generatedAt)} from ${runs}${skipped}.</p>
<nav>${nav}</nav>
</header>
<main>
${body}
</main>
<footer>Every number comes from the run files listed above; each run's command line is under Reproduce.</footer>
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}
