/**
 * Ctrl+C and SIGTERM, and files that are not files, against the real CLI (its build, as
 * `edgebench` runs it): every command stops within 2 s with exit 130, its runner, worker or board
 * process gone, whether a runner, a worker, an SSH session or a serial port is busy; a FIFO,
 * socket or character device given as an input is refused at once (exit 2, one sentence) instead
 * of blocking forever where no signal reaches.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatorOnPty, type SimulatorOnPty } from '../../src/core/targets/serial/simulator/simulator-pty';
import { cliNodeArgs, demoModelPath, repoRoot, runCli } from '../helpers/run-cli';
import { descendantsOf, sshdAvailable, startSshd, type Sshd } from './ssh/sshd-fixture';

const STOP_LIMIT_MS = 2000;
const demoTflite = path.join(repoRoot, 'resources/models/demo-mnist.tflite');
const demoDataset = path.join(repoRoot, 'resources/datasets/demo-digits');

let dir: string;
let fifo: string;
let socketPath: string;
let socketServer: Server;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'edgebench-signals-'));
  fifo = path.join(dir, 'model.onnx');
  execFileSync('mkfifo', [fifo]);
  socketPath = path.join(dir, 'model.tflite');
  socketServer = createServer();
  await new Promise<void>((resolve) => socketServer.listen(socketPath, resolve));
});

afterAll(async () => {
  await new Promise<void>((resolve) => socketServer.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

interface ProcessInfo {
  pid: number;
  cmdline: string;
}

/** Every process whose parent chain leads to `root` (from /proc), with its command line. */
function descendantsWithCommands(root: number): ProcessInfo[] {
  return descendantsOf(root).map((pid) => ({ pid, cmdline: cmdlineOf(pid) ?? '' }));
}

function cmdlineOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return undefined;
  }
}

/** Still running (not gone, not a zombie waiting for a reaper), and the same program as before. */
function stillRunning(process: ProcessInfo): boolean {
  try {
    const stat = readFileSync(`/proc/${process.pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && cmdlineOf(process.pid) === process.cmdline;
  } catch {
    return false;
  }
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Gave up waiting for ${what} after ${timeoutMs} ms.`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface StartedCli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>;
}

function startCli(args: string[], env: Record<string, string> = {}, ownGroup = false): StartedCli {
  const child = spawn(process.execPath, cliNodeArgs(args), { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env }, detached: ownGroup });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, atMs: Date.now() })),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/**
 * Sends `signal` once `busy` finds the process doing its work, then checks the stop: exit 130
 * within 2 s, and every process it had started gone. Returns the CLI's stderr. With `toGroup`
 * the signal goes to the CLI's whole process group, as Ctrl+C in a terminal does (its runner or
 * worker gets it too).
 */
async function interrupt(
  args: string[],
  signal: NodeJS.Signals,
  busy: (cli: StartedCli, children: ProcessInfo[]) => boolean,
  env: Record<string, string> = {},
  toGroup = false,
): Promise<string> {
  const cli = startCli(args, env, toGroup);
  let children: ProcessInfo[] = [];
  try {
    await waitFor(`edgebench ${args[0]} to be busy`, () => {
      if (cli.child.exitCode !== null) throw new Error(`edgebench ${args.join(' ')} ended (${cli.child.exitCode}) before it was interrupted:\n${cli.stderr()}`);
      children = descendantsWithCommands(cli.child.pid as number);
      return busy(cli, children) ? true : undefined;
    });
    const sentAt = Date.now();
    if (toGroup) process.kill(-(cli.child.pid as number), signal);
    else cli.child.kill(signal);
    const exit = await Promise.race([cli.exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), 10_000))]);
    expect(exit, `edgebench ${args[0]} was still running 10 s after ${signal}`).not.toBeNull();
    expect(exit?.code).toBe(130);
    expect((exit?.atMs ?? Infinity) - sentAt).toBeLessThan(STOP_LIMIT_MS);
    expect(cli.stderr()).not.toMatch(/^\s+at /m);
    // What it had started is gone within the same 2 s (no runner, worker or board left behind).
    await waitFor('its child processes to be gone', () => (children.some(stillRunning) ? undefined : true), STOP_LIMIT_MS);
    return cli.stderr();
  } finally {
    if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
    for (const child of children) if (stillRunning(child)) process.kill(child.pid, 'SIGKILL');
  }
}

