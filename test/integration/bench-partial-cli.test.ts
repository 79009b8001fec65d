/**
 * `edgebench bench` whose runner dies mid-measure (SIGKILL, as the OOM killer sends it): the run is
 * not lost. The kept samples are written to --out and printed with --json as a run marked
 * partial, and the command exits 1 because the work failed.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { RunFile } from '../../src/shared/run-schema';
import { demoModelPath, repoRoot } from '../helpers/run-cli';
import { descendantsOf, signalQuietly } from './ssh/sshd-fixture';

const dir = mkdtempSync(path.join(os.tmpdir(), 'edgebench-partial-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** CPU time a process has used, in clock ticks (utime + stime of /proc/PID/stat; 100 a second on Linux). */
function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

it('a runner killed mid-measure leaves its samples in --out and on stdout as a partial run, exit 1', async () => {
  const outFile = path.join(dir, 'run.json');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(repoRoot, 'src/cli/main.ts'), 'bench', demoModelPath, '--runs', '100000000', '--warmup', '1', '--profile-runs', '0', '--json', '--out', outFile],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));

  // The runner is the CLI's child whose command line names it. Once it has burnt 3 s of CPU it is
  // measuring: starting and loading the demo model take well under that, and 100,000,000 runs
  // keep it measuring far longer.
  const deadline = Date.now() + 60_000;
  let runner: number | undefined;
  while (Date.now() < deadline) {
    runner ??= descendantsOf(child.pid ?? -1).find((pid) => /runner/.test(commandLine(pid)));
    if (runner !== undefined && cpuTicks(runner) >= 300) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (runner === undefined) throw new Error(`the CLI started no runner within 60 s.\nstderr: ${stderr}`);
  signalQuietly(runner, 'SIGKILL');
  const code = await exited;

  expect(code, stderr).toBe(1);
  expect(stderr).toMatch(/The runner process exited with signal SIGKILL while measuring; .+ The studio kept \d+ samples measured before the runner stopped/);
  const printed = RunFile.parse(JSON.parse(stdout));
  const written = RunFile.parse(JSON.parse(readFileSync(outFile, 'utf8')));
  expect(written).toEqual(printed);
  expect(printed.status).toBe('partial');
  expect(printed.stopped).toMatchObject({ code: 'RUNNER', before: 'the runner stopped' });
  expect(printed.verdict).toBe('unstable');
  const kept = Number(/The studio kept (\d+) samples/.exec(stderr)?.[1]);
  expect(printed.latencyMs.count).toBe(kept);
  expect(printed.latencyMs.samples).toHaveLength(kept);
  expect(kept).toBeGreaterThan(100);
  expect(printed.model.name).toBe('demo-mnist');
});
