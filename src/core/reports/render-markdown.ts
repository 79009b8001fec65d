/** Blocks → Markdown for pull requests and issues (GitHub-flavoured tables; charts stay in HTML). */
import { cellText, type Block } from './blocks';
import type { BuiltSection } from './build-report';
import type { ReportContext } from './report-types';

/**
 * GitHub renders HTML inside Markdown, so <, > and & become entities; the characters that start
 * emphasis, links, code or a table cell are backslash-escaped.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] as string)
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`);
}

/** Text that starts a line: a leading #, "- " or "1. " would make a heading or a list. */
function escapeParagraph(text: string): string {
  return escapeMarkdown(text).replace(/^(#|[-+] |\d+\. )/, (m) => `\\${m}`);
}

function renderTable(block: Extract<Block, { kind: 'table' }>): string {
  const head = `| ${block.columns.map((c) => escapeMarkdown(c.label)).join(' | ')} |`;
  const rule = `| ${block.columns.map((c) => (c.numeric ? '---:' : '---')).join(' | ')} |`;
  const rows = block.rows.map((row) => `| ${row.map((cell) => escapeMarkdown(cellText(cell)) || ' ').join(' | ')} |`);
  return [head, rule, ...rows].join('\n');
}

/** A fence longer than any run of backticks in the code, so the code cannot close it. */
function fence(lines: string[]): string {
  const longest = Math.max(0, ...lines.flatMap((line) => (line.match(/`+/g) ?? []).map((run) => run.length)));
  return '`'.repeat(Math.max(3, longest + 1));
}

const NOTE_LABEL = { warning: 'Warning', info: 'Note', ok: 'OK' } as const;

function renderBlock(block: Block): string | null {
  switch (block.kind) {
    case 'text':
      return escapeParagraph(block.text);
    case 'note':
      return `> **${NOTE_LABEL[block.tone]}:** ${escapeMarkdown(block.text)}`;
    case 'subheading':
      return `### ${escapeMarkdown(block.text)}`;
    case 'list':
      return block.items.map((item) => `- ${escapeMarkdown(item)}`).join('\n');
    case 'table':
      return renderTable(block);
    case 'code': {
      const f = fence(block.lines);
      return `${f}sh\n${block.lines.join('\n')}\n${f}`;
    }
    case 'chart':
      return null;
  }
}

export function renderMarkdown(report: ReportContext, sections: readonly BuiltSection[]): string {
  const out: string[] = [`# ${escapeMarkdown(report.title)}`, '', `Made by edgebench on ${report.generatedAt} from ${report.runs.length} run(s).`];
  for (const { section, blocks } of sections) {
    out.push('', `## ${escapeMarkdown(section.title)}`);
    const rendered = blocks.map(renderBlock).filter((text): text is string => text !== null);
    if (rendered.length < blocks.length) out.push('', '_Charts are in the HTML report (`edgebench report --format html`)._');
    for (const text of rendered) out.push('', text);
  }
  return `${out.join('\n')}\n`;
}
