/** Messages between the graph view's layout pool (layout-pool.ts) and a layout worker (layout-worker.ts). */
import type { BandJob, ElkGraphOut } from './graph-layout';

export type LayoutRequest =
  /** Load elk and run it on a small graph until real work comes, so the first band a user waits for is laid out by warm code. */
  | { kind: 'warm' }
  /** Stop warming up (elk stays loaded): the user asked for a graph, and its data needs the CPU now. */
  | { kind: 'cool' }
  /** Lay out one band; `task` comes back with the result. */
  | { kind: 'band'; task: number; job: BandJob };

export type LayoutReply =
  | { kind: 'band'; task: number; out: ElkGraphOut }
  /** The warm-up ended (all its rounds, or cut short by a band). */
  | { kind: 'warmed'; rounds: number; ms: number }
  | { kind: 'error'; task: number | null; message: string };
