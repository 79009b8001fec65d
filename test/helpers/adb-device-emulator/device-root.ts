/**
 * The emulated device's file system: a real directory on this computer (the device's "/"), which
 * the device's shell is chrooted into (device-shell.ts) and which adbd's sync service reads and
 * writes. Android's folders the studio uses are there (/data/local/tmp, /sdcard, /system/bin, the
 * profile's /sys and /proc files); this computer's /usr (and /bin, /lib as its symlinks) is bound
 * read-only into it by the shell, standing in for toybox's commands.
 *
 * Paths from the host (sync's STAT, LIST, SEND, RECV) are resolved inside the root and refused
 * when a symlink the device's shell made would lead out of it: the sync service runs as this
 * computer's user, the shell as Android's shell user, so that check is what keeps the emulator's
 * writes inside its folder (security-critical, hence hand-written).
 */
import { accessSync, chmodSync, chownSync, mkdtempSync, statfsSync, closeSync, constants, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Android's shell user and group (AID_SHELL): what `adb shell` runs as on a phone. */
export const SHELL_UID = 2000;
export const SHELL_GID = 2000;

/** The top-level names bound from this computer into the root by the shell (or symlinked, where this computer's are symlinks). */
export const HOST_TOOL_DIRS = ['usr', 'bin', 'lib', 'lib32', 'lib64', 'libx32', 'sbin'] as const;
/** Device files bound from this computer's /dev. */
export const HOST_DEVICES = ['null', 'zero', 'random', 'urandom'] as const;

export function normalize(devicePath: string): string {
  const parts: string[] = [];
  for (const part of devicePath.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

/**
 * Where device roots (and the exec shim) go: a tmpfs (/dev/shm) when it has room, because the
 * device's state is files rewritten at every benchmark_model run, and a disk-backed /tmp makes each
 * write cost milliseconds under load; else the temp folder.
 */
export function scratchDir(): string {
  try {
    const fs = statfsSync('/dev/shm');
    if (fs.bavail * fs.bsize >= 256 * 1024 * 1024) {
      accessSync('/dev/shm', constants.W_OK);
      return '/dev/shm';
    }
  } catch {
    // No /dev/shm here.
  }
  return tmpdir();
}

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export class DeviceRoot {
  /** The device's "/" on this computer. */
  readonly dir: string;

  constructor() {
    this.dir = realpathSync(mkdtempSync(path.join(scratchDir(), 'edgebench-adb-device-')));
    chmodSync(this.dir, 0o755);
    for (const name of HOST_TOOL_DIRS) {
      let stat;
      try {
        stat = lstatSync(`/${name}`);
      } catch {
        continue;
      }
      if (stat.isSymbolicLink()) symlinkSync(readlinkSync(`/${name}`), path.join(this.dir, name));
      else if (stat.isDirectory()) mkdirSync(path.join(this.dir, name));
    }
    for (const name of ['proc', 'dev/socket', 'system/bin', 'system/etc', 'sys', 'vendor']) mkdirSync(path.join(this.dir, name), { recursive: true });
    for (const name of HOST_DEVICES) writeFileSync(path.join(this.dir, 'dev', name), '');
    chmodSync(path.join(this.dir, 'dev/socket'), 0o755);
    this.mkdirs('/data/local/tmp', true);
    this.mkdirs('/sdcard', true);
  }

  /** The host path of a device path, without following symlinks (for the device's own writes). */
  hostPath(devicePath: string, cwd = '/'): string {
    return path.join(this.dir, normalize(devicePath.startsWith('/') ? devicePath : `${cwd}/${devicePath}`));
  }

  /** The host path of a device path with its symlinks followed, or undefined when it leads outside the root or does not exist. */
  private resolved(devicePath: string, cwd = '/'): string | undefined {
    try {
      const real = realpathSync(this.hostPath(devicePath, cwd));
      return real === this.dir || real.startsWith(`${this.dir}/`) ? real : undefined;
    } catch {
      return undefined;
    }
  }

  /** mkdir -p, owned by the shell user when `shellOwned` (as /data/local/tmp is on a phone). */
  mkdirs(devicePath: string, shellOwned = false): void {
    const host = this.hostPath(devicePath);
    mkdirSync(host, { recursive: true, mode: 0o771 });
    if (shellOwned && asRoot) chownSync(host, SHELL_UID, SHELL_GID);
  }

  /** What writeSystemFile last wrote where: the device's state changes a few files per benchmark, and rewriting the others costs a benchmark's worth of time. */
  private readonly written = new Map<string, string | Buffer>();

  /** Writes a file the emulator itself keeps (sysfs, props, stand-in tools): owned by this computer's user, read-only to the shell. Unchanged content is not rewritten. */
  writeSystemFile(devicePath: string, content: string | Buffer, mode = 0o644): void {
    const host = this.hostPath(devicePath);
    const before = this.written.get(host);
    if (before !== undefined && (typeof before === 'string' && typeof content === 'string' ? before === content : Buffer.from(before).equals(Buffer.from(content)))) return;
    if (before === undefined) mkdirSync(path.dirname(host), { recursive: true });
    writeFileSync(host, content, { mode });
    if (before === undefined) chmodSync(host, mode);
    this.written.set(host, content);
  }

  /**
   * Replaces a file the emulator keeps by writing beside it and renaming over it, so a reader on
   * the device sees the old content or the new, never half of it (a sysfs read never shows half
   * a snapshot). For files rewritten while the device's shell reads them (power counters).
   */
  replaceSystemFile(devicePath: string, content: string, mode = 0o644): void {
    const host = this.hostPath(devicePath);
    if (this.written.get(host) === content) return;
    if (!this.written.has(host)) mkdirSync(path.dirname(host), { recursive: true });
    const next = `${host}.edgebench-next`;
    writeFileSync(next, content, { mode });
    chmodSync(next, mode);
    renameSync(next, host);
    this.written.set(host, content);
  }

  /** A symlink the emulator keeps (sysfs's /sys/bus/... links into /sys/devices/...); `target` as the link stores it. */
  symlink(devicePath: string, target: string): void {
    const host = this.hostPath(devicePath);
    mkdirSync(path.dirname(host), { recursive: true });
    symlinkSync(target, host);
  }

  /**
   * sync's SEND: writes a file pushed by the host into a folder the shell user may write, owned by
   * that user as adbd's files are. Refuses (false) a parent outside the root and a symlink as the file.
   */
  writePushed(devicePath: string, data: Buffer, mode: number): boolean {
    const full = normalize(devicePath);
    const parentDevice = path.posix.dirname(full);
    mkdirSync(this.hostPath(parentDevice), { recursive: true });
    const parent = this.resolved(parentDevice);
    if (parent === undefined) return false;
    const host = path.join(parent, path.posix.basename(full));
    let fd: number;
    try {
      fd = openSync(host, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, mode & 0o7777);
    } catch {
      return false;
    }
    try {
      writeSync(fd, data);
    } finally {
      closeSync(fd);
    }
    chmodSync(host, mode & 0o7777);
    if (asRoot) chownSync(host, SHELL_UID, SHELL_GID);
    return true;
  }

  read(devicePath: string, cwd = '/'): Buffer | undefined {
    const host = this.resolved(devicePath, cwd);
    if (host === undefined) return undefined;
    try {
      return readFileSync(host);
    } catch {
      return undefined;
    }
  }

  /** stat(2)'s mode, size and mtime; undefined when missing (or outside the root). */
  stat(devicePath: string, cwd = '/'): { mode: number; size: number; mtimeS: number } | undefined {
    const host = this.resolved(devicePath, cwd);
    if (host === undefined) return undefined;
    try {
      const stat = statSync(host);
      return { mode: stat.mode, size: stat.isDirectory() ? 4096 : stat.size, mtimeS: Math.floor(stat.mtimeMs / 1000) };
    } catch {
      return undefined;
    }
  }

  /** Names directly under a directory, sorted. */
  list(devicePath: string): string[] | undefined {
    const host = this.resolved(devicePath);
    if (host === undefined) return undefined;
    try {
      return readdirSync(host).sort();
    } catch {
      return undefined;
    }
  }

  /** Removes the whole root (call after the shell's namespace, which holds its mounts, has ended). */
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

