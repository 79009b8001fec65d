/**
 * The test lab's arm64 board: the cached Debian bookworm arm64 root filesystem (build-image.sh)
 * with its own sshd, run through qemu-user (binfmt_misc) in its own network namespace, reached
 * over a veth pair at 10.231.N.2:22. An EMULATED board: its figures are emulated and never
 * compared with hardware; its /proc/cpuinfo and os-release say so, so every run's target does.
 *
 * Used by `npm run lab:arm64` (scripts/lab-arm64/lab.ts) and the arm64 integration test. Needs
 * root (ip netns, mount, chroot), as the build does.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const HERE = dirname(fileURLToPath(import.meta.url));
export const BUILD_SCRIPT = join(HERE, 'build-image.sh');
const SSHD_SCRIPT = join(HERE, 'board-sshd.sh');
/** The label every figure of this board carries. */
export const EMULATED_LABEL = 'emulated by qemu-user on x86_64, not hardware';

/** Where the image and its markers live (build-image.sh uses the same default). */
export function labDir(): string {
  return process.env.EDGEBENCH_LAB_DIR ?? '/var/cache/edgebench-lab';
}

/** The recipe's hash, from build-image.sh itself (one definition of what the recipe is). */
export function recipeHash(): string {
  return execFileSync('bash', [BUILD_SCRIPT, '--hash'], { encoding: 'utf8' }).trim();
}

/** The last lines of the build log, for a failure message. */
export function buildLogTail(dir = labDir(), lines = 15): string {
  const file = join(dir, 'arm64.log');
  if (!existsSync(file)) return `(no build log at ${file})`;
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/** The status marker's words ("ready HASH", "building HASH", "failed HASH"), or null before any build. */
export function imageStatus(dir = labDir()): { word: string; hash: string } | null {
  const file = join(dir, 'arm64.status');
  if (!existsSync(file)) return null;
  const [word = '', hash = ''] = readFileSync(file, 'utf8').trim().split(/\s+/);
  return { word, hash };
}

/**
 * The image for the current recipe: runs build-image.sh, which waits for a build under way (CI
 * starts one in the background before `npm ci`; the script holds a lock), then reuses a ready
 * image or builds one. A build of this recipe that already failed is not retried here: it throws
 * with its log's tail (run build-image.sh to retry).
 */
export async function ensureImage(options: { timeoutMs: number; onLog?: (line: string) => void }): Promise<string> {
  const dir = labDir();
  const hash = recipeHash();
  const failed = (): Error =>
    new Error(`The arm64 board's image failed to build (recipe ${hash}); run scripts/lab-arm64/build-image.sh as root to retry. Its log (${join(dir, 'arm64.log')}) ends:\n${buildLogTail(dir)}`);
  const before = imageStatus(dir);
  if (before?.word === 'failed' && before.hash === hash) throw failed();
  const output = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; lines: string[] }>((resolve, reject) => {
    const child = spawn('bash', [BUILD_SCRIPT], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, EDGEBENCH_LAB_DIR: dir } });
    const timer = setTimeout(() => child.kill('SIGTERM'), options.timeoutMs);
    const lines: string[] = [];
    const take = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        lines.push(line);
        if (line.startsWith('[lab-arm64')) options.onLog?.(line);
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, lines });
    });
  });
  const status = imageStatus(dir);
  if (output.code === 0 && status?.word === 'ready' && status.hash === hash) return join(dir, 'arm64');
  if (status?.word === 'failed' && status.hash === hash) throw failed();
  const how = output.signal !== null ? `was stopped after ${Math.round(options.timeoutMs / 1000)} s` : `exited with code ${output.code}`;
  throw new Error(`The arm64 board's image is not ready: scripts/lab-arm64/build-image.sh ${how}; it said:\n${output.lines.slice(-15).join('\n')}`);
}

