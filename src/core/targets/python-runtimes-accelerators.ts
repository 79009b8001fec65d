/**
 * What ran where, for the Python runner's accelerators: the runner's own record (delegate,
 * providers, backend, device, and the placements it read), completed on this side with
 * edgetpu_compiler's log when the user gives it. The compiler runs on a desktop before the model
 * reaches the board, so its log is a file the studio reads; its operator table is the only
 * per-op account of what the Edge TPU runs (the compiled model holds one custom op per TPU subgraph).
 */
import { readFileSync } from 'node:fs';
import { StudioError } from '../../shared/errors';
import type { RuntimeOptions } from '../../shared/run-schema';
import type { AcceleratorOps, RunAccelerator } from '../../shared/runtimes';

/** edgetpu_compiler's account of one model: its operator table, and the summary lines it prints above it. */
export interface EdgeTpuCompilerLog {
  compilerVersion: string | null;
  /** "Number of Edge TPU subgraphs"; null where the log (the _edgetpu.log file alone) does not say. */
  subgraphs: number | null;
  /** "Number of operations that will run on Edge TPU / on CPU", or the table's sums where those lines are absent. */
  onTpu: number;
  onCpu: number;
  /** Every row: op, count, and the compiler's status ("Mapped to Edge TPU" or why not). */
  rows: Array<{ opType: string; count: number; status: string }>;
}

const MAPPED = 'Mapped to Edge TPU';
const TABLE_HEADER = /^\s*Operator\s+Count\s+Status\s*$/;
const TABLE_ROW = /^\s*([A-Z][A-Z0-9_]*|[a-z][\w-]*)\s+(\d+)\s+(\S.*?)\s*$/;

/** Parses the compiler's console output or its _edgetpu.log; null when the text has no operator table. */
export function parseEdgeTpuCompilerLog(text: string): EdgeTpuCompilerLog | null {
  const lines = text.split(/\r?\n/);
  const header = lines.findIndex((line) => TABLE_HEADER.test(line));
  if (header < 0) return null;
  const rows: EdgeTpuCompilerLog['rows'] = [];
  for (const line of lines.slice(header + 1)) {
    if (line.trim() === '') continue;
    const match = TABLE_ROW.exec(line);
    if (match === null) break; // the table ends at the first line that is not a row
    rows.push({ opType: match[1] ?? '', count: Number(match[2]), status: match[3] ?? '' });
  }
  const number = (pattern: RegExp): number | null => {
    const found = pattern.exec(text)?.[1];
    return found === undefined ? null : Number(found);
  };
  const summed = (mapped: boolean): number => rows.filter((row) => (row.status === MAPPED) === mapped).reduce((n, row) => n + row.count, 0);
  return {
    compilerVersion: /Edge TPU Compiler version (\S+)/.exec(text)?.[1] ?? null,
    subgraphs: number(/Number of Edge TPU subgraphs: (\d+)/),
    onTpu: number(/Number of operations that will run on Edge TPU: (\d+)/) ?? summed(true),
    onCpu: number(/Number of operations that will run on CPU: (\d+)/) ?? summed(false),
    rows,
  };
}

/** The compiler's table as a run's ops record: the rows it did not map, by op type, with its reason. */
export function compilerLogOps(log: EdgeTpuCompilerLog): AcceleratorOps {
  return {
    source: 'edgetpu_compiler',
    onAccelerator: log.onTpu,
    onCpu: log.onCpu,
    cpuOps: log.rows.filter((row) => row.status !== MAPPED).map((row) => ({ opType: row.opType, count: row.count, reason: row.status })),
  };
}

/** Reads and parses the log the user named; BAD_INPUT in one sentence when it cannot be read or is not the compiler's. */
export function readEdgeTpuCompilerLog(file: string): EdgeTpuCompilerLog {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new StudioError('BAD_INPUT', `The Edge TPU compiler log '${file}' cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); give the _edgetpu.log file edgetpu_compiler wrote, or its saved output.`, { file, flag: 'edgetpu-compiler-log' });
  }
  const log = parseEdgeTpuCompilerLog(text);
  if (log === null) {
    throw new StudioError('BAD_INPUT', `The file '${file}' has no "Operator Count Status" table, so it is not edgetpu_compiler's log; give the _edgetpu.log file it wrote, or its saved output.`, { file, flag: 'edgetpu-compiler-log' });
  }
  return log;
}

/**
 * The run's accelerator record: the runner's, with the compiler's op table where the Edge TPU
 * delegate ran and a log was given (it says more than the interpreter's one custom op per subgraph).
 */
export function runAccelerator(fromRunner: RunAccelerator | undefined, options: Partial<RuntimeOptions>): RunAccelerator | undefined {
  if (fromRunner === undefined) return undefined;
  const file = options.edgetpuCompilerLog ?? '';
  if (file === '' || !fromRunner.requested.includes('edgetpu')) return fromRunner;
  return { ...fromRunner, ops: compilerLogOps(readEdgeTpuCompilerLog(file)) };
}
