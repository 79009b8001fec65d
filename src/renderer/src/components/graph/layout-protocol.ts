/** Messages between the graph view's layout pool (layout-pool.ts) and a layout worker (layout-worker.ts). */
import type { BandJob, ElkGraphOut } from './graph-layout';

export interface LayoutRequest {
  kind: 'bands';
  jobs: BandJob[];
}

export type LayoutReply =
  /** One band laid out, sent as soon as it is done (graphKey and band say which). */
  | { kind: 'band'; graphKey: string; band: number; out: ElkGraphOut }
  | { kind: 'done' }
  | { kind: 'error'; message: string };
