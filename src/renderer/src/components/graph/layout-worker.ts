/**
 * A layout worker of the graph view: elkjs lays out the bands it is sent (graph-layout.ts), one
 * after another, so a big graph never blocks the page. The view terminates it to cancel.
 */
import ELK from 'elkjs/lib/elk.bundled.js';
import { bandResult, type ElkLike } from './graph-layout';
import type { LayoutReply, LayoutRequest } from './layout-protocol';

const elk = new ELK() as unknown as ElkLike;
const post = (reply: LayoutReply): void => self.postMessage(reply);

// Assigned, not added: elk.bundled.js sets self.onmessage to its own dispatcher when it loads in
// a worker, and this worker speaks its own protocol instead.
self.onmessage = (event: MessageEvent<LayoutRequest>): void => {
  void (async () => {
    try {
      for (const job of event.data.jobs) {
        const out = bandResult(await elk.layout(job.elk));
        post({ kind: 'band', graphKey: job.graphKey, band: job.band, out });
      }
      post({ kind: 'done' });
    } catch (error) {
      post({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  })();
};
