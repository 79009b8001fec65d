import { memo, useCallback, useEffect, useRef } from 'react';
import { BenchForm } from '../components/bench/BenchForm';
import { JobProgress } from '../components/bench/JobProgress';
import { ExportButton } from '../components/export/ExportButton';
import { exportRunsFromSummaries } from '../components/export/export-runs';
import { RunDetail } from '../components/run/RunDetail';
import { useReadAheadRunFiles } from '../components/compare/read-ahead';
import { RunsTable } from '../components/RunsTable';
import { useModels, useRuns, useTargets } from '../data/queries';
import { isBenchBusy, type BenchJob } from '../hooks/useBenchJob';

// A tick re-renders the page (the ticks live in App); the form and the open run's detail (its
// histogram is a recharts chart) take none of the ticks, so they are not drawn again for one.
const MemoBenchForm = memo(BenchForm);
const MemoRunDetail = memo(RunDetail);

interface Props {
  bench: BenchJob;
  selectedRunId: string | null;
  onSelectRun: (id: string) => void;
  comparedRunIds: readonly string[];
  onCompareChange: (ids: string[]) => void;
  onCompare: () => void;
  /** A run opened from elsewhere (a link, a job's cell, a reload of its URL): its detail scrolls into view, at the top. */
  revealRunId?: string | null;
}

export function RunsPage(props: Props) {
  const { bench, selectedRunId, onSelectRun } = props;
  const { start } = bench;
  const onStart = useCallback((request: Parameters<typeof start>[0]) => void start(request), [start]);
  const models = useModels();
  const targets = useTargets();
  const runs = useRuns();
  const selected = runs.some((r) => r.id === selectedRunId) ? selectedRunId : (runs[0]?.id ?? null);
  // Ticks on runs that are gone (a file removed by hand) are dropped.
  const picked = props.comparedRunIds.filter((id) => runs.some((r) => r.id === id));
  // Compare opens on files already read.
  useReadAheadRunFiles(picked);
  const detailRef = useRef<HTMLDivElement | null>(null);
  const reveal = props.revealRunId !== undefined && props.revealRunId !== null && props.revealRunId === selected;
  useEffect(() => {
    const anchor = detailRef.current;
    if (!reveal || !anchor) return;
    anchor.scrollIntoView({ block: 'start' });
    // The run's file arrives after the page: while the detail grows below its anchor, keep it at the
    // top (a short page could not scroll that far at first), until the user scrolls or 3 s pass.
    const observer = new ResizeObserver(() => anchor.scrollIntoView({ block: 'start' }));
    observer.observe(anchor);
    const stop = (): void => observer.disconnect();
    const timer = setTimeout(stop, 3000);
    window.addEventListener('wheel', stop, { once: true, passive: true });
    window.addEventListener('keydown', stop, { once: true });
    return () => {
      stop();
      clearTimeout(timer);
      window.removeEventListener('wheel', stop);
      window.removeEventListener('keydown', stop);
    };
  }, [reveal, selected]);
  return (
    <section className="page" aria-labelledby="runs-title">
      <header className="page-header">
        <div>
          <h1 id="runs-title">Runs</h1>
          <p className="page-sub">Each run is one JSON file in the workspace&apos;s runs/ folder, raw samples included.</p>
        </div>
        {/* The ticked runs, or else the open one. */}
        <ExportButton scope="runs" runs={exportRunsFromSummaries(runs, picked.length > 0 ? picked : selected ? [selected] : [])} />
      </header>
      <MemoBenchForm models={models} targets={targets} busy={isBenchBusy(bench.state)} onStart={onStart} />
      <JobProgress state={bench.state} onCancel={() => void bench.cancel()} onDismiss={bench.dismiss} onOpenRun={onSelectRun} />
      <RunsTable
        runs={runs}
        selectedId={selected}
        onSelect={onSelectRun}
        picked={picked}
        onPick={props.onCompareChange}
        onCompare={props.onCompare}
      />
      {selected && (
        <div ref={detailRef} className="run-detail-anchor">
          <MemoRunDetail runId={selected} />
        </div>
      )}
    </section>
  );
}