export interface Arm64Board {
  /** The CLI's --target for the board. */
  spec: string;
  host: string;
  port: number;
  user: string;
  /** The client key the board's sshd accepts. */
  identityFile: string;
  /** A known_hosts file that pins the board's host key (and only it). */
  knownHostsFile: string;
  /** The pinned line, as OpenSSH writes it: "10.231.N.2 ssh-ed25519 AAAA…". */
  hostKeyLine: string;
  /** OpenSSH's fingerprint of the host key ("SHA256:…"). */
  hostFingerprint: string;
  netns: string;
  /** The board's scratch folder (keys, overlay layers). */
  runDir: string;
  /** Every process in the board's network namespace: its sshd, sessions and runners. */
  pids(): number[];
  stop(): Promise<void>;
}

/** Linux feature names of the arm64 AT_HWCAP and AT_HWCAP2 bits (arch/arm64/include/uapi/asm/hwcap.h), in bit order. */
const HWCAP_NAMES = [
  'fp', 'asimd', 'evtstrm', 'aes', 'pmull', 'sha1', 'sha2', 'crc32', 'atomics', 'fphp', 'asimdhp', 'cpuid', 'asimdrdm', 'jscvt', 'fcma', 'lrcpc',
  'dcpop', 'sha3', 'sm3', 'sm4', 'asimddp', 'sha512', 'sve', 'asimdfhm', 'dit', 'uscat', 'ilrcpc', 'flagm', 'ssbs', 'sb', 'paca', 'pacg',
];
const HWCAP2_NAMES = [
  'dcpodp', 'sve2', 'sveaes', 'svepmull', 'svebitperm', 'svesha3', 'svesm4', 'flagm2', 'frint', 'svei8mm', 'svef32mm', 'svef64mm', 'svebf16', 'i8mm',
  'bf16', 'dgh', 'rng', 'bti', 'mte', 'ecv', 'afp', 'rpres', 'mte3',
];

/** Feature names of a hwcap pair, as an arm64 kernel's /proc/cpuinfo "Features" line lists them. */
export function hwcapFeatures(hwcap: bigint, hwcap2: bigint): string[] {
  const set = (names: string[], bits: bigint): string[] => names.filter((_, bit) => ((bits >> BigInt(bit)) & 1n) === 1n);
  return [...set(HWCAP_NAMES, hwcap), ...set(HWCAP2_NAMES, hwcap2)];
}

/**
 * The board's /proc/cpuinfo. qemu-user 7.2 shows this computer's x86 file to arm64 programs, so
 * the board's is written from what the emulated CPU itself reports (AT_HWCAP/AT_HWCAP2, read by
 * an arm64 python3 in the image), one block per host core, with a model line saying it is emulated.
 */
async function emulatedCpuinfo(image: string, cores: number): Promise<string> {
  const script = 'import ctypes; f = ctypes.CDLL(None).getauxval; f.restype = ctypes.c_ulong; f.argtypes = [ctypes.c_ulong]; print(f(16), f(26))';
  const { stdout } = await run('chroot', [image, '/usr/bin/python3', '-c', script], { timeout: 60_000 });
  const [hwcap, hwcap2] = stdout.trim().split(/\s+/).map((word) => BigInt(word));
  const features = hwcapFeatures(hwcap ?? 0n, hwcap2 ?? 0n).join(' ');
  const blocks = Array.from({ length: cores }, (_, core) => [`processor\t: ${core}`, `model name\t: QEMU aarch64 (${EMULATED_LABEL})`, `Features\t: ${features}`, 'CPU architecture: 8', ''].join('\n'));
  return `${blocks.join('\n')}\n`;
}

/** A free 10.231.N.0/30 and netns name; `ip netns add` failing on a taken name moves on. */
async function claimNetns(): Promise<{ netns: string; index: number }> {
  const { stdout } = await run('ip', ['-o', '-4', 'addr', 'show']);
  const names = existsSync('/run/netns') ? execFileSync('ls', ['/run/netns'], { encoding: 'utf8' }).split('\n') : [];
  for (let attempt = 0; attempt < 250; attempt++) {
    const index = 1 + ((process.pid + attempt) % 250);
    const netns = `edgebench-arm64-${index}`;
    if (names.includes(netns) || stdout.includes(`10.231.${index}.`)) continue;
    try {
      await run('ip', ['netns', 'add', netns]);
      return { netns, index };
    } catch {
      // taken meanwhile by another board
    }
  }
  throw new Error('No free network namespace for the arm64 board (edgebench-arm64-1 … 250 are all in use); stop other lab boards first.');
}

