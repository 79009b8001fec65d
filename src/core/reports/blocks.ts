/**
 * The report's document model. Sections build blocks from runs; the HTML and Markdown renderers
 * turn blocks into text and escape every string on the way, so no section ever writes markup and
 * no string from a run file (model names are user data) reaches the output unescaped.
 */

/** SVG markup made by svg-chart.ts, which escapes everything it embeds; nothing else makes one. */
export interface SvgMarkup {
  readonly svg: string;
}

/**
 * A table cell: plain text, or text with a numeric value to sort by, a tooltip, and a link to
 * another part of the same report ("#verdict"; HTML and PDF make it a link, Markdown keeps the text).
 */
export type Cell = string | { text: string; sort?: number; title?: string; tone?: 'good' | 'bad' | 'muted'; href?: `#${string}` };

export interface Column {
  label: string;
  /** Right-aligned, and sorted by number. */
  numeric?: boolean;
  /** Explains the column (shown as a tooltip in HTML). */
  title?: string;
}

export type Block =
  | { kind: 'text'; text: string }
  | { kind: 'note'; tone: 'warning' | 'info' | 'ok'; text: string }
  | { kind: 'subheading'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; columns: Column[]; rows: Cell[][]; sortable: boolean; caption?: string }
  /** Commands the reader copies as they are (reproduce lines). */
  | { kind: 'code'; lines: string[] }
  | { kind: 'chart'; chart: SvgMarkup; caption: string };

export function cellText(cell: Cell): string {
  return typeof cell === 'string' ? cell : cell.text;
}
