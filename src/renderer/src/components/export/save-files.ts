import type { ReportFileData } from '../../hooks/useReportExport';
import { decodeBase64 } from './report-files';

/**
 * Hands every file to the browser as a download through an <a download> on a blob: URL; returns
 * the URLs, to revoke once the dialog closes (revoking at once can cut a download short).
 * Where the files go: in the desktop app Electron shows its save dialog for every download (the
 * main process sets no save path), so the path is always one the user chose; in browser mode the
 * browser's own setting decides (its Downloads folder, or it asks).
 */
export function saveFiles(files: readonly ReportFileData[]): string[] {
  return files.map((file) => {
    const url = URL.createObjectURL(new Blob([decodeBase64(file.dataBase64)], { type: file.mediaType }));
    const link = document.createElement('a');
    link.href = url;
    link.download = file.name;
    link.rel = 'noopener';
    link.click();
    return url;
  });
}