const runs = (children: ProcessInfo[], entry: string): boolean => children.some((c) => c.cmdline.includes(`out/cli/${entry}.js`));

describe('a FIFO, socket or character device given as an input is refused at once', () => {
  it.each([
    ['inspect of a FIFO', () => ['inspect', fifo], () => `Model file '${fifo}' is a FIFO (named pipe), not a regular file: give the path of the file itself.`],
    ['bench of a FIFO', () => ['bench', fifo], () => `Model file '${fifo}' is a FIFO (named pipe), not a regular file`],
    ['quantize of a FIFO', () => ['quantize', fifo, '--mode', 'dynamic', '--out', path.join(dir, 'q.onnx')], () => `'${fifo}' is a FIFO (named pipe)`],
    ['fit of a socket', () => ['fit', socketPath], () => `Model file '${socketPath}' is a socket, not a regular file`],
    ['inspect of a character device', () => ['inspect', '/dev/zero'], () => "Model file '/dev/zero' is a character device, not a regular file"],
    ['report of a FIFO run file', () => ['report', fifo, '--format', 'md'], () => `The run file '${fifo}' is a FIFO (named pipe), not a regular file`],
    ['dataset import of a FIFO', () => ['dataset', 'import', fifoNpy(), '--out', path.join(dir, 'ds')], () => `The file '${fifoNpy()}' is a FIFO (named pipe), not a regular file`],
  ])('%s: exit 2 with one sentence, well within 2 s', async (_, args, sentence) => {
    const started = Date.now();
    const result = await runCli(args(), { timeoutMs: 10_000 });
    expect(Date.now() - started).toBeLessThan(STOP_LIMIT_MS);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(sentence());
  });
});

/** A FIFO named like a NumPy file, made next to the model FIFO on first use. */
function fifoNpy(): string {
  const file = path.join(dir, 'samples.npy');
  if (!existsSync(file)) execFileSync('mkfifo', [file]);
  return file;
}

