/**
 * A simulated board never outlives the studio that started it, even one that dies without cleanup
 * (SIGKILL): started the Node way, it notices its stdin pipe close; started as the desktop app does
 * it (an Electron utilityProcess: no stdin pipe, heartbeats on parentPort, emulated here over
 * Node's IPC channel since no Electron binary runs on this machine), it notices the beats stop.
 * Real processes throughout: the fixture parent, the board and socat's pseudo-terminals.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BOARD_PARENT_TIMEOUT_MS } from '../../../src/core/targets/serial/simulator/parent-watch';
import { repoRoot } from '../../helpers/run-cli';

const FIXTURE = path.join(repoRoot, 'test/integration/serial-target/board-parent-fixture.ts');
const started: ChildProcess[] = [];
const socats: number[] = [];

function requireSocat(): void {
  const probe = spawnSync('socat', ['-V'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) throw new Error('socat is not installed, and the simulated board serves a socat pseudo-terminal: install it (sudo apt-get install socat).');
}

/** Running, i.e. neither gone nor a zombie nobody reaped yet (an orphan's parent is PID 1, which may not reap in a container). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** socat processes serving the pair in `dir` (left behind by a killed parent: this test's to stop). */
function socatsOf(dir: string): number[] {
  return readdirSync('/proc').flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      return args[0]?.endsWith('socat') && args.some((a) => a.includes(dir)) ? [Number(entry)] : [];
    } catch {
      return [];
    }
  });
}

async function startParent(mode: 'node' | 'utility'): Promise<{ parent: ChildProcess; board: number; pty: string }> {
  const parent = spawn(process.execPath, ['--import', 'tsx', FIXTURE, mode], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(parent);
  let stdout = '';
  let stderr = '';
  parent.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the fixture printed no board within 30 s: ${stderr}`)), 30_000);
    parent.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const newline = stdout.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      resolve(stdout.slice(0, newline));
    });
    parent.once('exit', (code) => reject(new Error(`the fixture exited (code ${code}): ${stderr}`)));
  });
  const { pid, path: pty } = JSON.parse(line) as { pid: number; path: string };
  socats.push(...socatsOf(path.dirname(pty)));
  return { parent, board: pid, pty };
}

async function waitUntilGone(pid: number, withinMs: number): Promise<number> {
  const since = Date.now();
  while (running(pid)) {
    if (Date.now() - since > withinMs) throw new Error(`the board (pid ${pid}) still runs ${withinMs} ms after its parent was killed`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Date.now() - since;
}

afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const pid of socats.splice(0)) if (running(pid)) process.kill(pid, 'SIGKILL');
});

describe('a simulated board whose studio is SIGKILLed', () => {
  it('started the Node way: exits at once, its stdin pipe closed', async () => {
    requireSocat();
    const { parent, board, pty } = await startParent('node');
    expect(existsSync(pty)).toBe(true);
    expect(running(board)).toBe(true);
    parent.kill('SIGKILL');
    expect(await waitUntilGone(board, 5_000)).toBeLessThan(5_000);
  });

  it('started as a utilityProcess (no stdin pipe): keeps serving while heartbeats come, exits once they stop', async () => {
    requireSocat();
    const { parent, board } = await startParent('utility');
    // Its stdin is /dev/null, which ends at once: a board that watched stdin here would be gone already.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(running(board)).toBe(true);
    parent.kill('SIGKILL');
    const goneAfter = await waitUntilGone(board, BOARD_PARENT_TIMEOUT_MS + 5_000);
    // Not before the timeout: until then the silence could be a busy studio.
    expect(goneAfter).toBeGreaterThan(BOARD_PARENT_TIMEOUT_MS - 2_000);
  }, 30_000);
});
