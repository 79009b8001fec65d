import type { EventName, EventPayload, StudioHandlers } from '../shared/contract';
import type { PdfPrinter } from './reports';
import type { RunnerSpawner } from './runner/runner-client';
import type { BoardSpawner } from './targets/serial/simulator/board-spawner';

/** Receives every event the engine emits, already validated. */
export type StudioEventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/**
 * The engine behind the contract. Transports wrap it: Electron IPC (src/main),
 * WebSocket (src/server) and direct calls (CLI, tests: see direct-transport.ts).
 */
export interface Studio {
  readonly workspaceDir: string;
  readonly handlers: StudioHandlers;
  onEvent(listener: StudioEventListener): () => void;
  /** Cancels running jobs and waits for their runners to exit. */
  close(): Promise<void>;
}

export interface StudioOptions {
  /** The workspace folder; created if missing. */
  workspaceDir: string;
  /** Copy the demo model and dataset in when the workspace has no models yet (first start). */
  seedDemo: boolean;
  /** How benchmark runners are started: a forked Node child, or Electron's utilityProcess. */
  runnerSpawner: RunnerSpawner;
  /** How worker processes (quantization, per-layer SQNR) are started; same choice as runners. */
  workerSpawner: RunnerSpawner;
  /** Prints report HTML to PDF: Electron's printToPDF in the app; default Chromium (CLI, browser mode). */
  pdfPrinter?: PdfPrinter;
  /**
   * How simulated serial boards' processes are started: Electron's utilityProcess in the desktop
   * app (a packaged app cannot run itself as Node); default a Node child process.
   */
  boardSpawner?: BoardSpawner;
}
