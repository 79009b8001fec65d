import { useCallback, useEffect, useState } from 'react';
import type { ModelEntry, StudioApi } from '../../shared/contract';
import { setAppState } from './app-state';
import type { PickedFile } from './files';
import { DropOverlay } from './components/DropOverlay';
import { ErrorBanner } from './components/ErrorBanner';
import { Sidebar } from './components/Sidebar';
import { WorkspaceProblems } from './components/WorkspaceProblems';
import { isBenchBusy, useBenchJob } from './hooks/useBenchJob';
import { useDropFiles } from './hooks/useDropFiles';
import { useErrors } from './hooks/useErrors';
import { useModelImport } from './hooks/useModelImport';
import { usePage, type Page } from './hooks/usePage';
import { useRunCache } from './hooks/useRunFiles';
import { useDatasets, useEvals } from './hooks/useStudioLists';
import type { Theme } from './hooks/useTheme';
import { useWorkspace } from './hooks/useWorkspace';
import { AccuracyPage } from './pages/AccuracyPage';
import { ComparePage } from './pages/ComparePage';
import { DatasetsPage } from './pages/DatasetsPage';
import { DevicesPage } from './pages/DevicesPage';
import { ModelsPage } from './pages/ModelsPage';
import { RunsPage } from './pages/RunsPage';
import { TargetsPage } from './pages/TargetsPage';

interface Props {
  api: StudioApi;
  /** Set when the connection to browser mode's server dropped. */
  connectionLost: string | null;
  theme: Theme;
  onToggleTheme: () => void;
}

export function App({ api, connectionLost, theme, onToggleTheme }: Props) {
  const [selectedModelId, setSelectedModelId] = useState<string | null>(null);
  // A link to #/models/<id> (the bench form's "Open the Models page") opens that model.
  const onLinkedItem = useCallback((linked: Page, item: string) => {
    if (linked === 'models') setSelectedModelId(item);
  }, []);
  const [page, setPage] = usePage(onLinkedItem);
  const { errors, report, dismiss } = useErrors();
  const workspace = useWorkspace(api, report);
  const datasets = useDatasets(api, report);
  const evals = useEvals(api, report);
  const [selectedRunId, setSelectedRunId] = useState<string | null>(null);
  // Runs ticked for comparison; kept here so they survive page switches.
  const [comparedRunIds, setComparedRunIds] = useState<string[]>([]);
  const runCache = useRunCache(api);

  const onImported = useCallback(
    (model: ModelEntry) => {
      setSelectedModelId(model.id);
      setPage('models');
    },
    [setPage],
  );
  const { importFiles, busy: importing } = useModelImport(api, onImported, report);
  // Files dropped on the Datasets page are not models: say how to import a dataset instead.
  const onDropFiles = useCallback(
    (files: PickedFile[]) =>
      page === 'datasets'
        ? report(new Error('Dropped files are imported as models. To import a dataset, use "Import dataset" on this page.'))
        : importFiles(files),
    [page, importFiles, report],
  );
  const dragging = useDropFiles(onDropFiles, report);

  const openRun = useCallback(
    (runId: string) => {
      setSelectedRunId(runId);
      setPage('runs');
    },
    [setPage],
  );
  const onRunsReady = useCallback((runIds: string[]) => runIds[0] && openRun(runIds[0]), [openRun]);
  const bench = useBenchJob(api, onRunsReady, report);

  useEffect(() => api.on('ui.navigate', ({ page: next }) => setPage(next)), [api, setPage]);

  useEffect(() => {
    if (workspace.ready) setAppState('loaded');
  }, [workspace.ready]);

  return (
    <div className="app">
      <Sidebar
        page={page}
        onPage={setPage}
        theme={theme}
        onToggleTheme={onToggleTheme}
        workspacePath={workspace.info?.path ?? null}
        counts={{
          models: workspace.models.length,
          targets: workspace.targets.length,
          runs: workspace.runs.length,
          compare: comparedRunIds.length,
          datasets: datasets.datasets.length,
          accuracy: new Set(evals.map((e) => e.modelId)).size,
          devices: workspace.targets.filter((t) => t.kind === 'serial').length,
        }}
        benchRunning={isBenchBusy(bench.state)}
      />
      <main className="content">
        <div className="banners">
          {connectionLost && <ErrorBanner message={connectionLost} />}
          {workspace.info && <WorkspaceProblems problems={workspace.info.problems} />}
          {errors.map((error) => (
            <ErrorBanner key={error.id} message={error.message} onDismiss={() => dismiss(error.id)} />
          ))}
        </div>
        {page === 'models' && (
          <ModelsPage
            api={api}
            theme={theme}
            models={workspace.models}
            ready={workspace.ready}
            selectedId={selectedModelId}
            onSelect={setSelectedModelId}
            onImport={importFiles}
            importing={importing}
            datasets={datasets.datasets}
            onError={report}
          />
        )}
        {page === 'datasets' && <DatasetsPage api={api} datasets={datasets.datasets} ready={datasets.ready} onError={report} />}
        {page === 'accuracy' && (
          <AccuracyPage
            api={api}
            models={workspace.models}
            datasets={datasets.datasets}
            evals={evals}
            runs={workspace.runs}
            theme={theme}
            onError={report}
          />
        )}
        {page === 'targets' && (
          <TargetsPage
            api={api}
            targets={workspace.targets}
            targetsProblem={workspace.info?.problems.find((problem) => problem.path === 'targets.json')?.message ?? null}
            onTargetProbed={workspace.replaceTarget}
            onError={report}
          />
        )}
        {page === 'devices' && (
          <DevicesPage
            api={api}
            targets={workspace.targets}
            models={workspace.models}
            bench={bench}
            onTargetProbed={workspace.replaceTarget}
            onOpenRun={openRun}
            onError={report}
          />
        )}
        {page === 'runs' && (
          <RunsPage
            runCache={runCache}
            theme={theme}
            models={workspace.models}
            targets={workspace.targets}
            runs={workspace.runs}
            bench={bench}
            selectedRunId={selectedRunId}
            onSelectRun={setSelectedRunId}
            comparedRunIds={comparedRunIds}
            onCompareChange={setComparedRunIds}
            onCompare={() => setPage('compare')}
            onError={report}
          />
        )}
        {page === 'compare' && (
          <ComparePage
            cache={runCache}
            runIds={comparedRunIds}
            theme={theme}
            onOpenRun={openRun}
            onBackToRuns={() => setPage('runs')}
            onError={report}
          />
        )}
      </main>
      {dragging && <DropOverlay />}
    </div>
  );
}
