/**
 * Starts `edgebench serve` on a fresh workspace for a browser test, the way a user does, and
 * stops it afterwards. Each call gets its own temp workspace unless one is given.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliNodeArgs } from '../../helpers/run-cli';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const URL_LINE = /EdgeBench Studio is running at (http:\/\/\S+)/;
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

export interface StudioServer {
  /** The page URL with its token, as printed by `edgebench serve`. */
  url: string;
  workspaceDir: string;
  /** The server's process id (its runners are its children). */
  pid: number;
  /** Stops the server (SIGTERM, then SIGKILL if it lingers) and removes a workspace we created. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Use this folder (prepared by the test) instead of a fresh empty one; it is not removed. */
  workspaceDir?: string;
  /** Environment variables to set or replace for the server (e.g. a PATH without a tool, to see what the studio says). */
  env?: Record<string, string>;
}

export async function makeTempWorkspace(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'edgebench-e2e-'));
}

export async function startStudioServer(options: StartOptions = {}): Promise<StudioServer> {
  if (!existsSync(path.join(REPO_ROOT, 'out/renderer/index.html'))) {
    throw new Error('The studio UI is not built: run `npx electron-vite build` before the e2e tests (`npm test` does).');
  }
  const ownWorkspace = options.workspaceDir === undefined;
  const workspaceDir = options.workspaceDir ?? (await makeTempWorkspace());
  // The CLI's fresh build (cli-build-setup.ts), started by node itself, so the signal we send reaches it.
  const child = spawn(process.execPath, cliNodeArgs(['serve', '--port', '0', '--workspace', workspaceDir]), {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', ...options.env },
  });
  const stop = async (): Promise<void> => {
    await stopChild(child);
    if (ownWorkspace) await rm(workspaceDir, { recursive: true, force: true });
  };
  try {
    const url = await waitForUrl(child);
    return { url, workspaceDir, pid: child.pid ?? -1, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function waitForUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const finish = (error: Error | null, url?: string): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onStdout);
      child.off('exit', onExit);
      if (error) reject(error);
      else if (url) resolve(url);
    };
    const onStdout = (chunk: Buffer): void => {
      stdout += chunk.toString('utf8');
      const match = URL_LINE.exec(stdout);
      if (match?.[1]) finish(null, match[1]);
    };
    const onExit = (code: number | null): void =>
      finish(new Error(`edgebench serve exited (code ${code}) before printing its URL.\nstdout: ${stdout}\nstderr: ${stderr}`));
    const timer = setTimeout(
      () => finish(new Error(`edgebench serve printed no URL within ${START_TIMEOUT_MS} ms.\nstdout: ${stdout}\nstderr: ${stderr}`)),
      START_TIMEOUT_MS,
    );
    child.stdout?.on('data', onStdout);
    // Kept for the failure message; the pipe must also be drained so the server never blocks on it.
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    child.on('exit', onExit);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
