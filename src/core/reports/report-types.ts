/** What every report is made from: loaded runs, the files that could not be read, and a baseline. */
import type { RunFile } from '../../shared/run-schema';

/** A run file (or one run inside a file holding an array) that the report could not use. */
export interface SkippedFile {
  /** The file, with `[index]` when it held an array of runs. */
  path: string;
  /** A full sentence saying what is wrong with it. */
  reason: string;
}

export interface LoadedRun {
  run: RunFile;
  /** The file the run was read from, as given. */
  path: string;
}

export interface ReportInput {
  runs: LoadedRun[];
  skipped: SkippedFile[];
  /** The run the others are compared with, by id; without it the first run is the baseline. */
  baselineId?: string;
  /** Shown at the top of the report (default "EdgeBench report"). */
  title?: string;
  /** When the report was made (default now); tests pass a fixed date. */
  generatedAt?: Date;
}

/** One run as the report shows it: a short label that tells runs apart, and its position. */
export interface ReportRun {
  run: RunFile;
  path: string;
  /** "demo-mnist · onnxruntime · 4 threads", made unique with the run's position when needed. */
  label: string;
  /** 1-based position in the report, as shown ("#1"). */
  number: number;
}

export interface ReportContext {
  title: string;
  generatedAt: string;
  runs: ReportRun[];
  /** null when the report has a single run. */
  baseline: ReportRun | null;
  /** How the baseline was chosen, so the report can say so. */
  baselineSource: 'given' | 'first-run' | 'none';
  skipped: SkippedFile[];
}
