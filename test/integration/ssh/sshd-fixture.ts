/**
 * A real OpenSSH server for the tests: `/usr/sbin/sshd -D -e -f <config>` on 127.0.0.1 with a
 * free port, its own ed25519 host key and an authorized_keys file holding a client key made here.
 * The "board" is this machine, logged into as the current user.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { SshTargetSpec } from '../../../src/core/targets/ssh/ssh-connection';

export const SSHD = '/usr/sbin/sshd';
export const SSH_KEYGEN = '/usr/bin/ssh-keygen';

/** Whether this machine can run the suite; under CI a missing sshd is a failure, never a skip. */
export function sshdAvailable(): boolean {
  const present = existsSync(SSHD) && existsSync(SSH_KEYGEN);
  if (!present && process.env.CI === 'true') {
    throw new Error(`${SSHD} (Debian package openssh-server) or ${SSH_KEYGEN} is missing; .ci/run must install openssh-server.`);
  }
  if (!present) console.warn(`SSH tests skipped: ${SSHD} is not installed here (apt-get install openssh-server).`);
  return present;
}

export interface Sshd {
  port: number;
  dir: string;
  /** The client's private key file (authorized by this server). */
  clientKey: string;
  /** A second private key this server does not know. */
  strangerKey: string;
  /** The host key's public half, as `ssh-keygen` wrote it. */
  hostKeyPub(): string;
  /** OpenSSH's own fingerprint of the current host key ("SHA256:..."). */
  hostFingerprint(): string;
  spec(name?: string): SshTargetSpec;
  /** Stops the server and starts it again on the same port, with a new host key if asked. */
  restart(options?: { newHostKey?: boolean }): Promise<void>;
  /** SIGKILLs the server, its session processes and the runners under them: a cut link. */
  killAll(): void;
  /** SIGSTOPs the server's sessions: the TCP link stays open but nothing answers (a frozen link). */
  freezeSessions(): number[];
  /** Pids of every process under the server. */
  descendants(): number[];
  stop(): Promise<void>;
}

export interface SshdOptions {
  /** Folders put first on the PATH of every session (sshd's SetEnv), e.g. one holding a stand-in tool. */
  pathPrefix?: string[];
  /** Give sessions a fresh home folder inside the server's folder, so the board's cache (~/.cache/edgebench) lands there. */
  ownHome?: boolean;
}

export async function startSshd(options: SshdOptions = {}): Promise<Sshd> {
  mkdirSync('/run/sshd', { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'edgebench-sshd-'));
  const keygen = (file: string): void => {
    rmSync(file, { force: true });
    rmSync(`${file}.pub`, { force: true });
    execFileSync(SSH_KEYGEN, ['-q', '-t', 'ed25519', '-N', '', '-C', 'edgebench-test', '-f', file]);
  };
  const hostKey = join(dir, 'host_ed25519');
  const clientKey = join(dir, 'client_ed25519');
  const strangerKey = join(dir, 'stranger_ed25519');
  keygen(hostKey);
  keygen(clientKey);
  keygen(strangerKey);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${clientKey}.pub`));
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'StrictModes no',
      'UsePAM no',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'Subsystem sftp internal-sftp',
      'MaxSessions 20',
      'LogLevel INFO',
      ...sessionEnvironment(dir, options),
      '',
    ].join('\n'),
  );

  let server: ChildProcess | null = null;
  const start = async (): Promise<void> => {
    const child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    server = child;
    const log: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`sshd did not start within 10 s: ${log.join(' | ')}`)), 10_000);
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (chunk: string) => {
        log.push(chunk.trim());
        if (chunk.includes('Server listening on')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`sshd exited with code ${code}: ${log.join(' | ')}`));
      });
    });
  };
  const stopServer = async (): Promise<void> => {
    const child = server;
    if (child === null || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  const descendants = (): number[] => (server?.pid === undefined ? [] : descendantsOf(server.pid));
  await start();

  return {
    port,
    dir,
    clientKey,
    strangerKey,
    hostKeyPub: () => readFileSync(`${hostKey}.pub`, 'utf8'),
    hostFingerprint: () => execFileSync(SSH_KEYGEN, ['-l', '-E', 'sha256', '-f', `${hostKey}.pub`], { encoding: 'utf8' }).split(' ')[1] ?? '',
    spec: (name = 'test-board') => ({ name, host: '127.0.0.1', port, user: userInfo().username }),
    async restart(options = {}) {
      await stopServer();
      if (options.newHostKey === true) keygen(hostKey);
      await start();
    },
    killAll() {
      // Shells are left to finish: one killed inside the login's .bashrc can leave a lock behind
      // (pyenv's rehash lock did, and every later login waited on it).
      const pids = [...descendants().filter((pid) => ['sshd', 'node'].includes(commOf(pid))), ...(server?.pid !== undefined ? [server.pid] : [])];
      for (const pid of pids) signalQuietly(pid, 'SIGKILL');
    },
    freezeSessions() {
      const pids = descendants().filter((pid) => commOf(pid) === 'sshd');
      for (const pid of pids) signalQuietly(pid, 'SIGSTOP');
      return pids;
    },
    descendants,
    async stop() {
      for (const pid of descendants()) signalQuietly(pid, 'SIGKILL');
      await stopServer();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** sshd's SetEnv line for the options, if any (one line: a later SetEnv would be ignored). */
function sessionEnvironment(dir: string, options: SshdOptions): string[] {
  const settings: string[] = [];
  if (options.pathPrefix !== undefined) settings.push(`PATH=${[...options.pathPrefix, '/usr/local/bin', '/usr/bin', '/bin'].join(':')}`);
  if (options.ownHome === true) {
    mkdirSync(join(dir, 'home'), { recursive: true });
    settings.push(`HOME=${join(dir, 'home')}`);
  }
  return settings.length > 0 ? [`SetEnv ${settings.join(' ')}`] : [];
}

/** Every process whose parent chain leads to `root`, read from /proc. */
export function descendantsOf(root: number): number[] {
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift() as number;
    for (const [pid, ppid] of parents) {
      if (ppid === parent) {
        found.push(pid);
        queue.push(pid);
      }
    }
  }
  return found;
}

function commOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

export function signalQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** A closed port on 127.0.0.1: bound and released, so nothing listens there. */
export const closedPort = freePort;
