/**
 * Runs the real `edgebench` command (src/cli/main.ts) inside the test process: the same code path
 * a user's command takes (argument parsing, the engine, runner and worker processes, exit codes,
 * what goes to stdout and stderr), minus one Node start per command, which the table's ~150
 * commands could not afford on two cores.
 */
import { main } from '../../src/cli/main';
import type { CommandIo } from '../../src/cli/io';

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

export async function edgebench(args: string[], timeoutMs = 90_000): Promise<CliOutcome> {
  const out: string[] = [];
  const err: string[] = [];
  const controller = new AbortController();
  const io: CommandIo = {
    out: (text) => out.push(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => err.push(text.endsWith('\n') ? text : `${text}\n`),
    stderrIsTty: false,
    signal: controller.signal,
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`edgebench ${args.join(' ')} did not finish within ${timeoutMs} ms (a hang).`));
    }, timeoutMs);
  });
  try {
    const code = await Promise.race([main(args, io), timeout]);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    clearTimeout(timer);
  }
}

/** stderr as lines, without the empty last one. */
export function stderrLines(outcome: CliOutcome): string[] {
  return outcome.stderr.split('\n').filter((line) => line.trim() !== '');
}
