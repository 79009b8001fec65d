/**
 * --identity and --known-hosts name files the SSH code reads with readFile; a FIFO there would
 * block the CLI forever in a thread no signal reaches. They get the check models get: a FIFO,
 * socket or device is refused in one sentence, exit 2, before any connection is tried.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoModelPath, runCli } from '../helpers/run-cli';

let dir: string;
let fifo: string;
let socketPath: string;
let socketServer: Server;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'edgebench-ssh-flags-'));
  fifo = path.join(dir, 'id_ed25519');
  execFileSync('mkfifo', [fifo]);
  socketPath = path.join(dir, 'known_hosts');
  socketServer = createServer();
  await new Promise<void>((resolve) => socketServer.listen(socketPath, resolve));
});

afterAll(async () => {
  await new Promise<void>((resolve) => socketServer.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

// Port 1 on loopback: nothing listens there, so a CLI that got past the check would fail differently (and later).
const board = 'ssh://pi@127.0.0.1:1';

describe('SSH key and known_hosts flags are checked like model files', () => {
  it.each([
    ['targets probe, a FIFO as --identity', () => ['targets', 'probe', board, '--identity', fifo], () => `--identity '${fifo}' is a FIFO (named pipe), not a regular file: give the path of the SSH private key file itself.`],
    ['bench, a FIFO as --identity', () => ['bench', demoModelPath, '--target', board, '--identity', fifo], () => `--identity '${fifo}' is a FIFO (named pipe)`],
    ['targets probe, a socket as --known-hosts', () => ['targets', 'probe', board, '--known-hosts', socketPath], () => `--known-hosts '${socketPath}' is a socket, not a regular file: give the path of the known_hosts file itself.`],
    ['bench, a character device as --known-hosts', () => ['bench', demoModelPath, '--target', board, '--known-hosts', '/dev/zero'], () => "--known-hosts '/dev/zero' is a character device"],
  ])('%s: exit 2 at once with one sentence', async (_, args, message) => {
    const started = Date.now();
    const result = await runCli(args(), { timeoutMs: 10_000 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message());
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
