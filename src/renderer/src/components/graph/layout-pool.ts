/**
 * Lays out model graphs in layout workers that stay warm: up to MAX_WORKERS workers are started
 * when the app opens a model (warmLayoutWorkers), load elk and run it on a small graph until the
 * user opens the graph (coolLayoutWorkers) or a band comes, and are kept for the next graph until
 * they have been idle for IDLE_MS. A layout (startLayout):
 * - lays out every band without a cycle in this thread at once (chain-layout.ts,
 *   layered-layout.ts: no elk needed; 5,000 nodes in some tens of milliseconds);
 * - hands the bands with a cycle (a TF.js loop), top of the main graph first, to whichever worker is free;
 * - reports each graph's top part as soon as its first bands are in (onPartial, at most every
 *   PARTIAL_EVERY_MS), so the view draws what is in view while the rest streams in, then the
 *   whole graph (onGraph);
 * - keeps the finished layouts of a graph object (the model's graph is read once per model, its
 *   id being its content hash), so opening the same graph again draws it at once; given a
 *   cache key (the model's id), also in IndexedDB (layout-cache.ts), looked up before laying out.
 * `cancel()` drops a layout's bands not yet started; a band already in a worker finishes and is ignored.
 */
import type { ModelGraph } from '../../../../shared/model-graph';
import { bandWithoutElk, layoutInputs, planBands, stackBands, type BandJob, type ElkGraphOut, type GraphLayout, type LayoutInput } from './graph-layout';
import { readCachedLayouts, saveLayouts } from './layout-cache';
import type { LayoutReply, LayoutRequest } from './layout-protocol';

const MAX_WORKERS = 2;
/** Workers left with nothing to do this long are ended (a worker with elk loaded holds tens of MB). */
const IDLE_MS = 5 * 60_000;
/** The view is sent the growing top of a graph at most this often: each one is a render of the drawing. */
const PARTIAL_EVERY_MS = 150;
/**
 * Bands sent ahead to each worker: a worker never waits for the page to hand it its next band
 * (the page may be busy drawing the bands already in), and a free worker still takes the next one.
 */
const IN_FLIGHT = 3;
/** A layout that took at least this long is saved in IndexedDB (reading it back costs some tens of ms). */
const SAVE_FROM_MS = 200;

export interface LayoutCallbacks {
  onProgress(placed: number, total: number): void;
  /** The top of a graph, laid out band by band so far (its first `bands.length` bands): drawn until the whole is in. */
  onPartial?(layout: GraphLayout): void;
  /** One graph laid out: 'main' or a subgraph id. */
  onGraph(layout: GraphLayout): void;
  onDone(elapsedMs: number): void;
  onError(message: string): void;
}

interface Task {
  id: number;
  job: BandJob;
  done(out: ElkGraphOut): void;
  fail(message: string): void;
  /** Set by cancel: the reply, if any, is dropped. */
  dropped: boolean;
}

interface Slot {
  worker: Worker;
  /** Sent to the worker and not answered yet, in the order it lays them out. */
  tasks: Task[];
}

const slots: Slot[] = [];
const queue: Task[] = [];
let nextTaskId = 1;
let idleTimer: ReturnType<typeof setTimeout> | null = null;
const finished = new WeakMap<ModelGraph, GraphLayout[]>();

function workerCount(): number {
  return Math.max(1, Math.min(MAX_WORKERS, navigator.hardwareConcurrency || 1));
}

function dispatch(): void {
  // Round by round, so the bands at the top go one to each worker before any gets a second.
  for (let depth = 1; depth <= IN_FLIGHT; depth++) {
    for (const slot of slots) {
      if (slot.tasks.length >= depth) continue;
      let task = queue.shift();
      while (task?.dropped) task = queue.shift();
      if (!task) break;
      slot.tasks.push(task);
      const request: LayoutRequest = { kind: 'band', task: task.id, job: task.job };
      slot.worker.postMessage(request);
    }
  }
  const idle = queue.length === 0 && slots.every((s) => s.tasks.length === 0);
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = idle && slots.length > 0 ? setTimeout(endWorkers, IDLE_MS) : null;
}

function endWorkers(): void {
  for (const slot of slots.splice(0)) slot.worker.terminate();
  idleTimer = null;
}

function onReply(slot: Slot, reply: LayoutReply): void {
  if (reply.kind === 'warmed') return;
  const at = slot.tasks.findIndex((t) => t.id === reply.task);
  if (at < 0) return;
  const [task] = slot.tasks.splice(at, 1);
  if (task && !task.dropped) {
    if (reply.kind === 'band') task.done(reply.out);
    else task.fail(reply.message);
  }
  dispatch();
}

/** A worker that stopped (it failed to load, or crashed): its band fails, and it is replaced at the next layout. */
function onWorkerError(slot: Slot, message: string): void {
  const at = slots.indexOf(slot);
  if (at >= 0) slots.splice(at, 1);
  slot.worker.terminate();
  for (const task of slot.tasks.splice(0)) if (!task.dropped) task.fail(message);
  // With no worker left, nothing would ever take the bands waiting: they fail with the same reason.
  if (slots.length === 0) for (const waiting of queue.splice(0)) if (!waiting.dropped) waiting.fail(message);
  dispatch();
}

/** Starts the layout workers if they are not running, and has them warm up. Cheap to call again. */
export function warmLayoutWorkers(): void {
  // No workers where the page cannot start them (a test's DOM without Worker): startLayout says so.
  if (typeof Worker === 'undefined') return;
  while (slots.length < workerCount()) {
    const worker = new Worker(new URL('./layout-worker.ts', import.meta.url), { type: 'module', name: 'graph-layout' });
    const slot: Slot = { worker, tasks: [] };
    worker.onmessage = (event: MessageEvent<LayoutReply>) => onReply(slot, event.data);
    worker.onerror = (event) => onWorkerError(slot, event.message || 'The layout worker stopped.');
    slots.push(slot);
    const warm: LayoutRequest = { kind: 'warm' };
    worker.postMessage(warm);
  }
  dispatch();
}

