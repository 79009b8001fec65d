import { useState } from 'react';
import { ExportDialog } from './ExportDialog';
import type { ExportRun } from './ExportOptions';

interface Props {
  runs: readonly ExportRun[];
  baselineId?: string;
  /** Where the button sits ("runs", "compare", "run"), for tests: a page may hold two. */
  scope: string;
  className?: string;
  /** "Export…", with the number of runs when there are several. */
  label?: string;
}

/** "Export…": opens the export dialog on these runs. */
export function ExportButton({ runs, baselineId, scope, className = '', label }: Props) {
  const [open, setOpen] = useState(false);
  const what = runs.length === 1 ? 'this run' : `these ${runs.length} runs`;
  return (
    <>
      <button
        type="button"
        className={`button ${className}`.trim()}
        disabled={runs.length === 0}
        onClick={() => setOpen(true)}
        title={runs.length === 0 ? 'Pick a run first' : `A report of ${what}: HTML, PDF, Markdown, CSV, JSON or Netron`}
        data-testid="export-button"
        data-export-scope={scope}
      >
        {label ?? (runs.length > 1 ? `Export (${runs.length})…` : 'Export…')}
      </button>
      {open && <ExportDialog runs={runs} baselineId={baselineId} onClose={() => setOpen(false)} />}
    </>
  );
}
