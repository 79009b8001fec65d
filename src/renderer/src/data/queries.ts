import { keepPreviousData, queryOptions, useQueries, useQuery, useQueryClient, type QueryClient, type UseQueryResult } from '@tanstack/react-query';
import { useCallback } from 'react';
import type { DatasetEntry, FitEstimate, ModelEntry, ModelMacs, SerialPortInfo, StudioApi, TargetEntry, WorkspaceInfo } from '../../../shared/contract';
import type { EvalRecord } from '../../../shared/eval-schema';
import type { RunFile, RunSummary } from '../../../shared/run-schema';
import { hasOpenSizes } from '../input-sizes-form';
import { useApi } from './api-context';
import { queryKeys } from './query-keys';

function newestFirst(runs: RunSummary[]): RunSummary[] {
  return [...runs].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** How each piece of engine state is read, by key; hooks below and tests use the same definitions. */
export const studioQueries = {
  workspace: (api: StudioApi) => queryOptions({ queryKey: queryKeys.workspace, queryFn: () => api.workspace.info({}) }),
  models: (api: StudioApi) => queryOptions({ queryKey: queryKeys.models, queryFn: () => api.models.list({}) }),
  runs: (api: StudioApi) => queryOptions({ queryKey: queryKeys.runs, queryFn: async () => newestFirst(await api.runs.list({})) }),
  datasets: (api: StudioApi) => queryOptions({ queryKey: queryKeys.datasets, queryFn: () => api.datasets.list({}) }),
  targets: (api: StudioApi) => queryOptions({ queryKey: queryKeys.targets, queryFn: () => api.targets.list({}) }),
  evals: (api: StudioApi) => queryOptions({ queryKey: queryKeys.evals, queryFn: () => api.evals.list({}) }),
  runFile: (api: StudioApi, id: string) =>
    queryOptions({
      queryKey: queryKeys.run(id),
      queryFn: () => api.runs.get({ id }),
      // Immutable and large: no deep comparison with an older copy; keepRecentRunFiles bounds how many stay.
      structuralSharing: false,
      gcTime: Infinity,
    }),
  modelMacs: (api: StudioApi, id: string, savedAt: string) =>
    queryOptions({
      queryKey: queryKeys.modelMacs(id, savedAt),
      queryFn: () => api.models.macs({ id }),
      // Sizes that cannot be counted (a damaged inputs.json) are shown by the Input sizes form; the figure stays at dims as 1.
      meta: { errorsShownInPlace: true },
    }),
  ports: (api: StudioApi) =>
    queryOptions({
      queryKey: queryKeys.ports,
      queryFn: () => api.devices.list({}),
      // Failures stay in the port card, with what to do; the page's banners are for actions the user took.
      meta: { errorsShownInPlace: true },
      // Boards come and go: every visit to the Devices page lists them anew, as Refresh does.
      gcTime: 0,
    }),
  fit: (api: StudioApi, modelId: string, chip: string) =>
    queryOptions({
      queryKey: queryKeys.fit(modelId, chip),
      queryFn: () => api.devices.fit({ modelId, ...(chip && { chip }) }),
    }),
};

// One empty list each, so a list not read yet keeps its identity across renders.
const NO_MODELS: ModelEntry[] = [];
const NO_RUNS: RunSummary[] = [];
const NO_TARGETS: TargetEntry[] = [];
const NO_DATASETS: DatasetEntry[] = [];
const NO_EVALS: EvalRecord[] = [];

export function useWorkspaceInfo(): WorkspaceInfo | null {
  return useQuery(studioQueries.workspace(useApi())).data ?? null;
}

export function useModels(): ModelEntry[] {
  return useQuery(studioQueries.models(useApi())).data ?? NO_MODELS;
}

/** Newest first. */
export function useRuns(): RunSummary[] {
  return useQuery(studioQueries.runs(useApi())).data ?? NO_RUNS;
}

export function useTargets(options: { refetchOnMount?: 'always' } = {}): TargetEntry[] {
  return useQuery({ ...studioQueries.targets(useApi()), ...options }).data ?? NO_TARGETS;
}

export function useDatasets(): { datasets: DatasetEntry[]; ready: boolean } {
  const { data } = useQuery(studioQueries.datasets(useApi()));
  return { datasets: data ?? NO_DATASETS, ready: data !== undefined };
}

export function useEvals(): EvalRecord[] {
  return useQuery(studioQueries.evals(useApi())).data ?? NO_EVALS;
}

const settled = (result: UseQueryResult): boolean => result.status !== 'pending';

/**
 * True once workspace info, models, targets and runs have each answered (or failed, which a
 * banner says): what the readiness marker `data-app-state="loaded"` stands for.
 */
export function useWorkspaceReady(): boolean {
  const api = useApi();
  return [
    useQuery(studioQueries.workspace(api)),
    useQuery(studioQueries.models(api)),
    useQuery(studioQueries.targets(api)),
    useQuery(studioQueries.runs(api)),
  ].every(settled);
}

const runFilesOf = (results: Array<UseQueryResult<RunFile>>): Array<RunFile | null> => results.map((r) => r.data ?? null);

/** The run files for `ids`, in that order; null for those still being read or that failed (reported). */
export function useRunFiles(ids: readonly string[]): Array<RunFile | null> {
  const api = useApi();
  return useQueries({ queries: ids.map((id) => studioQueries.runFile(api, id)), combine: runFilesOf });
}

/** The saved sizes a MACs figure is valid for, or null when the model has none that matter. */
function savedSizesStamp(model: ModelEntry): string | null {
  const saved = model.savedInputs;
  if (saved === null || !hasOpenSizes(model.info.inputs)) return null;
  return `${saved.fromModelId}:${saved.updatedAt}`;
}

/**
 * MACs at the sizes saved with each model that has open dims (the engine counts them: models.macs),
 * by model id; a model without saved sizes, or whose figure is still being counted, is absent and
 * shows the reader's own count (open dims as 1). Counted again when the saved sizes change.
 */
export function useSavedSizeMacs(models: readonly ModelEntry[]): ReadonlyMap<string, ModelMacs> {
  const api = useApi();
  const wanted = models.flatMap((model) => {
    const stamp = savedSizesStamp(model);
    return stamp === null ? [] : [{ id: model.id, stamp }];
  });
  const results = useQueries({ queries: wanted.map(({ id, stamp }) => studioQueries.modelMacs(api, id, stamp)) });
  const counted = new Map<string, ModelMacs>();
  wanted.forEach(({ id }, i) => {
    const macs = results[i]?.data;
    if (macs) counted.set(id, macs);
  });
  return counted;
}

/** Fit estimates of a .tflite on `chip` ('' for every known chip); null while estimating or when there is no model. */
export function useFitEstimates(modelId: string, chip: string): FitEstimate[] | null {
  return useQuery({ ...studioQueries.fit(useApi(), modelId, chip), enabled: modelId !== '' }).data ?? null;
}

/**
 * The chips the engine knows (from its every-chip estimate of the model), for the chip picker;
 * the previous model's list stays while a newly picked model is estimated, so a picked chip keeps its option.
 */
export function useFitChips(modelId: string): Array<{ id: string; label: string }> {
  const { data } = useQuery({ ...studioQueries.fit(useApi(), modelId, ''), enabled: modelId !== '', placeholderData: keepPreviousData });
  return (data ?? []).map((estimate) => ({ id: estimate.chip, label: estimate.label }));
}

/** The serial ports this computer sees, listed when the port card opens and on refetch (Refresh). */
export function usePorts(): UseQueryResult<SerialPortInfo[]> {
  return useQuery(studioQueries.ports(useApi()));
}

/** Puts what a connection test or probe found about a target into the cached list at once. */
export function replaceTarget(client: QueryClient, target: TargetEntry): void {
  client.setQueryData<TargetEntry[]>(queryKeys.targets, (list) => list?.map((t) => (t.id === target.id ? target : t)));
}

export function useReplaceTarget(): (target: TargetEntry) => void {
  const client = useQueryClient();
  return useCallback((target: TargetEntry) => replaceTarget(client, target), [client]);
}
