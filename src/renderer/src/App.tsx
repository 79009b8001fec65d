import { useIsFetching, useQueryClient } from '@tanstack/react-query';
import { messageFor } from '../../shared/remedies';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { ModelEntry } from '../../shared/contract';
import { setAppState } from './app-state';
import { loadComparedRunIds, saveComparedRunIds } from './compare-selection';
import type { PickedFile } from './files';
import { DropOverlay } from './components/DropOverlay';
import { ErrorBanner } from './components/ErrorBanner';
import { PytorchImportDialog } from './components/pytorch/PytorchImportDialog';
import { ShortcutsDialog } from './components/ShortcutsDialog';
import { Sidebar } from './components/Sidebar';
import { WorkspaceProblems } from './components/WorkspaceProblems';
import { useApi } from './data/api-context';
import { useDatasets, useEvals, useModels, useRuns, useTargets, useWorkspaceInfo, useWorkspaceReady } from './data/queries';
import { reportQueryErrors } from './data/query-client';
import type { JobView } from './bench-job';
import { isBenchBusy, useBenchJob } from './hooks/useBenchJob';
import { useDropFiles } from './hooks/useDropFiles';
import { useErrors } from './hooks/useErrors';
import { useModelImport } from './hooks/useModelImport';
import { RouterProvider, routePage, typingIn, useRouter, type Page, type Route } from './hooks/usePage';
import { queryKeys } from './data/query-keys';
import { AccuracyPage } from './pages/AccuracyPage';
import { ComparePage } from './pages/ComparePage';
import { DatasetsPage } from './pages/DatasetsPage';
import { DevicesPage } from './pages/DevicesPage';
import { DiffPage } from './pages/DiffPage';
import { HomePage } from './pages/HomePage';
import { JobPage } from './pages/JobPage';
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
  // The item last open on each page, so a page switch (sidebar, Ctrl/Cmd+N) reopens it.
  const [lastModelId, setLastModelId] = useState<string | null>(null);
  const [lastRunId, setLastRunId] = useState<string | null>(null);
  // Runs ticked for comparison; kept here so they survive page switches, and in sessionStorage (and #/compare/...) so they survive reloads.
  const [comparedRunIds, setComparedRunIds] = useState<string[]>(() => loadComparedRunIds());
  useEffect(() => saveComparedRunIds(comparedRunIds), [comparedRunIds]);
  const models = useModels();
  const pageRoute = useCallback(
    (page: Page): Route => {
      switch (page) {
        case 'models':
          // A model no longer in the workspace is not reopened.
          return { page, modelId: models.some((m) => m.id === lastModelId) ? lastModelId : null, graph: false };
        case 'runs':
          return { page, runId: lastRunId };
        case 'compare':
          return { page, runIds: comparedRunIds };
        default:
          return { page };
      }
    },
    [lastModelId, lastRunId, comparedRunIds, models],
  );
  const router = useRouter(pageRoute);
  const { route, navigate } = router;
  const routeRef = useRef(route);
  useEffect(() => {
    routeRef.current = route;
  }, [route]);
  const setPage = useCallback((page: Page) => navigate(pageRoute(page)), [navigate, pageRoute]);
  const { errors, report, dismiss } = useErrors();
  // A list that could not be read is said in a banner (its page shows it empty).
  useEffect(() => reportQueryErrors(queryClient, report), [queryClient, report]);
  const info = useWorkspaceInfo();
  const targets = useTargets();
  const runs = useRuns();
  const { datasets } = useDatasets();
  const evals = useEvals();
  const ready = useWorkspaceReady();
  const fetchingModels = useIsFetching({ queryKey: queryKeys.models }) > 0;
  const [shortcutsOpen, setShortcutsOpen] = useState(false);
  // A run opened from anywhere but its row in the runs table scrolls into view.
  const [revealRunId, setRevealRunId] = useState<string | null>(() => (route.page === 'runs' ? route.runId : null));

  // The URL's items become the pages' remembered items; Compare's selection comes from its URL.
  const routeModelId = route.page === 'models' ? route.modelId : null;
  const routeRunId = route.page === 'runs' ? route.runId : null;
  const routeCompared = route.page === 'compare' ? route.runIds.join(',') : null;
  // Adjusted while rendering (React's pattern for state that follows a value), not in an effect.
  if (routeModelId !== null && routeModelId !== lastModelId) setLastModelId(routeModelId);
  if (routeRunId !== null && routeRunId !== lastRunId) setLastRunId(routeRunId);
  if (routeCompared !== null && routeCompared !== comparedRunIds.join(',')) setComparedRunIds(routeCompared === '' ? [] : routeCompared.split(','));
  // A link to a model this workspace does not have opens the Models page on its first model, and says so in the URL.
  useEffect(() => {
    if (!ready || fetchingModels || routeModelId === null || models.some((m) => m.id === routeModelId)) return;
    navigate({ page: 'models', modelId: null, graph: false }, { replace: true });
  }, [ready, fetchingModels, routeModelId, models, navigate]);
  // A new page opens at its top: the content pane would otherwise keep the last page's scroll.
  const pageKey = route.page === 'jobs' ? `jobs/${route.jobId}` : route.page;
  const contentRef = useRef<HTMLElement | null>(null);
  // A layout effect, so it runs before any page's own effects: the Runs page then scrolls a run opened
  // from elsewhere (a job's grid, Home) into view after this, not before it (which would be undone).
  useLayoutEffect(() => {
    contentRef.current?.scrollTo({ top: 0 });
  }, [pageKey]);

  const openModel = useCallback((id: string) => navigate({ page: 'models', modelId: id, graph: false }), [navigate]);
  const onImported = useCallback((model: ModelEntry) => openModel(model.id), [openModel]);
  const [pytorchFile, setPytorchFile] = useState<File | null>(null);
  const { importFiles, busy: importing } = useModelImport(onImported, report, setPytorchFile);
  // Files dropped on the Datasets page are not models: say how to import a dataset instead.
  const onDropFiles = useCallback(
    (files: PickedFile[]) =>
      route.page === 'datasets'
        ? report(new Error('Dropped files are imported as models. To import a dataset, use "Import dataset" on this page.'))
        : importFiles(files),
    [route.page, importFiles, report],
  );
  const dragging = useDropFiles(onDropFiles, report);

  const openRun = useCallback(
    (runId: string) => {
      setRevealRunId(runId);
      navigate({ page: 'runs', runId });
    },
    [navigate],
  );
  // The run the table just selected: every other way of arriving at #/runs/<id> (a link on Home or in
  // a job's grid, Back, a typed address) scrolls the run into view.
  const selectedInTable = useRef<string | null>(null);
  const selectRunInTable = useCallback(
    (runId: string) => {
      selectedInTable.current = runId;
      setRevealRunId(null);
      navigate({ page: 'runs', runId });
    },
    [navigate],
  );
  const routedRunId = route.page === 'runs' ? route.runId : null;
  useEffect(() => {
    if (routedRunId !== null && routedRunId !== selectedInTable.current) setRevealRunId(routedRunId);
    selectedInTable.current = null;
  }, [routedRunId]);
  // A one-cell job's run opens on the Runs page; a matrix job stays on its results page. A board's run
  // started on the Devices page stays there, beside its serial log and upload bar (the card links the run).
  const onRunsReady = useCallback(
    (runIds: string[], cells: number) => {
      const first = runIds[0];
      if (first === undefined) return;
      if (cells === 1 && routeRef.current.page !== 'devices') openRun(first);
      else setLastRunId(first);
    },
    [openRun],
  );
  // Start on the Runs page with more than one cell: the job's own results page, at its top.
  const onStarted = useCallback(
    (job: JobView) => {
      // The Models page starts a job over a network's formats (its Formats panel): it opens the same way.
      if (job.cells.length > 1 && (routeRef.current.page === 'runs' || routeRef.current.page === 'models')) navigate({ page: 'jobs', jobId: job.jobId });
    },
    [navigate],
  );
  const bench = useBenchJob(onRunsReady, report, onStarted);
  const dismissJob = useCallback(() => {
    bench.dismiss();
    navigate({ page: 'runs', runId: lastRunId });
  }, [bench, navigate, lastRunId]);

  useEffect(() => api.on('ui.navigate', ({ page: next }) => setPage(next)), [api, setPage]);

  // "?" outside a text field lists the shortcuts.
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.key !== '?' || event.ctrlKey || event.metaKey || event.altKey || typingIn(event)) return;
      event.preventDefault();
      setShortcutsOpen(true);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    if (ready) setAppState('loaded');
  }, [ready]);

  const comparable = useMemo(() => comparedRunIds.filter((id) => runs.some((r) => r.id === id)), [comparedRunIds, runs]);
  const selectedModelId = routeModelId ?? lastModelId;
  const selectedRunId = routeRunId ?? lastRunId;

  return (
    <RouterProvider value={router}>
      <div className="app">
        <Sidebar
          page={routePage(route)}
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
          onShortcuts={() => setShortcutsOpen(true)}
        />
        <main className="content" ref={contentRef}>
          <div className="banners">
            {connectionLost && <ErrorBanner message={connectionLost} />}
            {pytorchFile !== null && (
              <PytorchImportDialog
                key={`${pytorchFile.name}:${pytorchFile.lastModified}`}
                file={pytorchFile}
                onClose={() => setPytorchFile(null)}
                onOpenModel={(model) => {
                  setPytorchFile(null);
                  onImported(model);
                }}
              />
            )}
            {info && <WorkspaceProblems problems={info.problems} />}
            {errors.map((error) => (
              <ErrorBanner key={error.id} message={messageFor(error, 'ui')} onDismiss={() => dismiss(error.id)} />
            ))}
          </div>
          {route.page === 'home' && <HomePage bench={bench} />}
          {route.page === 'models' && (
            <ModelsPage
              selectedId={selectedModelId}
              graph={route.graph}
              onSelect={openModel}
              onGraphChange={(id, graph) => navigate({ page: 'models', modelId: id, graph })}
              onImport={importFiles}
              importing={importing}
              onError={report}
              bench={bench}
            />
          )}
          {route.page === 'datasets' && <DatasetsPage onError={report} />}
          {route.page === 'accuracy' && <AccuracyPage onError={report} />}
          {route.page === 'targets' && <TargetsPage onError={report} />}
          {route.page === 'devices' && <DevicesPage bench={bench} onOpenRun={openRun} onError={report} />}
          {route.page === 'runs' && (
            <RunsPage
              bench={bench}
              selectedRunId={selectedRunId}
              onSelectRun={selectRunInTable}
              comparedRunIds={comparedRunIds}
              onCompareChange={setComparedRunIds}
              onCompare={() => navigate({ page: 'compare', runIds: comparable })}
              revealRunId={revealRunId}
            />
          )}
          {route.page === 'jobs' && <JobPage jobId={route.jobId} bench={bench} onDismiss={dismissJob} onOpenRun={openRun} />}
          {route.page === 'compare' && (
            <ComparePage runIds={route.runIds} onOpenRun={openRun} onBackToRuns={() => navigate({ page: 'runs', runId: lastRunId })} />
          )}
          {route.page === 'diff' && <DiffPage a={route.a} b={route.b} />}
        </main>
        {dragging && <DropOverlay />}
        {shortcutsOpen && <ShortcutsDialog onClose={() => setShortcutsOpen(false)} />}
      </div>
    </RouterProvider>
  );
}
