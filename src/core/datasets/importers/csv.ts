/**
 * A CSV (or TSV) file: numeric feature columns and one label column (by name or 0-based index,
 * default the last column; null for an unlabeled dataset). Labels that are all whole numbers are
 * class indices; otherwise they are class names, sorted. Quoted fields ("a,b", "") are understood.
 */
import path from 'node:path';
import { StudioError } from '../../../shared/errors';
import type { DatasetImporter, DatasetImportOptions } from './importer';
import { classesForLabels, toLabelIndex } from './labels';
import { readInputFile } from './npy';
import type { ImportedData } from '../stored-dataset';

/** Splits one line into fields, honouring double quotes ("" inside quotes is one quote). */
export function splitCsvLine(line: string, delimiter: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (line.startsWith(delimiter, i)) {
      fields.push(field.trim());
      field = '';
      i += delimiter.length - 1;
    } else field += ch;
  }
  fields.push(field.trim());
  return fields;
}

function isNumber(text: string): boolean {
  return text !== '' && Number.isFinite(Number(text));
}

interface Row {
  line: number;
  fields: string[];
}

function labelIndexOf(option: DatasetImportOptions['labelColumn'], header: string[] | null, columns: number, file: string): number | null {
  if (option === null) return null;
  if (option === undefined) return columns - 1;
  if (typeof option === 'number') {
    if (Number.isInteger(option) && option >= 0 && option < columns) return option;
    throw new StudioError(
      'BAD_INPUT',
      `The label column ${option} does not exist in '${file}', which has ${columns} columns (0..${columns - 1}); pass another index or a header name.`,
      { file },
    );
  }
  const index = header ? header.indexOf(option) : -1;
  if (index < 0) {
    const names = header ? `its columns are ${header.map((h) => `'${h}'`).join(', ')}` : 'it has no header line';
    throw new StudioError('BAD_INPUT', `'${file}' has no column named '${option}' (${names}); pass an existing name or a 0-based index.`, {
      file,
    });
  }
  return index;
}

async function readCsv(file: string, options: DatasetImportOptions): Promise<ImportedData> {
  const text = (await readInputFile(file)).toString('utf8').replace(/^\uFEFF/, '');
  const delimiter = options.delimiter ?? (file.toLowerCase().endsWith('.tsv') ? '\t' : ',');
  const rows: Row[] = text
    .split(/\r?\n/)
    .map((line, i) => ({ line: i + 1, text: line }))
    .filter((r) => r.text.trim() !== '')
    .map((r) => ({ line: r.line, fields: splitCsvLine(r.text, delimiter) }));
  const first = rows[0];
  if (!first) throw new StudioError('BAD_INPUT', `'${file}' is empty; give one sample per line.`, { file });
  const second = rows[1];
  // A header is a first line with a non-number where the second line has a number (or all non-numbers).
  const header =
    options.header ??
    (typeof options.labelColumn === 'string' ||
      first.fields.every((f) => !isNumber(f)) ||
      first.fields.some((f, i) => !isNumber(f) && second !== undefined && isNumber(second.fields[i] ?? '')));
  const names = header ? first.fields : null;
  const data = header ? rows.slice(1) : rows;
  const columns = first.fields.length;
  if (data.length === 0) throw new StudioError('BAD_INPUT', `'${file}' has a header but no samples; add one sample per line.`, { file });
  const labelColumn = labelIndexOf(options.labelColumn, names, columns, file);
  const features = labelColumn === null ? columns : columns - 1;
  if (features === 0) {
    throw new StudioError('BAD_INPUT', `'${file}' has only the label column; add numeric feature columns.`, { file });
  }
  const columnName = (c: number): string => (names?.[c] ? `column ${c + 1} ('${names[c]}')` : `column ${c + 1}`);

  const samples = new Float32Array(data.length * features);
  const labelTexts: string[] = [];
  for (const [r, row] of data.entries()) {
    if (row.fields.length !== columns) {
      throw new StudioError(
        'BAD_INPUT',
        `Line ${row.line} of '${file}' has ${row.fields.length} fields but the first line has ${columns}; give every line the same columns.`,
        { file, line: String(row.line) },
      );
    }
    let f = 0;
    for (const [c, value] of row.fields.entries()) {
      if (c === labelColumn) {
        labelTexts.push(value);
        continue;
      }
      if (!isNumber(value)) {
        throw new StudioError(
          'BAD_INPUT',
          `Line ${row.line}, ${columnName(c)} of '${file}' holds '${value}', which is not a number; feature columns must be numeric.`,
          { file, line: String(row.line), column: String(c + 1) },
        );
      }
      samples[r * features + f++] = Number(value);
    }
  }

  let labels: Int32Array | null = null;
  let classes: string[] = [];
  if (labelColumn !== null) {
    if (labelTexts.every(isNumber)) {
      labels = Int32Array.from(labelTexts, (t, r) =>
        toLabelIndex(Number(t), file, `line ${(data[r] as Row).line}, ${columnName(labelColumn)}`),
      );
      classes = classesForLabels(labels, options.classes, file);
    } else {
      classes = options.classes ?? [...new Set(labelTexts)].sort();
      const index = new Map(classes.map((name, i) => [name, i]));
      labels = Int32Array.from(labelTexts, (t, r) => {
        const label = index.get(t);
        if (label === undefined) {
          throw new StudioError(
            'BAD_INPUT',
            `Line ${(data[r] as Row).line} of '${file}' has the label '${t}', which is not among the given classes; add it to the class list.`,
            { file, line: String((data[r] as Row).line) },
          );
        }
        return label;
      });
    }
  }
  return {
    name: options.name ?? path.basename(file, path.extname(file)),
    source: `CSV '${path.basename(file)}' (${data.length} rows, ${features} features${labels ? '' : ', unlabeled'})`,
    sampleShape: [features],
    samples,
    labels,
    classes,
    preprocessing: options.preprocessing ?? {},
  };
}

export const csvImporter: DatasetImporter = {
  kind: 'csv',
  description: 'a CSV/TSV file of numeric feature columns and a label column (default the last)',
  match: (source, isDirectory) => !isDirectory && /\.(csv|tsv)$/i.test(source),
  read: readCsv,
};
