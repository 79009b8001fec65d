/**
 * A layout worker of the graph view: elkjs lays out the bands it is sent (graph-layout.ts), one
 * after another, so a big graph never blocks the page. The pool keeps it alive between graphs;
 * it warms up (elk's code loaded, parsed and run hot) while it has nothing else to do.
 */
import ELK from 'elkjs/lib/elk.bundled.js';
import { bandResult, ELK_OPTIONS, type BandJob, type ElkGraphIn, type ElkLike } from './graph-layout';
import type { LayoutReply, LayoutRequest } from './layout-protocol';

const elk = new ELK() as unknown as ElkLike;
const post = (reply: LayoutReply): void => self.postMessage(reply);
/** A macrotask boundary: elk's promise settles in a microtask, so without this no message would be read between two layouts. */
const yieldToMessages = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Warm-up rounds at most, and their time budget: cold elk costs about 1 ms a node, and it takes
 * elk some thousand nodes of layout before the JIT has it at its steady 0.3 ms or so (measured in Node as CPU time).
 */
const WARM_ROUNDS = 12;
const WARM_BUDGET_MS = 2_500;

/** A network-like band for the warm-up: a trunk of 60 layers, every third one a two-way branch joined again. */
function warmGraph(): ElkGraphIn {
  const children: ElkGraphIn['children'] = [];
  const edges: ElkGraphIn['edges'] = [];
  let last = '';
  for (let i = 0; i < 60; i++) {
    const id = `w${i}`;
    children.push({ id, width: 120, height: 50 });
    if (last) edges.push({ id: `e${edges.length}`, sources: [last], targets: [id] });
    if (i % 3 === 1 && last) {
      children.push({ id: `${id}b`, width: 100, height: 50 });
      edges.push({ id: `e${edges.length}`, sources: [last], targets: [`${id}b`] }, { id: `e${edges.length + 1}`, sources: [`${id}b`], targets: [`w${i + 1}`] });
    }
    last = id;
  }
  // The last branch joins a node that does not exist yet: drop its dangling edge.
  const ids = new Set(children.map((c) => c.id));
  return { id: 'warm', layoutOptions: ELK_OPTIONS, children, edges: edges.filter((e) => ids.has(e.targets[0]!)) };
}

const queue: Array<{ task: number; job: BandJob }> = [];
let running = false;
let warming = false;
let cooled = false;

async function drain(): Promise<void> {
  if (running) return;
  running = true;
  try {
    for (let next = queue.shift(); next; next = queue.shift()) {
      try {
        post({ kind: 'band', task: next.task, out: bandResult(await elk.layout(next.job.elk)) });
      } catch (error) {
        post({ kind: 'error', task: next.task, message: error instanceof Error ? error.message : String(error) });
      }
    }
  } finally {
    running = false;
  }
}

async function warm(): Promise<void> {
  cooled = false;
  if (warming) return;
  warming = true;
  const started = performance.now();
  let rounds = 0;
  const graph = warmGraph();
  try {
    // A band that arrives, or a 'cool', ends the warm-up: the user's graph comes first.
    while (rounds < WARM_ROUNDS && performance.now() - started < WARM_BUDGET_MS && queue.length === 0 && !running && !cooled) {
      await elk.layout(graph);
      rounds += 1;
      await yieldToMessages();
    }
  } catch {
    // A failed warm-up costs only speed: the real layout reports its own errors.
  }
  warming = false;
  post({ kind: 'warmed', rounds, ms: performance.now() - started });
}

// Assigned, not added: elk.bundled.js sets self.onmessage to its own dispatcher when it loads in
// a worker, and this worker speaks its own protocol instead.
self.onmessage = (event: MessageEvent<LayoutRequest>): void => {
  const request = event.data;
  if (request.kind === 'warm') void warm();
  else if (request.kind === 'cool') cooled = true;
  else {
    queue.push({ task: request.task, job: request.job });
    void drain();
  }
};
