/**
 * Finds the process of a simulated board the studio started (by the pseudo-terminal it serves,
 * named on its command line) so a test can kill exactly that process, like a board losing power.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The pid of the board process serving the pty pair whose studio end is `hostPath`. */
export function boardProcessOf(hostPath: string): number {
  const devicePath = path.join(path.dirname(hostPath), 'device');
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // the process ended while we looked
    }
    // Built (out/cli/pty-board.js, what the studio starts) or from source (pty-board-main.ts).
    if (args.some((a) => a.endsWith('pty-board.js') || a.endsWith('pty-board-main.ts')) && args.includes(devicePath)) return Number(entry);
  }
  throw new Error(`no simulated board process serves ${devicePath}`);
}

export function killBoard(pid: number): void {
  process.kill(pid, 'SIGKILL');
}
