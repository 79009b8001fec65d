/**
 * Lays out a model graph in layout workers: the graph's bands (graph-layout.ts) are shared among
 * up to MAX_WORKERS workers, which lay them out in parallel (bands are independent elk graphs);
 * each graph (main, each subgraph) is stacked here once its last band is in. `cancel()` ends the
 * workers, which is how the view stops a layout when the user leaves the graph.
 */
import type { ModelGraph } from '../../../../shared/model-graph';
import { layoutInputs, planBands, stackBands, type BandJob, type ElkGraphOut, type GraphLayout } from './graph-layout';
import type { LayoutReply, LayoutRequest } from './layout-protocol';

const MAX_WORKERS = 2;

export interface LayoutCallbacks {
  onProgress(placed: number, total: number): void;
  /** One graph laid out: 'main' or a subgraph id. */
  onGraph(layout: GraphLayout): void;
  onDone(elapsedMs: number): void;
  onError(message: string): void;
}

export function startLayout(graph: ModelGraph, callbacks: LayoutCallbacks): { cancel(): void } {
  const started = performance.now();
  const inputs = layoutInputs(graph);
  const jobs = inputs.flatMap((input) => planBands(input));
  const total = graph.nodes.length;
  const outs = new Map(inputs.map((input) => [input.key, { input, bands: new Array<ElkGraphOut | undefined>(0), want: 0, have: 0 }]));
  for (const job of jobs) outs.get(job.graphKey)!.want += 1;

  // A graph with no nodes (an empty subgraph) is laid out already.
  for (const entry of outs.values()) if (entry.want === 0) callbacks.onGraph(stackBands(entry.input, []));
  let pending = outs.size - [...outs.values()].filter((e) => e.want === 0).length;
  if (pending === 0) {
    callbacks.onDone(performance.now() - started);
    return { cancel() {} };
  }

  const workerCount = Math.max(1, Math.min(MAX_WORKERS, navigator.hardwareConcurrency || 1, jobs.length));
  const shares: BandJob[][] = Array.from({ length: workerCount }, () => []);
  const load = new Array<number>(workerCount).fill(0);
  // In order, each band to the least loaded worker: the top of the main graph is laid out first.
  for (const job of jobs) {
    const w = load.indexOf(Math.min(...load));
    shares[w]!.push(job);
    load[w]! += job.elk.children.length;
  }

  let placed = 0;
  let finished = false;
  const workers: Worker[] = [];
  const stop = (): void => {
    finished = true;
    for (const worker of workers) worker.terminate();
  };
  const onReply = (reply: LayoutReply): void => {
    if (finished) return;
    if (reply.kind === 'error') {
      stop();
      callbacks.onError(reply.message);
      return;
    }
    if (reply.kind !== 'band') return;
    const entry = outs.get(reply.graphKey);
    if (!entry) return;
    entry.bands[reply.band] = reply.out;
    entry.have += 1;
    placed += reply.out.children?.length ?? 0;
    callbacks.onProgress(placed, total);
    if (entry.have < entry.want) return;
    callbacks.onGraph(stackBands(entry.input, entry.bands as ElkGraphOut[]));
    pending -= 1;
    if (pending === 0) {
      stop();
      callbacks.onDone(performance.now() - started);
    }
  };
  for (const share of shares) {
    const worker = new Worker(new URL('./layout-worker.ts', import.meta.url), { type: 'module', name: 'graph-layout' });
    worker.onmessage = (event: MessageEvent<LayoutReply>) => onReply(event.data);
    worker.onerror = (event) => onReply({ kind: 'error', message: event.message || 'The layout worker stopped.' });
    workers.push(worker);
    const request: LayoutRequest = { kind: 'bands', jobs: share };
    worker.postMessage(request);
  }
  return { cancel: stop };
}
