import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import type { ModelGraph } from '../../../../shared/model-graph';
import { useApi } from '../../data/api-context';

/**
 * A workspace model's graph (models.graph), under the key the graph view uses, so a graph read
 * for the Models page is not read again here. A model's id is its content hash: read once.
 */
export function useModelGraph(modelId: string | null): UseQueryResult<ModelGraph> {
  const api = useApi();
  return useQuery({
    queryKey: ['model-graph', modelId],
    queryFn: () => api.models.graph({ id: modelId as string }),
    enabled: modelId !== null,
    staleTime: Infinity,
    structuralSharing: false,
    meta: { errorsShownInPlace: true },
  });
}

/** The message of a failed query, for the page to show in place. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
