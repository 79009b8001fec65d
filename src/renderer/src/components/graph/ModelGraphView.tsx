import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useApi } from '../../data/api-context';
import { useModels } from '../../data/queries';
import { GraphView } from './GraphView';
import type { GraphOverlay } from './graph-overlay';
import { OverlayControls } from './OverlayControls';

/**
 * The graph of one workspace model (models.graph), with its overlay picker: what the Models
 * page's Graph view and the `#/models/<id>/graph` route show. A model's id is its content hash,
 * so its graph never changes and is read once.
 */
export function ModelGraphView({ modelId }: { modelId: string }) {
  const api = useApi();
  const model = useModels().find((m) => m.id === modelId) ?? null;
  const graph = useQuery({
    queryKey: ['model-graph', modelId],
    queryFn: () => api.models.graph({ id: modelId }),
    staleTime: Infinity,
    structuralSharing: false,
    meta: { errorsShownInPlace: true },
  });
  const [overlay, setOverlay] = useState<GraphOverlay | null>(null);

  if (graph.isError) {
    return (
      <p className="graph-error" data-testid="graph-load-error" role="alert">
        {graph.error instanceof Error ? graph.error.message : String(graph.error)}
      </p>
    );
  }
  if (!graph.data || !model) {
    return (
      <p className="muted" data-testid="graph-loading">
        Reading the model's graph…
      </p>
    );
  }
  return (
    <GraphView graph={graph.data} overlay={overlay} layoutCacheKey={modelId} toolbar={<OverlayControls model={model} graph={graph.data} onOverlay={setOverlay} />} />
  );
}
