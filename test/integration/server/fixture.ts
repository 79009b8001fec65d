/**
 * A real browser-mode server on a random port: a real studio on a fresh temp workspace, and a
 * small static root with a secret file beside it (what path traversal would try to reach).
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { nodeForkSpawner } from '../../../src/core/runner/runner-client';
import { openStudio } from '../../../src/core/studio';
import type { Studio } from '../../../src/core/studio-types';
import { startServer, type RunningServer } from '../../../src/server/server';
import { nodeWorkerSpawner } from '../../../src/core/workers/run-worker';

export const SECRET = 'secret-content-that-must-never-be-served';
export const APP_JS = 'console.log("studio");\n';

export interface Fixture {
  server: RunningServer;
  studio: Studio;
  rootDir: string;
  close(): Promise<void>;
}

export async function startFixture(): Promise<Fixture> {
  const rootDir = mkdtempSync(path.join(tmpdir(), 'edgebench-server-test-'));
  const staticDir = path.join(rootDir, 'static');
  mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>studio</title><script src="./assets/app.js"></script>');
  writeFileSync(path.join(staticDir, 'assets', 'app.js'), APP_JS);
  writeFileSync(path.join(staticDir, 'assets', 'style.css'), 'body{}');
  writeFileSync(path.join(rootDir, 'secret.txt'), SECRET);
  // A link inside the static root pointing out of it must not be followed.
  symlinkSync(path.join(rootDir, 'secret.txt'), path.join(staticDir, 'escape.txt'));

  const studio = await openStudio({
    workspaceDir: path.join(rootDir, 'workspace'),
    seedDemo: false,
    runnerSpawner: nodeForkSpawner(),
    workerSpawner: nodeWorkerSpawner(),
  });
  const server = await startServer({ studio, port: 0, staticDir, log: () => undefined });
  return {
    server,
    studio,
    rootDir,
    async close() {
      await server.close();
      await studio.close();
      rmSync(rootDir, { recursive: true, force: true });
    },
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends the request path exactly as given (no URL normalisation), as an attacker's client would. */
export function rawGet(port: number, rawPath: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: rawPath, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}
