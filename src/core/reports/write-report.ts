import path from 'node:path';
import { StudioError } from '../../shared/errors';
import { writeFileAtomic } from '../workspace/atomic-write';
import type { ExportOptions, ReportExporter, ReportFile } from './exporter';
import { REPORT_EXPORTERS, REPORT_FORMATS } from './exporters';
import type { ReportContext } from './report-types';

export function findExporter(format: string): ReportExporter {
  const exporter = REPORT_EXPORTERS.find((candidate) => candidate.format === format);
  if (!exporter) {
    throw new StudioError('BAD_INPUT', `There is no report format '${format}'; use one of ${REPORT_FORMATS.join(', ')}.`, { format });
  }
  return exporter;
}

/** Where a file goes: the path given, or (for extra files) that path without its extension plus the suffix. */
export function outputPath(outFile: string, suffix: string): string {
  if (suffix === '') return outFile;
  const ext = path.extname(outFile);
  return `${ext ? outFile.slice(0, -ext.length) : outFile}${suffix}`;
}

export function exportReport(format: string, report: ReportContext, options: ExportOptions = {}): Promise<ReportFile[]> {
  return findExporter(format).export(report, options);
}

/** Exports and writes every file atomically; returns the paths written, main file first. */
export async function writeReport(format: string, report: ReportContext, outFile: string, options: ExportOptions = {}): Promise<Array<{ path: string; file: ReportFile }>> {
  const files = await exportReport(format, report, options);
  const written: Array<{ path: string; file: ReportFile }> = [];
  for (const file of files) {
    const target = outputPath(outFile, file.suffix);
    await writeFileAtomic(target, file.data);
    written.push({ path: target, file });
  }
  return written;
}
