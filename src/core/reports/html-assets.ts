/**
 * The report's inline stylesheet and script. They live in the HTML file itself: the report must
 * open from an e-mail attachment or a CI artifact with no network, under a CSP that allows inline
 * code only.
 */
import { RUN_COLORS } from '../../shared/run-colors';

// Series colours are the studio's run colours (light and dark), so run k has one colour in the app and in its report.
const SERIES_LIGHT = RUN_COLORS.light;
const SERIES_DARK = RUN_COLORS.dark;

const seriesVars = (colors: readonly string[]): string => colors.map((c, i) => `--s${i}:${c};`).join('');
const seriesRules = SERIES_LIGHT.map(
  (_, i) => `.bar.series-${i},.swatch.series-${i}{fill:var(--s${i})}.line.series-${i}{stroke:var(--s${i})}`,
).join('');

/**
 * How the report prints: the page's light colours, smaller type, every table within the A4 width.
 * The PDF preview (render-pages.ts) lays its page boxes out with the same rules.
 *
 * Table cells wrap between words, never inside one ("unstable", not "unst able"): break-word, unlike
 * anywhere, leaves a cell's smallest width at its longest word, so the table gives every column
 * room for its words. Only identifiers (render-html.ts's .ident: paths, run ids, hashes) may break
 * anywhere, so a long file name cannot push a table past the page.
 */
export const PRINT_RULES = `:root{--bg:#fff;--fg:#000;--muted:#444;--line:#ccc;--head:#eee;${seriesVars(SERIES_LIGHT)}}
body{font-size:10.5px}
header,main,footer{max-width:none;padding:0}
nav{display:none}
table{font-size:9.5px}
th,td{padding:2px 5px}
th[aria-sort] button::after{content:""}
.table-wrap{overflow:visible}
table{width:100%}
th,td.num:not(.muted){white-space:normal}
td{overflow-wrap:break-word;hyphens:manual}
td .ident{overflow-wrap:anywhere}
th,td.num{overflow-wrap:normal}
td:first-child{min-width:0}
h2{break-after:avoid}
figure,tr,.note,pre{break-inside:avoid}
`;

export const REPORT_CSS = `
:root{color-scheme:light dark;--bg:#ffffff;--fg:#111827;--muted:#6b7280;--line:#e5e7eb;--head:#f3f4f6;--good:#047857;--bad:#b91c1c;
--warn-bg:#fef3c7;--warn-fg:#78350f;--info-bg:#e0f2fe;--info-fg:#0c4a6e;--ok-bg:#dcfce7;--ok-fg:#14532d;--code:#f3f4f6;${seriesVars(SERIES_LIGHT)}--overflow:#9ca3af}
@media (prefers-color-scheme:dark){:root{--bg:#0f1115;--fg:#e5e7eb;--muted:#9ca3af;--line:#2d333b;--head:#1a1e24;--good:#34d399;--bad:#f87171;
--warn-bg:#3b2f0b;--warn-fg:#fde68a;--info-bg:#0c2a3d;--info-fg:#bae6fd;--ok-bg:#0f2e1c;--ok-fg:#bbf7d0;--code:#1a1e24;${seriesVars(SERIES_DARK)}--overflow:#6b7280}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
header,main{max-width:1200px;margin:0 auto;padding:0 24px}
header{padding-top:24px}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:18px;margin:32px 0 8px;padding-bottom:4px;border-bottom:1px solid var(--line)}
h3{font-size:15px;margin:16px 0 6px}
.meta{color:var(--muted);margin:0 0 8px}
nav{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:13px}
nav a{color:inherit}
.table-wrap{overflow-x:auto;margin:8px 0}
table{border-collapse:collapse;font-size:13px;min-width:40%}
th,td{border-bottom:1px solid var(--line);padding:4px 10px;text-align:left;vertical-align:top}
th{background:var(--head);white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.num:not(.muted){white-space:nowrap}
td:first-child{min-width:10em}
th button{all:unset;cursor:pointer}
th button:focus-visible{outline:2px solid var(--s0)}
th[aria-sort=ascending] button::after{content:" ▲"}
th[aria-sort=descending] button::after{content:" ▼"}
td.good{color:var(--good)}td.bad{color:var(--bad)}td.muted{color:var(--muted);font-style:italic}
.note{padding:6px 10px;border-radius:6px;margin:6px 0}
.note.warning{background:var(--warn-bg);color:var(--warn-fg)}
.note.info{background:var(--info-bg);color:var(--info-fg)}
.note.ok{background:var(--ok-bg);color:var(--ok-fg)}
pre{background:var(--code);padding:8px 10px;border-radius:6px;overflow-x:auto;white-space:pre-wrap;word-break:break-all;font-size:12.5px}
figure{margin:12px 0}
figcaption{color:var(--muted);font-size:12.5px}
svg.chart{max-width:100%;height:auto;font-size:11px}
svg.chart text{fill:var(--fg)}
svg.chart .tick{fill:var(--muted)}
svg.chart .chart-title{font-weight:600;font-size:12px}
svg.chart .grid{stroke:var(--line)}
svg.chart .axis{stroke:var(--muted)}
svg.chart .marker{stroke:var(--muted);stroke-dasharray:3 3}
svg.chart .line{fill:none;stroke-width:1.75}
svg.chart .bar.overflow{fill:var(--overflow)}
${seriesRules}
footer{max-width:1200px;margin:32px auto;padding:0 24px;color:var(--muted);font-size:12px}
@page{size:A4;margin:12mm}
@media print{
${PRINT_RULES}}
`;

/**
 * Sorts a table by the clicked header: by data-sort where a cell has one (numbers), else by text.
 * Cells without a value (e.g. "too few samples") stay at the bottom in either direction.
 */
export const REPORT_SCRIPT = `
(function () {
  function key(row, index) {
    var cell = row.cells[index];
    if (!cell) return { num: null, text: '' };
    var raw = cell.getAttribute('data-sort');
    return { num: raw === null ? null : Number(raw), text: cell.textContent || '' };
  }
  document.addEventListener('click', function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    var button = target.closest('table.sortable th button');
    if (!button) return;
    var th = button.parentElement;
    var table = th.closest('table');
    var index = Array.prototype.indexOf.call(th.parentElement.children, th);
    var ascending = th.getAttribute('aria-sort') !== 'ascending';
    table.querySelectorAll('th').forEach(function (h) { h.setAttribute('aria-sort', 'none'); });
    th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    var numeric = th.classList.contains('num');
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var ka = key(a, index), kb = key(b, index);
      if (numeric) {
        if (ka.num === null || kb.num === null) return (ka.num === null ? 1 : 0) - (kb.num === null ? 1 : 0);
        return ascending ? ka.num - kb.num : kb.num - ka.num;
      }
      var order = ka.text.localeCompare(kb.text, undefined, { numeric: true });
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  });
})();
`;
