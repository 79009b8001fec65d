import { useEffect, useMemo, useRef, useState } from 'react';
import { useReportExport, type ReportRequest } from '../../hooks/useReportExport';
import { ExportOptions, type ExportChoice, type ExportRun } from './ExportOptions';
import { ReportPreview } from './ReportPreview';
import { saveFiles } from './save-files';
import './export-dialog.css';

interface Props {
  /** The runs in the report, in the order the report lists them. */
  runs: readonly ExportRun[];
  /** The baseline the page had chosen; the first run otherwise. */
  baselineId?: string;
  onClose: () => void;
}

// In the desktop app Electron asks for a path on every download; a browser follows its own setting.
const WHERE_FILES_GO = window.edgebenchBridge
  ? 'You pick where each file goes.'
  : 'Your browser saves to its downloads folder, or asks where (as set in its settings).';

/**
 * A modal <dialog>: showModal() makes the rest of the page inert (focus stays inside), Escape
 * closes it, and focus goes back to the button that opened it.
 */
export function ExportDialog({ runs, baselineId, onClose }: Props) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const savedUrls = useRef<string[]>([]);
  const [saved, setSaved] = useState<string[] | null>(null);
  const [choice, setChoice] = useState<ExportChoice>({
    format: 'html',
    baselineId: runs.some((r) => r.id === baselineId) ? (baselineId ?? '') : (runs[0]?.id ?? ''),
    title: '',
  });

  const runIdsKey = runs.map((r) => r.id).join('\n');
  const request = useMemo<ReportRequest>(
    () => ({
      runIds: runIdsKey.split('\n'),
      format: choice.format,
      baselineId: runIdsKey.includes('\n') ? choice.baselineId : undefined,
      title: choice.title.trim() === '' ? undefined : choice.title.trim(),
    }),
    [runIdsKey, choice],
  );
  const report = useReportExport(request);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.showModal();
    dialog.querySelector<HTMLInputElement>('input[name="export-format"]:checked')?.focus();
    const urls = savedUrls.current;
    return () => {
      dialog.close();
      for (const url of urls) URL.revokeObjectURL(url);
      opener?.focus();
    };
  }, []);

  const onChange = (next: ExportChoice): void => {
    setChoice(next);
    setSaved(null);
  };
  const save = (): void => {
    if (report.status !== 'ready' || !report.files) return;
    savedUrls.current.push(...saveFiles(report.files));
    setSaved(report.files.map((f) => f.name));
  };
  const fileCount = report.status === 'ready' ? (report.files?.length ?? 0) : 0;

  return (
    <dialog
      ref={dialogRef}
      className="export-dialog"
      aria-labelledby="export-dialog-title"
      data-testid="export-dialog"
      onCancel={(event) => {
        // Escape: React decides when the dialog goes, so unmounting closes it.
        event.preventDefault();
        onClose();
      }}
    >
      <header className="export-head">
        <h2 id="export-dialog-title">
          Export a report of {runs.length} run{runs.length === 1 ? '' : 's'}
        </h2>
        <ul className="export-runs" aria-label="Runs in the report" data-testid="export-runs">
          {runs.map((run) => (
            <li key={run.id} title={run.label}>
              {run.label}
            </li>
          ))}
        </ul>
        <button type="button" className="banner-close" aria-label="Close" onClick={onClose} data-testid="export-close">
          ×
        </button>
      </header>
      <div className="export-body">
        <ExportOptions runs={runs} choice={choice} onChange={onChange} />
        <ReportPreview key={choice.format} report={report} />
      </div>
      <footer className="export-foot">
        <p className="muted export-where" data-testid="export-saved" aria-live="polite">
          {saved ? `Saved ${saved.join(', ')}. ${WHERE_FILES_GO}` : WHERE_FILES_GO}
        </p>
        <button type="button" className="button" onClick={onClose} data-testid="export-cancel">
          {saved ? 'Close' : 'Cancel'}
        </button>
        <button
          type="button"
          className="button primary"
          disabled={report.status !== 'ready' || fileCount === 0}
          onClick={save}
          data-testid="export-save"
        >
          {fileCount > 1 ? `Save ${fileCount} files` : 'Save'}
        </button>
      </footer>
    </dialog>
  );
}
