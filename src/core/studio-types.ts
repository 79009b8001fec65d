import type { EventName, EventPayload, StudioHandlers } from '../shared/contract';
import type { PdfPrinter } from './reports';
import type { RunnerSpawner } from './runner/runner-client';

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
  /** The simulated serial board's entry script when bundled (Electron); default its TypeScript source. */
  simulatorEntry?: string;
}
