/**
 * `edgebench serve`: opens the studio engine, serves the built UI on 127.0.0.1 and prints
 * exactly one line (the URL with its token) to stdout; runs until SIGINT or SIGTERM.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeForkSpawner } from '../core/runner/runner-client';
import { openStudio } from '../core/studio';
import { StudioError } from '../shared/errors';
import { startServer } from './server';
import { nodeWorkerSpawner } from '../core/workers/run-worker';

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
  const studio = await openStudio({
    workspaceDir: options.workspaceDir,
    seedDemo: options.seedDemo ?? true,
    runnerSpawner: nodeForkSpawner(),
    workerSpawner: nodeWorkerSpawner(),
  });
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({ studio, port: options.port, staticDir });
  } catch (error) {
    await studio.close();
    throw error;
  }
  const io = options.io ?? processIo;
  io.out(`EdgeBench Studio is running at ${server.url}`);
  if (options.open) openInBrowser(server.url, io);

  await (options.signal ? untilAborted(options.signal) : untilSignal());
  await server.close();
  await studio.close();
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
