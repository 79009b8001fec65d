import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { ModelEntry } from '../../../../shared/contract';
import { useApi } from '../../data/api-context';
import { useModels } from '../../data/queries';
import { BAND_NODES } from './graph-layout';
import { GraphView } from './GraphView';
import { coolLayoutWorkers, warmLayoutWorkers } from './layout-pool';
import type { GraphOverlay } from './graph-overlay';
import { OverlayControls } from './OverlayControls';

/**
 * Starts the graph's layout workers when a model big enough to need them is opened (more than one
 * band of nodes), so elk is loaded and warm by the time the user asks for the graph; once the
 * graph is shown they stop warming up (elk stays loaded), leaving the CPU to reading its data.
 */
export function useWarmGraphLayout(model: ModelEntry, graphShown: boolean): void {
  const nodes = Object.values(model.info.ops).reduce((sum, count) => sum + count, 0);
  useEffect(() => {
    if (nodes <= BAND_NODES) return;
    warmLayoutWorkers();
    if (graphShown) coolLayoutWorkers();
  }, [nodes, graphShown]);
}

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
