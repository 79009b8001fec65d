/** Reports of workspace runs for the UI: the same exporters as `edgebench report`. */
import { StudioError } from '../../shared/errors';
import type { ReportFormat } from '../../shared/contract';
import { buildReportContext, exportReport, findExporter, type PdfPrinter } from '../reports';
import type { Workspace } from '../workspace/workspace';

export async function renderWorkspaceReport(
  workspace: Workspace,
  request: { runIds: string[]; format: ReportFormat; baselineId?: string; title?: string },
  printer: PdfPrinter | undefined,
): Promise<Array<{ name: string; mediaType: string; dataBase64: string; description: string; previewHtml?: string }>> {
  const runs = [];
  for (const id of request.runIds) runs.push({ run: await workspace.readRun(id), path: workspace.runPath(id) });
  if (request.baselineId && !request.runIds.includes(request.baselineId)) {
    throw new StudioError('BAD_INPUT', 'The baseline must be one of the runs in the report; pick it among them.');
  }
  const context = buildReportContext({ runs, skipped: [], baselineId: request.baselineId, title: request.title });
  const exporter = findExporter(request.format);
  const files = await exportReport(request.format, context, { printer });
  const base = `edgebench-report-${new Date().toISOString().slice(0, 10)}`;
  return files.map((file) => ({
    name: file.suffix === '' ? `${base}${exporter.extension}` : `${base}${file.suffix}`,
    mediaType: file.mediaType,
    dataBase64: Buffer.from(file.data).toString('base64'),
    description: file.description,
    ...(file.preview === undefined ? {} : { previewHtml: file.preview }),
  }));
}
