import { mutationOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { Namespace, StudioApi, TargetEntry } from '../../../shared/contract';
import { useApi } from './api-context';
import { invalidateAfterMutation } from './query-client';
import { replaceTarget } from './queries';
import type { WorkspaceList } from './query-keys';

/** The request a call takes: `ApiRequest<'models', 'quantize'>`. */
export type ApiRequest<N extends Namespace, M extends keyof StudioApi[N]> = StudioApi[N][M] extends (req: infer R) => Promise<unknown> ? R : never;

/** A call that changes one workspace list. */
export interface WorkspaceChange<TReq, TRes> {
  changes: WorkspaceList;
  call: (api: StudioApi, req: TReq) => Promise<TRes>;
}

const change = <TReq, TRes>(changes: WorkspaceList, call: (api: StudioApi, req: TReq) => Promise<TRes>): WorkspaceChange<TReq, TRes> => ({
  changes,
  call,
});

/** Every call of the contract that changes a workspace list, with the list it changes. */
export const workspaceChanges = {
  importModel: change('models', (api, req: ApiRequest<'models', 'importFiles'>) => api.models.importFiles(req)),
  importPytorch: change('models', (api, req: ApiRequest<'models', 'importPytorch'>) => api.models.importPytorch(req)),
  removeModel: change('models', (api, req: ApiRequest<'models', 'remove'>) => api.models.remove(req)),
  quantize: change('models', (api, req: ApiRequest<'models', 'quantize'>) => api.models.quantize(req)),
  prune: change('models', (api, req: ApiRequest<'models', 'prune'>) => api.models.prune(req)),
  linkModel: change('models', (api, req: ApiRequest<'models', 'link'>) => api.models.link(req)),
  setInputs: change('models', (api, req: ApiRequest<'models', 'setInputs'>) => api.models.setInputs(req)),
  importDataset: change('datasets', (api, req: ApiRequest<'datasets', 'importFiles'>) => api.datasets.importFiles(req)),
  removeDataset: change('datasets', (api, req: ApiRequest<'datasets', 'remove'>) => api.datasets.remove(req)),
  setPreprocessing: change('datasets', (api, req: ApiRequest<'datasets', 'setPreprocessing'>) => api.datasets.setPreprocessing(req)),
  removeRuns: change('runs', (api, req: ApiRequest<'runs', 'remove'>) => api.runs.remove(req)),
  runEvals: change('evals', (api, req: ApiRequest<'evals', 'run'>) => api.evals.run(req)),
  /** evals.run with the models skipped and why. */
  evaluate: change('evals', (api, req: ApiRequest<'evals', 'evaluate'>) => api.evals.evaluate(req)),
  addTarget: change('targets', (api, req: ApiRequest<'targets', 'add'>) => api.targets.add(req)),
  updateTarget: change('targets', (api, req: ApiRequest<'targets', 'update'>) => api.targets.update(req)),
  removeTarget: change('targets', (api, req: ApiRequest<'targets', 'remove'>) => api.targets.remove(req)),
  /** A simulated board is added as a serial target. */
  simulateDevice: change('targets', (api, req: ApiRequest<'devices', 'simulate'>) => api.devices.simulate(req)),
};

/**
 * The mutation for a change: once the engine answered, the changed list and workspace info are
 * refetched, so the page is current even before (or without) the `workspace.changed` event.
 */
export function workspaceMutation<TReq, TRes>(api: StudioApi, client: QueryClient, { changes, call }: WorkspaceChange<TReq, TRes>) {
  return mutationOptions({
    mutationFn: (req: TReq) => call(api, req),
    onSuccess: () => invalidateAfterMutation(client, changes),
  });
}

/** useMutation for one of `workspaceChanges`; call sites use `mutateAsync` and report failures themselves. */
export function useWorkspaceChange<TReq, TRes>(which: WorkspaceChange<TReq, TRes>) {
  return useMutation(workspaceMutation(useApi(), useQueryClient(), which));
}

/** targets.probe: the hardware found goes into the cached targets list at once (the engine keeps it for the session). */
export function useProbeTarget() {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (target: TargetEntry) => api.targets.probe({ id: target.id }),
    onSuccess: (hardware, target) => replaceTarget(client, { ...target, hardware }),
  });
}
