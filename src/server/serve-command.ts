/**
 * `edgebench serve`: serves the built UI on 127.0.0.1, prints exactly one line (the URL with its
 * token) to stdout, and opens the studio engine; runs until SIGINT or SIGTERM.
 *
 * The URL is printed as soon as the server listens. The engine (every reader, runtime client,
 * report exporter and their libraries: most of the start-up time) is imported and opened right
 * after, while the browser loads the page; calls that arrive before it is open wait for it.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Studio, StudioEventListener } from '../core/studio-types';
import { listCalls, type StudioHandlers } from '../shared/contract';
import { StudioError } from '../shared/errors';
import { startServer } from './server';

export interface ServeOptions {
  /** 0 picks a random free port. */
  port: number;
  workspaceDir: string;
  /** Also open the URL in the default browser. */
  open?: boolean;
  /** Copy the demo model and dataset into a new workspace (default true). */
  seedDemo?: boolean;
  /** The built UI; found next to the sources (out/renderer) when omitted. */
  staticDir?: string;
  /** Stops the server when aborted (the CLI aborts on Ctrl+C); without one, SIGINT/SIGTERM stop it. */
  signal?: AbortSignal;
  /** Where the URL line and notices go; stdout and stderr by default. */
  io?: ServeIo;
}

export interface ServeIo {
  out(text: string): void;
  err(text: string): void;
}

const processIo: ServeIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

export async function runServe(options: ServeOptions): Promise<void> {
  const staticDir = options.staticDir ?? findRendererDir();
  const engine = deferredStudio(options.workspaceDir);
  const server = await startServer({ studio: engine.studio, port: options.port, staticDir });
  const io = options.io ?? processIo;
  io.out(`EdgeBench Studio is running at ${server.url}`);
  if (options.open) openInBrowser(server.url, io);

  const stop = options.signal ? untilAborted(options.signal) : untilSignal();
  try {
    await engine.open(() => openEngine(options));
  } catch (error) {
    // A workspace that cannot be opened ends serve with its sentence, as before the URL was early.
    await server.close();
    throw error;
  }
  await stop;
  await server.close();
  await engine.studio.close();
}

async function openEngine(options: ServeOptions): Promise<Studio> {
  const [{ openStudio }, { nodeForkSpawner }, { nodeWorkerSpawner }] = await Promise.all([
    import('../core/studio'),
    import('../core/runner/runner-client'),
    import('../core/workers/run-worker'),
  ]);
  return openStudio({
    workspaceDir: options.workspaceDir,
    seedDemo: options.seedDemo ?? true,
    runnerSpawner: nodeForkSpawner(),
    workerSpawner: nodeWorkerSpawner(),
  });
}

/**
 * A Studio whose calls and event subscriptions wait for the real one, so the server can listen
 * (and the URL be printed) before the engine is loaded. open() is called once.
 */
function deferredStudio(workspaceDir: string): { studio: Studio; open(load: () => Promise<Studio>): Promise<Studio> } {
  let resolveReady!: (studio: Studio) => void;
  let rejectReady!: (error: unknown) => void;
  const ready = new Promise<Studio>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  ready.catch(() => undefined); // the failure is reported by open()'s caller
  let opened: Studio | null = null;

  const handlers: Record<string, Record<string, (req: unknown) => Promise<unknown>>> = {};
  for (const { namespace, method } of listCalls()) {
    (handlers[namespace] ??= {})[method] = async (req) => {
      const real = (await ready).handlers as unknown as Record<string, Record<string, (req: unknown) => Promise<unknown>>>;
      const handler = real[namespace]?.[method];
      if (!handler) throw new StudioError('INTERNAL', `No handler for ${namespace}.${method}.`);
      return handler(req);
    };
  }
  const studio: Studio = {
    workspaceDir,
    handlers: handlers as unknown as StudioHandlers,
    onEvent(listener: StudioEventListener) {
      let unsubscribe: (() => void) | null = null;
      let cancelled = false;
      void ready.then((real) => {
        if (!cancelled) unsubscribe = real.onEvent(listener);
      }, () => undefined);
      return () => {
        cancelled = true;
        unsubscribe?.();
      };
    },
    async close() {
      if (opened) await opened.close();
    },
  };
  return {
    studio,
    async open(load) {
      try {
        opened = await load();
      } catch (error) {
        rejectReady(error);
        throw error;
      }
      resolveReady(opened);
      return opened;
    },
  };
}

/** out/renderer of this checkout: two levels above src/server (or above out/<dir> in a build). */
export function findRendererDir(start = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = start;
  for (let i = 0; i < 4; i++) {
    const candidate = path.join(dir, 'out', 'renderer');
    if (existsSync(path.join(candidate, 'index.html'))) return candidate;
    dir = path.dirname(dir);
  }
  throw new StudioError(
    'FILE_NOT_FOUND',
    'The studio UI is not built: run `npm run build` first (or use `npm run serve`, which builds it).',
    { file: path.resolve(start, '../../out/renderer/index.html') },
  );
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function openInBrowser(url: string, io: ServeIo): void {
  const [command, args]: [string, string[]] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]];
  const child = spawn(command, args, { detached: true, stdio: 'ignore' });
  child.on('error', (error) => {
    io.err(`Could not open a browser (${command}: ${error.message}); open the URL above yourself.`);
  });
  child.unref();
}