/** Starts the board's sshd in its own network and mount namespaces, with a fresh host key pinned in a known_hosts file. */
export async function startArm64Board(options: { image: string; onLog?: (line: string) => void; cores: number }): Promise<Arm64Board> {
  for (const tool of ['ip', 'unshare', 'chroot', 'mount', 'ssh-keygen']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      throw new Error(`${tool} is not installed; the arm64 board needs it (iproute2, util-linux, coreutils, openssh-client).`);
    }
  }
  if (!existsSync('/proc/sys/fs/binfmt_misc/qemu-aarch64')) {
    throw new Error('binfmt_misc has no qemu-aarch64 entry, so arm64 programs cannot run; run scripts/lab-arm64/build-image.sh as root (it mounts binfmt_misc and enables qemu-aarch64).');
  }
  const runDir = mkdtempSync(join(tmpdir(), 'edgebench-arm64-'));
  const keygen = (file: string, comment: string): void => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', join(runDir, file)]);
  };
  keygen('host_ed25519', 'edgebench-lab-arm64');
  keygen('client_ed25519', 'edgebench-lab-client');
  writeFileSync(join(runDir, 'cpuinfo'), await emulatedCpuinfo(options.image, options.cores));
  writeFileSync(
    join(runDir, 'os-release'),
    `${readFileSync(join(options.image, 'etc', 'os-release'), 'utf8').replace(/^PRETTY_NAME=.*$/m, 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm), arm64 emulated by qemu-user"')}`,
  );

  const { netns, index } = await claimNetns();
  const host = `10.231.${index}.2`;
  const hostSide = `ebh${index}`;
  const boardSide = `ebb${index}`;
  const pids = (): number[] => {
    try {
      return execFileSync('ip', ['netns', 'pids', netns], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    // Everything in the namespace (sshd, its sessions, runners): its mounts go with the last of them.
    for (let round = 0; round < 20; round++) {
      const left = pids();
      if (left.length === 0) break;
      for (const pid of left) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await run('ip', ['netns', 'del', netns]).catch(() => undefined);
    await run('ip', ['link', 'del', hostSide]).catch(() => undefined);
    rmSync(runDir, { recursive: true, force: true });
  };
  try {
    await run('ip', ['link', 'add', hostSide, 'type', 'veth', 'peer', 'name', boardSide, 'netns', netns]);
    await run('ip', ['addr', 'add', `10.231.${index}.1/30`, 'dev', hostSide]);
    await run('ip', ['link', 'set', hostSide, 'up']);
    await run('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
    await run('ip', ['-n', netns, 'addr', 'add', `${host}/30`, 'dev', boardSide]);
    await run('ip', ['-n', netns, 'link', 'set', boardSide, 'up']);

    const child: ChildProcess = spawn('ip', ['netns', 'exec', netns, 'unshare', '--mount', '--propagation', 'private', 'sh', SSHD_SCRIPT, options.image, runDir], { stdio: ['ignore', 'ignore', 'pipe'] });
    const log: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`The arm64 board's sshd did not start within 60 s: ${log.join(' | ')}`)), 60_000);
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (chunk: string) => {
        for (const line of chunk.split('\n').filter(Boolean)) {
          log.push(line.trim());
          options.onLog?.(line.trim());
        }
        if (chunk.includes('Server listening on')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`The arm64 board's sshd exited with code ${code}: ${log.slice(-5).join(' | ')}`));
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }

  const publicKey = readFileSync(join(runDir, 'host_ed25519.pub'), 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  const hostKeyLine = `${host} ${publicKey}`;
  const knownHostsFile = join(runDir, 'known_hosts');
  writeFileSync(knownHostsFile, `${hostKeyLine}\n`);
  const hostFingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(runDir, 'host_ed25519.pub')], { encoding: 'utf8' }).split(' ')[1] ?? '';
  return {
    spec: `ssh://root@${host}:22`,
    host,
    port: 22,
    user: 'root',
    identityFile: join(runDir, 'client_ed25519'),
    knownHostsFile,
    hostKeyLine,
    hostFingerprint,
    netns,
    runDir,
    pids,
    stop,
  };
}
