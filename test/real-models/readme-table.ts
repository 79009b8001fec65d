/** The README's list of the real models the studio is tested on, made from the table so the two never drift. */
import { loadAllRows, sourceLabel, type ModelRow } from './table';

const FORMAT_LABEL: Record<ModelRow['format'], string> = { onnx: 'ONNX', tflite: 'TFLite', tfjs: 'TF.js graph' };

function modelLabel(row: ModelRow): string {
  if ('npm' in row.source) return `\`${row.source.path.split('/').pop() ?? row.source.path}\``;
  return `\`${row.source.path.replace(/^data\//, '').replace(/\/model\.onnx$/, '')}\``;
}

/** The markdown table, one line per row of test/models/*.json. */
export function realModelsMarkdown(rows: ModelRow[] = loadAllRows()): string {
  const escape = (text: string): string => text.replaceAll('|', '\\|');
  return [
    '| model | from | format | what it exercises |',
    '| --- | --- | --- | --- |',
    ...rows.map((row) => `| ${modelLabel(row)} | ${escape(sourceLabel(row))} | ${FORMAT_LABEL[row.format]} | ${escape(row.exercises)} |`),
  ].join('\n');
}
