import type { QueryKey } from '@tanstack/react-query';
import type { EventPayload } from '../../../shared/contract';

/** A workspace list the engine announces changes of (`workspace.changed`'s `what`). */
export type WorkspaceList = EventPayload<'workspace.changed'>['what'];

/** The key of each piece of engine state the renderer caches; one list, one key. */
export const queryKeys = {
  /** workspace.info: path, counts and the files that could not be read. */
  workspace: ['workspace'],
  models: ['models'],
  runs: ['runs'],
  datasets: ['datasets'],
  targets: ['targets'],
  evals: ['evals'],
  /** One run file; written once and never changed, so never refetched. */
  run: (id: string) => ['run', id] as const,
  /**
   * MACs at a model's saved input sizes. `savedAt` names the saved sizes counted (the stamp of
   * inputs.json), so new sizes are a new key and counted again without any invalidation.
   */
  modelMacs: (id: string, savedAt: string) => ['model-macs', id, savedAt] as const,
  /** The serial ports this computer sees (devices.list); not workspace state, so no event invalidates it. */
  ports: ['ports'],
  /** A fit estimate of a workspace .tflite (model ids are content hashes); chip '' is every known chip. */
  fit: (modelId: string, chip: string) => ['fit', modelId, chip] as const,
  /**
   * A variant's per-layer SQNR against its float parent (evals.layerSqnr), measured on request and
   * kept for the session, so leaving the Accuracy page and coming back shows it without measuring
   * again. Model ids are content hashes; the dataset's preprocessing is in the key, since new
   * preprocessing feeds other samples.
   */
  layerSqnr: (modelId: string, datasetId: string, preprocessing: string, samples: number) => ['layer-sqnr', modelId, datasetId, preprocessing, samples] as const,
} as const;

/**
 * What each `workspace.changed` makes stale: the list itself and workspace info, whose counts and
 * problems (an unreadable file) change with any list. Typed as a Record over the contract's enum,
 * so a list added to the contract does not compile until it says what it invalidates.
 */
export const STALE_AFTER_CHANGE: Record<WorkspaceList, readonly QueryKey[]> = {
  models: [queryKeys.models, queryKeys.workspace],
  runs: [queryKeys.runs, queryKeys.workspace],
  datasets: [queryKeys.datasets, queryKeys.workspace],
  targets: [queryKeys.targets, queryKeys.workspace],
  evals: [queryKeys.evals, queryKeys.workspace],
};