/**
 * Stops the workers' warm-up rounds (elk stays loaded in them): called when the user opens a
 * graph, so reading and parsing its data is not slowed by elk warming up beside it.
 */
export function coolLayoutWorkers(): void {
  const cool: LayoutRequest = { kind: 'cool' };
  for (const slot of slots) slot.worker.postMessage(cool);
}

interface GraphProgress {
  input: LayoutInput;
  bands: Array<ElkGraphOut | undefined>;
  /** Bands 0..ready-1 are all in: the top of the graph that can be drawn. */
  ready: number;
  have: number;
  lastPartialAt: number;
}

export function startLayout(graph: ModelGraph, callbacks: LayoutCallbacks, cacheKey?: string): { cancel(): void } {
  const started = performance.now();
  const cached = finished.get(graph);
  if (cached) {
    for (const layout of cached) callbacks.onGraph(layout);
    callbacks.onDone(performance.now() - started);
    return { cancel() {} };
  }
  if (cacheKey === undefined) return layOut(graph, callbacks, started, cacheKey);
  // The saved layout is looked for first (a miss costs a few ms): laying out meanwhile would take the CPU from reading it.
  let job: { cancel(): void } | null = null;
  let cancelled = false;
  void readCachedLayouts(cacheKey, graph.nodes.length).then((saved) => {
    if (cancelled) return;
    if (!saved) {
      job = layOut(graph, callbacks, started, cacheKey);
      return;
    }
    finished.set(graph, saved);
    callbacks.onProgress(graph.nodes.length, graph.nodes.length);
    for (const layout of saved) callbacks.onGraph(layout);
    callbacks.onDone(performance.now() - started);
  });
  return {
    cancel() {
      cancelled = true;
      job?.cancel();
    },
  };
}

function layOut(graph: ModelGraph, callbacks: LayoutCallbacks, started: number, cacheKey: string | undefined): { cancel(): void } {
  const inputs = layoutInputs(graph);
  const total = graph.nodes.length;
  const progress = new Map<string, GraphProgress>();
  const jobs: BandJob[] = [];
  for (const input of inputs) {
    const planned = planBands(input);
    jobs.push(...planned);
    progress.set(input.key, { input, bands: new Array<ElkGraphOut | undefined>(planned.length), ready: 0, have: 0, lastPartialAt: -Infinity });
  }
  const layouts: GraphLayout[] = [];
  let pending = inputs.length;
  let placed = 0;
  let over = false;
  const tasks: Task[] = [];
  const cancel = (): void => {
    over = true;
    for (const task of tasks) task.dropped = true;
  };

  const finishGraph = (entry: GraphProgress): void => {
    const layout = stackBands(entry.input, entry.bands as ElkGraphOut[]);
    layouts.push(layout);
    callbacks.onGraph(layout);
    pending -= 1;
    if (pending === 0) {
      over = true;
      finished.set(graph, layouts);
      callbacks.onDone(performance.now() - started);
      // Kept when laying out took long enough to be worth a read instead (a chain graph is laid out in a few ms).
      if (cacheKey !== undefined && performance.now() - started >= SAVE_FROM_MS) void saveLayouts(cacheKey, graph.nodes.length, layouts);
    }
  };
  const bandIn = (job: BandJob, out: ElkGraphOut, streaming: boolean): void => {
    if (over) return;
    const entry = progress.get(job.graphKey)!;
    entry.bands[job.band] = out;
    entry.have += 1;
    placed += out.children?.length ?? 0;
    while (entry.ready < entry.bands.length && entry.bands[entry.ready]) entry.ready += 1;
    if (streaming) callbacks.onProgress(placed, total);
    if (entry.have === entry.bands.length) {
      finishGraph(entry);
      return;
    }
    const now = performance.now();
    if (streaming && callbacks.onPartial && entry.ready > 0 && now - entry.lastPartialAt >= PARTIAL_EVERY_MS) {
      entry.lastPartialAt = now;
      callbacks.onPartial(stackBands(entry.input, entry.bands.slice(0, entry.ready) as ElkGraphOut[]));
    }
  };

  // A graph with no nodes (an empty subgraph) is laid out already; only bands with a cycle need a worker.
  for (const entry of progress.values()) if (entry.bands.length === 0) finishGraph(entry);
  const forElk: BandJob[] = [];
  for (const job of jobs) {
    const out = bandWithoutElk(job);
    if (out) bandIn(job, out, false);
    else forElk.push(job);
  }
  if (over) return { cancel };
  callbacks.onProgress(placed, total);
  // The top of each graph that is already in (bands without a cycle) is drawn now, before elk starts.
  for (const entry of progress.values()) {
    if (entry.ready > 0 && entry.have < entry.bands.length && callbacks.onPartial) {
      entry.lastPartialAt = performance.now();
      callbacks.onPartial(stackBands(entry.input, entry.bands.slice(0, entry.ready) as ElkGraphOut[]));
    }
  }

  for (const job of forElk) {
    const task: Task = {
      id: nextTaskId++,
      job,
      dropped: false,
      done: (out) => bandIn(job, out, true),
      fail: (message) => {
        if (over) return;
        cancel();
        callbacks.onError(message);
      },
    };
    tasks.push(task);
    queue.push(task);
  }
  if (typeof Worker === 'undefined') {
    cancel();
    callbacks.onError('This page cannot start the layout workers (no Web Worker support).');
    return { cancel };
  }
  warmLayoutWorkers();
  return { cancel };
}
