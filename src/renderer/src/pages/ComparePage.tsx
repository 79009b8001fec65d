import { useDeferredValue, useMemo, useState } from 'react';
import type { RunFile } from '../../../shared/run-schema';
import { runColor } from '../../../shared/run-colors';
import { AcrossTargets } from '../components/charts/AcrossTargets';
import { CdfChart } from '../components/compare/CdfChart';
import { CompareTable, type ComparedRun } from '../components/compare/CompareTable';
import { EnvironmentDiff } from '../components/compare/EnvironmentDiff';
import { DiffRunsLink } from '../components/diff/DiffRunsLink';
import { EnergyBars } from '../components/compare/EnergyBars';
import { MemoryBars } from '../components/compare/MemoryBars';
import { ExportButton } from '../components/export/ExportButton';
import { OverlayHistogram } from '../components/compare/OverlayHistogram';
import { useRunFiles } from '../data/queries';
import { useTheme } from '../hooks/useTheme';
import { distinctRunLabels } from '../run-label';

interface Props {
  runIds: readonly string[];
  onOpenRun: (runId: string) => void;
  onBackToRuns: () => void;
}

/** Runs picked on the Runs page, side by side: percentiles and speedups, distributions, CDF, memory, and the runs across targets. */
export function ComparePage({ runIds, onOpenRun, onBackToRuns }: Props) {
  const { theme } = useTheme();
  const files = useRunFiles(runIds);
  const [baselineId, setBaselineId] = useState<string | null>(null);
  const loaded = files.filter((f): f is RunFile => f !== null);
  const ready = runIds.length >= 2 && loaded.length === runIds.length;
  // The charts memoize on this array, so it changes only when the runs or the theme do.
  const loadedKey = loaded.map((f) => f.id).join('\n');
  const compared = useMemo<ComparedRun[]>(() => {
    const labels = distinctRunLabels(loaded);
    return loaded.map((run, i) => ({ run, label: labels[i] ?? run.id, color: runColor(theme, i) }));
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `loaded` is rebuilt every render; its ids say when it changed.
  }, [loadedKey, theme]);
  // The across-targets charts sit below the fold: they render in a second, interruptible pass,
  // after the table and the distributions are on screen (bench:ui measured 30-60 ms for them).
  const acrossKey = useDeferredValue(ready ? loadedKey : '');
  const baseline = compared.some((c) => c.run.id === baselineId) ? (baselineId ?? '') : (compared[0]?.run.id ?? '');

  return (
    <section className="page" aria-labelledby="compare-title" data-testid="compare-page">
      <header className="page-header">
        <div>
          <h1 id="compare-title">Compare</h1>
          <p className="page-sub">Speedups are the baseline&apos;s median over each run&apos;s median; pick the baseline in the first column.</p>
        </div>
        <div className="export-page-actions">
          <button type="button" className="button" onClick={onBackToRuns}>
            Pick runs…
          </button>
          <DiffRunsLink runIds={runIds} />
          {ready && (
            <ExportButton scope="compare" runs={compared.map((c) => ({ id: c.run.id, label: c.label }))} baselineId={baseline} />
          )}
        </div>
      </header>
      {runIds.length < 2 ? (
        <div className="empty" data-testid="compare-empty">
          <h2>Pick two runs or more</h2>
          <p>
            On the Runs page, tick the runs to compare and press <strong>Compare</strong>.
          </p>
        </div>
      ) : !ready ? (
        <div className="card muted">Reading {runIds.length - loaded.length} of {runIds.length} runs…</div>
      ) : (
        <>
          <CompareTable runs={compared} baselineId={baseline} onBaseline={setBaselineId} onOpenRun={onOpenRun} />
          <ul className="legend" aria-label="Colours of the runs">
            {compared.map((c) => (
              <li key={c.run.id}>
                <span className="swatch" style={{ background: c.color }} aria-hidden="true" />
                {c.label}
              </li>
            ))}
          </ul>
          <div className="compare-charts">
            <OverlayHistogram runs={compared} />
            <CdfChart runs={compared} />
          </div>
          <MemoryBars runs={compared} />
          <EnergyBars runs={compared} />
          {acrossKey === loadedKey ? <AcrossTargets runs={loaded} /> : <div className="card muted">Drawing the runs across targets…</div>}
          <EnvironmentDiff runs={compared} baselineId={baseline} />
        </>
      )}
    </section>
  );
}
