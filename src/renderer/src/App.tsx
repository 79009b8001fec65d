import { useQueryClient } from '@tanstack/react-query';
import { messageFor } from '../../shared/remedies';
import { useCallback, useEffect, useState } from 'react';
import type { ModelEntry } from '../../shared/contract';
import { setAppState } from './app-state';
import type { PickedFile } from './files';
import { DropOverlay } from './components/DropOverlay';
import { ErrorBanner } from './components/ErrorBanner';
import { Sidebar } from './components/Sidebar';
import { WorkspaceProblems } from './components/WorkspaceProblems';
import { useApi } from './data/api-context';
import { useDatasets, useEvals, useModels, useRuns, useTargets, useWorkspaceInfo, useWorkspaceReady } from './data/queries';
import { reportQueryErrors } from './data/query-client';
import { isBenchBusy, useBenchJob } from './hooks/useBenchJob';
import { useDropFiles } from './hooks/useDropFiles';
import { useErrors } from './hooks/useErrors';
import { useModelImport } from './hooks/useModelImport';
import { usePage, type Page } from './hooks/usePage';
import { AccuracyPage } from './pages/AccuracyPage';
import { ComparePage } from './pages/ComparePage';
import { DatasetsPage } from './pages/DatasetsPage';
import { DevicesPage } from './pages/DevicesPage';
import { ModelsPage } from './pages/ModelsPage';
import { RunsPage } from './pages/RunsPage';
import { TargetsPage } from './pages/TargetsPage';
import { isMicrocontroller } from './target-kind-view';

interface Props {
  /** Set when the connection to browser mode's server dropped. */
  connectionLost: string | null;
}

export function App({ connectionLost }: Props) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [selectedModelId, setSelectedModelId] = useState<string | null>(null);
  // A link to #/models/<id> (the bench form's "Open the Models page") opens that model.
  const onLinkedItem = useCallback((linked: Page, item: string) => {
    if (linked === 'models') setSelectedModelId(item);
  }, []);
  const [page, setPage] = usePage(onLinkedItem);
  const { errors, report, dismiss } = useErrors();
  // A list that could not be read is said in a banner (its page shows it empty).
  useEffect(() => reportQueryErrors(queryClient, report), [queryClient, report]);
  const info = useWorkspaceInfo();
  const models = useModels();
  const targets = useTargets();
  const runs = useRuns();
  const { datasets } = useDatasets();
  const evals = useEvals();
  const ready = useWorkspaceReady();
  const [selectedRunId, setSelectedRunId] = useState<string | null>(null);
  // Runs ticked for comparison; kept here so they survive page switches.
  const [comparedRunIds, setComparedRunIds] = useState<string[]>([]);

  const onImported = useCallback(
    (model: ModelEntry) => {
      setSelectedModelId(model.id);
      setPage('models');
    },
    [setPage],
  );
  const { importFiles, busy: importing } = useModelImport(onImported, report);
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
  const bench = useBenchJob(onRunsReady, report);

  useEffect(() => api.on('ui.navigate', ({ page: next }) => setPage(next)), [api, setPage]);

  useEffect(() => {
    if (ready) setAppState('loaded');
  }, [ready]);

  return (
    <div className="app">
      <Sidebar
        page={page}
        onPage={setPage}
        workspacePath={info?.path ?? null}
        counts={{
          models: models.length,
          targets: targets.length,
          runs: runs.length,
          compare: comparedRunIds.length,
          datasets: datasets.length,
          accuracy: new Set(evals.map((e) => e.modelId)).size,
          devices: targets.filter(isMicrocontroller).length,
        }}
        benchRunning={isBenchBusy(bench.state)}
      />
      <main className="content">
        <div className="banners">
          {connectionLost && <ErrorBanner message={connectionLost} />}
          {info && <WorkspaceProblems problems={info.problems} />}
          {errors.map((error) => (
            <ErrorBanner key={error.id} message={messageFor(error, 'ui')} onDismiss={() => dismiss(error.id)} />
          ))}
        </div>
        {page === 'models' && (
          <ModelsPage selectedId={selectedModelId} onSelect={setSelectedModelId} onImport={importFiles} importing={importing} onError={report} />
        )}
        {page === 'datasets' && <DatasetsPage onError={report} />}
        {page === 'accuracy' && <AccuracyPage onError={report} />}
        {page === 'targets' && <TargetsPage onError={report} />}
        {page === 'devices' && <DevicesPage bench={bench} onOpenRun={openRun} onError={report} />}
        {page === 'runs' && (
          <RunsPage
            bench={bench}
            selectedRunId={selectedRunId}
            onSelectRun={setSelectedRunId}
            comparedRunIds={comparedRunIds}
            onCompareChange={setComparedRunIds}
            onCompare={() => setPage('compare')}
          />
        )}
        {page === 'compare' && (
          <ComparePage runIds={comparedRunIds} onOpenRun={openRun} onBackToRuns={() => setPage('runs')} />
        )}
      </main>
      {dragging && <DropOverlay />}
    </div>
  );
}