describe('Ctrl+C and SIGTERM stop every command within 2 s with exit 130', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('bench, while its runner measures (%s): cancelled, runner gone', async (signal) => {
    const stderr = await interrupt(['bench', demoModelPath, '--runs', '10000000', '--min-time', '600000'], signal, (_, children) => runs(children, 'runner'));
    expect(stderr).toContain('cancelled; 0 of 1 cells had finished');
  });

  it('bench, Ctrl+C in a terminal (SIGINT to the process group, the runner included): cancelled, exit 130', async () => {
    const stderr = await interrupt(['bench', demoModelPath, '--runs', '10000000', '--min-time', '600000'], 'SIGINT', (_, children) => runs(children, 'runner'), {}, true);
    expect(stderr).toContain('cancelled; 0 of 1 cells had finished');
  });

  it('quantize, Ctrl+C in a terminal (SIGINT to the process group, the worker included): no variant written', async () => {
    const out = path.join(dir, 'variant-group.onnx');
    await interrupt(
      ['quantize', demoModelPath, '--mode', 'static', '--calibration', demoDataset, '--method', 'entropy', '--samples', '2000', '--out', out],
      'SIGINT',
      (_, children) => runs(children, 'worker'),
      {},
      true,
    );
    expect(existsSync(out)).toBe(false);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('quantize, while its worker calibrates (%s): no variant written, worker gone', async (signal) => {
    const out = path.join(dir, `variant-${signal}.onnx`);
    await interrupt(
      ['quantize', demoModelPath, '--mode', 'static', '--calibration', demoDataset, '--method', 'entropy', '--samples', '2000', '--out', out],
      signal,
      (_, children) => runs(children, 'worker'),
    );
    expect(existsSync(out)).toBe(false);
  });

  it('quantize of a .tflite to full int8, SIGTERM to the CLI alone while LiteRT calibrates: worker and calibration processes gone, nothing written', async () => {
    const out = path.join(dir, 'variant-int8.tflite');
    await interrupt(
      ['quantize', demoTflite, '--mode', 'int8', '--calibration', demoDataset, '--samples', '2000', '--out', out],
      'SIGTERM',
      (_, children) => runs(children, 'tflite-calibrate'),
    );
    expect(existsSync(out)).toBe(false);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('serve, once it printed its URL (%s)', async (signal) => {
    const workspace = path.join(dir, `workspace-${signal}`);
    await interrupt(['serve', '--port', '0', '--workspace', workspace], signal, (cli) => cli.stdout().includes('EdgeBench Studio is running at'));
  });

  describe('while a serial port is busy: a benchmark on a simulated board', () => {
    let board: SimulatorOnPty;
    beforeAll(async () => {
      board = await startSimulatorOnPty({ protocol: 'edgebench', slowdown: 60 });
    });
    afterAll(async () => {
      await board?.stop();
    });

    it.each(['SIGINT', 'SIGTERM'] as const)('%s', async (signal) => {
      const target = `serial://${board.path}?protocol=edgebench`;
      // Busy once the board is being driven: the model went over the cable and inferences run
      // (EDGEBENCH_VERBOSE=1 puts the serial log on stderr).
      await interrupt(['bench', demoTflite, '--target', target, '--runs', '100000', '--warmup', '1'], signal, (cli) => /RESULT/.test(cli.stderr()), {
        EDGEBENCH_VERBOSE: '1',
      });
    });
  });

  describe.skipIf(!sshdAvailable())('while an SSH session is busy: a benchmark on a board over SSH (real sshd)', () => {
    let sshd: Sshd;
    beforeAll(async () => {
      sshd = await startSshd();
    });
    afterAll(async () => {
      await sshd?.stop();
    });

    it.each(['SIGINT', 'SIGTERM'] as const)('%s: the runner on the board is stopped too', async (signal) => {
      const url = `ssh://${sshd.spec().user}@127.0.0.1:${sshd.port}`;
      const knownHosts = path.join(sshd.dir, `known_hosts-${signal}`);
      writeFileSync(knownHosts, '');
      let remote: ProcessInfo[] = [];
      await interrupt(
        ['bench', demoModelPath, '--target', url, '--identity', sshd.clientKey, '--known-hosts', knownHosts, '--accept-new-host-key', '--runs', '10000000', '--min-time', '600000', '--no-native-tools'],
        signal,
        () => {
          remote = remoteRunners();
          return remote.length > 0;
        },
      );
      await waitFor("the board's runner to stop", () => (remote.some(stillRunning) ? undefined : true), 10_000);
    });
  });
});

/** Node runners that an SSH session started on "the board" (this machine): the uploaded runner-<sha>.mjs. */
function remoteRunners(): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = cmdlineOf(Number(entry));
    if (cmdline !== undefined && /runner-[0-9a-f]{16}\.mjs/.test(cmdline)) found.push({ pid: Number(entry), cmdline });
  }
  return found;
}

describe('a command stuck in the kernel', () => {
  it('still ends within 2 s of Ctrl+C when a thread is blocked opening a FIFO nobody writes to', async () => {
    // process.exit() would wait for that thread forever; the CLI's interrupt handling must not.
    const script = [
      `import { installInterruptHandling } from ${JSON.stringify(path.join(repoRoot, 'src/cli/interrupt.ts'))};`,
      'import { open } from "node:fs";',
      'installInterruptHandling();',
      `open(${JSON.stringify(fifo)}, "r", () => undefined);`,
      'setInterval(() => undefined, 1000);',
      'process.stdout.write("blocked\\n");',
    ].join('\n');
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    try {
      await waitFor('the script to block', () => (stdout.includes('blocked') ? true : undefined));
      const sentAt = Date.now();
      child.kill('SIGINT');
      const exit = await Promise.race([exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), 10_000))]);
      expect(Date.now() - sentAt).toBeLessThan(STOP_LIMIT_MS);
      // It dies by SIGINT's default action (a shell reports 130): the only way out that waits for no thread.
      expect(exit).toEqual({ code: null, signal: 'SIGINT' });
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
