import { useMemo, useState } from 'react';
import { messageFor } from '../../../../shared/remedies';
import { formatBytes } from '../../../../shared/units';
import type { ReportExport, ReportFileData } from '../../hooks/useReportExport';
import { decodeBase64, htmlForPreview, pdfPageCount, previewKind, textHead } from './report-files';

function FilePreview({ file }: { file: ReportFileData }) {
  const kind = previewKind(file.mediaType);
  const view = useMemo(() => {
    const bytes = decodeBase64(file.dataBase64);
    if (kind === 'html') return { kind, html: htmlForPreview(bytes) } as const;
    if (kind === 'pdf') return { kind, pages: pdfPageCount(bytes), sizeBytes: bytes.length } as const;
    return { kind, ...textHead(bytes) } as const;
  }, [file, kind]);

  if (view.kind === 'html') {
    return (
      <div className="export-html">
        {/* sandbox="": the report's scripts are removed and could not run anyway; it cannot reach the studio. */}
        <iframe title={`Preview of ${file.name}`} sandbox="" srcDoc={view.html} data-testid="export-preview-html" />
        <p className="muted export-note">Preview without scripts: the tables sort in the saved file.</p>
      </div>
    );
  }
  if (view.kind === 'pdf' && file.previewHtml !== undefined) {
    return (
      <div className="export-html export-pdf-pages" data-testid="export-preview-pdf" data-pages={view.pages}>
        <p className="muted export-note">
          <strong>
            {view.pages} page{view.pages === 1 ? '' : 's'}
          </strong>{' '}
          · {formatBytes(view.sizeBytes)} · A4, each page with what the PDF printed on it
        </p>
        {/* sandbox="": static pages of the report, no script; they cannot reach the studio. */}
        <iframe title={`Pages of ${file.name}`} sandbox="" srcDoc={file.previewHtml} data-testid="export-preview-pdf-pages" />
      </div>
    );
  }
  if (view.kind === 'pdf') {
    // A printer whose PDF has no page map (see src/core/reports/pdf-dests.ts): its size and pages only.
    return (
      <div className="export-pdf" data-testid="export-preview-pdf" data-pages={view.pages}>
        <span className="export-pdf-icon" aria-hidden="true">
          PDF
        </span>
        <p>
          <strong>
            {view.pages} page{view.pages === 1 ? '' : 's'}
          </strong>{' '}
          · {formatBytes(view.sizeBytes)}
        </p>
        <p className="muted">The HTML report printed to A4 pages. Switch to HTML to see its content here; save to open the PDF.</p>
      </div>
    );
  }
  return (
    <div className="export-text">
      <pre data-testid="export-preview-text" tabIndex={0}>
        {view.text}
      </pre>
      {view.totalLines > view.shownLines && (
        <p className="muted export-note">
          The first {view.shownLines} of {view.totalLines.toLocaleString('en-US')} lines; the saved file has them all.
        </p>
      )}
    </div>
  );
}

interface Props {
  report: ReportExport;
}

/** The files the current options give, each with its size, and a preview of the one picked. */
export function ReportPreview({ report }: Props) {
  const { status, files, error } = report;
  const [pickedName, setPickedName] = useState<string | null>(null);
  const picked = files?.find((f) => f.name === pickedName) ?? files?.[0] ?? null;

  return (
    <section
      className={`export-preview state-${status}`}
      aria-label="Preview"
      aria-busy={status === 'rendering'}
      data-testid="export-preview"
      data-state={status}
      data-format={status === 'ready' ? (report.filesFormat ?? '') : ''}
    >
      <div className="export-preview-head">
        {files && files.length > 0 && (
          <ul className="export-files" aria-label="Files">
            {files.map((file) => (
              <li key={file.name}>
                <button
                  type="button"
                  className={`export-file${file === picked ? ' picked' : ''}`}
                  aria-pressed={file === picked}
                  data-testid="export-file"
                  data-file-name={file.name}
                  title={file.description}
                  onClick={() => setPickedName(file.name)}
                >
                  <span className="export-file-name">{file.name}</span>
                  <span className="muted">
                    {formatBytes(Math.floor((file.dataBase64.length * 3) / 4))} · {file.description}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
        {status === 'rendering' && (
          <span className="export-busy" role="status" data-testid="export-busy">
            <span className="export-spinner" aria-hidden="true" />
            Rendering…
            <button type="button" className="button tiny" onClick={report.stop} data-testid="export-stop">
              Stop
            </button>
          </span>
        )}
      </div>
      <div className="export-preview-body">
        {status === 'error' && error ? (
          <div className="banner banner-error" role="alert" data-testid="export-error">
            <span className="banner-icon" aria-hidden="true">
              !
            </span>
            <p className="banner-text">{messageFor(error, 'ui')}</p>
            {/* The same options would fail the same way; other failures (a printer that crashed) may pass. */}
            {error.code !== 'BAD_INPUT' && (
              <button type="button" className="button tiny" onClick={report.retry}>
                Try again
              </button>
            )}
          </div>
        ) : status === 'stopped' && !picked ? (
          <StoppedNote earlier={false} onRetry={report.retry} />
        ) : picked ? (
          <>
            {status === 'stopped' && <StoppedNote earlier onRetry={report.retry} />}
            <FilePreview file={picked} />
          </>
        ) : (
          <p className="muted export-placeholder">Rendering the report…</p>
        )}
      </div>
    </section>
  );
}

function StoppedNote({ earlier, onRetry }: { earlier: boolean; onRetry: () => void }) {
  return (
    <p className="export-stopped" data-testid="export-stopped">
      {earlier ? 'Stopped: the preview below is of the earlier options.' : 'Stopped before the preview was ready.'}{' '}
      <button type="button" className="button tiny" onClick={onRetry}>
        Render again
      </button>
    </p>
  );
}
