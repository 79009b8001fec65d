import type { ReportFormat } from '../../../../shared/contract';
import { FORMAT_OPTIONS } from './formats';

/** A run the dialog can put in the report, as the page that opened it names it. */
export interface ExportRun {
  id: string;
  label: string;
}

export interface ExportChoice {
  format: ReportFormat;
  baselineId: string;
  title: string;
}

interface Props {
  runs: readonly ExportRun[];
  choice: ExportChoice;
  onChange: (choice: ExportChoice) => void;
}

/** Format, baseline and title: every change re-renders the preview. */
export function ExportOptions({ runs, choice, onChange }: Props) {
  return (
    <div className="export-options">
      <fieldset className="export-formats">
        <legend className="field-label">Format</legend>
        {FORMAT_OPTIONS.map((option) => (
          <label key={option.format} className={`export-format${choice.format === option.format ? ' checked' : ''}`}>
            <input
              type="radio"
              name="export-format"
              value={option.format}
              checked={choice.format === option.format}
              data-testid={`export-format-${option.format}`}
              onChange={() => onChange({ ...choice, format: option.format })}
            />
            <span>
              <strong>{option.label}</strong>
              <span className="export-format-purpose">{option.purpose}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {runs.length > 1 && (
        <label className="field">
          <span className="field-label">Baseline</span>
          <select
            value={choice.baselineId}
            data-testid="export-baseline"
            onChange={(event) => onChange({ ...choice, baselineId: event.currentTarget.value })}
          >
            {runs.map((run) => (
              <option key={run.id} value={run.id}>
                {run.label}
              </option>
            ))}
          </select>
          <span className="field-hint export-hint">The other runs are compared with it (ratios of medians).</span>
        </label>
      )}
      <label className="field">
        <span className="field-label">Title</span>
        <input
          type="text"
          value={choice.title}
          maxLength={200}
          placeholder="EdgeBench report"
          data-testid="export-title"
          onChange={(event) => onChange({ ...choice, title: event.currentTarget.value })}
        />
      </label>
    </div>
  );
}
