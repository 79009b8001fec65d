/**
 * The emulated device's shell: each `shell:` command runs in a real POSIX shell, Debian's dash as
 * the device's /system/bin/sh, chrooted into the device's root (device-root.ts) as Android's shell
 * user (uid 2000), so loops, pipes, `&`, `$(...)`, redirections and signals behave as they do on a
 * phone. The root's mounts (this computer's /usr read-only, for the commands toybox gives a phone;
 * /proc with the device's meminfo over it; /dev/null and friends) live in a mount namespace of
 * their own, held by one process per device and entered by every command (util-linux unshare and
 * nsenter; root, as in CI, or an unprivileged user namespace elsewhere), so nothing is mounted on
 * this computer itself.
 *
 * The device's own tools are labelled stand-ins in /system/bin (getprop over /system/build.prop,
 * dumpsys over the state files the emulator keeps, toybox-like taskset and uname), and executing
 * a file that carries the benchmark_model stand-in's marker runs the stand-in (stand-in-exec.c,
 * preloaded into the shell, relays it to the emulator over a socket).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, readlinkSync, renameSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { STAND_IN_MARKER } from './device-spec';
import { HOST_DEVICES, HOST_TOOL_DIRS, scratchDir, SHELL_GID, SHELL_UID, type DeviceRoot } from './device-root';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));

/** Where the emulator keeps its own files on the device (state the stand-in tools print, the exec shim). */
export const EMULATOR_DIR = '/system/etc/edgebench-emulator';
export const STAND_IN_SOCKET = '/dev/socket/edgebench-stand-in';
/** Android's PATH for the shell user, then this computer's /usr/bin standing in for toybox. */
const DEVICE_PATH = '/product/bin:/apex/com.android.runtime/bin:/system/bin:/system/xbin:/vendor/bin:/usr/bin:/bin';

/** util-linux's nsenter and coreutils' chroot, by absolute path: the device's PATH is not this computer's. */
const NSENTER = ['/usr/bin/nsenter', '/bin/nsenter'].find((file) => existsSync(file)) ?? 'nsenter';
const CHROOT = ['/usr/sbin/chroot', '/usr/bin/chroot', '/sbin/chroot'].find((file) => existsSync(file)) ?? 'chroot';

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

const STAND_IN_TOOLS: Record<string, string> = {
  getprop: `#!/system/bin/sh
# EdgeBench adb emulator: a stand-in for Android's getprop, over the emulated device's /system/build.prop.
if [ $# -eq 0 ]; then
  while IFS= read -r line; do case $line in ''|'#'*) ;; *) printf '[%s]: [%s]\\n' "\${line%%=*}" "\${line#*=}" ;; esac; done < /system/build.prop
  exit 0
fi
value=$2
while IFS= read -r line; do case $line in "$1="*) value=\${line#*=} ;; esac; done < /system/build.prop
printf '%s\\n' "$value"
`,
  dumpsys: `#!/system/bin/sh
# EdgeBench adb emulator: a stand-in for Android's dumpsys; the battery and thermal services print the emulated device's state.
case $1 in
  battery|thermalservice) cat "${EMULATOR_DIR}/dumpsys-$1" ;;
  *) echo "Can't find service: $1" >&2 ;;
esac
`,
  taskset: `#!/system/bin/sh
# EdgeBench adb emulator: a stand-in for toybox's taskset (this computer's CPUs are not the device's).
# taskset MASK COMMAND...: the mask must name one of the device's CPUs; the command runs with
# EDGEBENCH_EMULATED_AFFINITY set to them, which the benchmark_model stand-in models.
usage() { echo 'usage: taskset [-ap] [mask] [PID | cmd [args...]]' >&2; exit 1; }
[ $# -ge 2 ] || usage
mask=\${1#0x}; mask=\${mask#0X}; shift
case $mask in ''|*[!0-9a-fA-F]*) usage ;; esac
chosen=''
for cpu in $(cat ${EMULATOR_DIR}/cpus); do
  if [ $(( (0x$mask >> cpu) & 1 )) -eq 1 ]; then chosen="$chosen\${chosen:+,}$cpu"; fi
done
[ -n "$chosen" ] || { echo 'taskset: sched_setaffinity: Invalid argument' >&2; exit 1; }
EDGEBENCH_EMULATED_AFFINITY=$chosen exec "$@"
`,
  uname: `#!/system/bin/sh
# EdgeBench adb emulator: a stand-in for toybox's uname, naming the emulated device's machine (this computer's is not it).
machine=$(cat ${EMULATOR_DIR}/machine)
case $1 in
  -m) echo "$machine" ;;
  -a) echo "Linux localhost 5.15.0-edgebench-emulator #1 SMP PREEMPT $machine Toybox" ;;
  *) echo Linux ;;
esac
`,
};

/** The exec shim, compiled once per source (gcc, from .ci/run's g++) into a cache shared by test files. */
async function compiledShim(): Promise<string> {
  const source = path.join(here, 'stand-in-exec.c');
  const hash = createHash('sha256').update(readFileSync(source)).update(STAND_IN_MARKER).update(STAND_IN_SOCKET).digest('hex').slice(0, 16);
  const out = path.join(scratchDir(), `edgebench-adb-emulator-exec-${hash}.so`);
  if (existsSync(out)) return out;
  const partial = `${out}.${process.pid}.tmp`;
  try {
    await run('gcc', ['-shared', '-fPIC', '-O1', `-DSTAND_IN_MARKER="${STAND_IN_MARKER}"`, `-DSTAND_IN_SOCKET="${STAND_IN_SOCKET}"`, '-o', partial, source, '-ldl'], { timeout: 60_000 });
  } catch (error) {
    throw new Error(`The adb device emulator could not compile its exec shim with gcc (install gcc; .ci/run installs g++): ${(error as Error).message}`, { cause: error });
  }
  renameSync(partial, out);
  return out;
}

const HOLDER_SCRIPT = `set -e
r=$1
for d in ${HOST_TOOL_DIRS.join(' ')}; do if [ -d "$r/$d" ] && [ ! -L "$r/$d" ]; then mount --bind -o ro "/$d" "$r/$d"; fi; done
mount --rbind /proc "$r/proc"
mount --bind "$r${EMULATOR_DIR}/meminfo" "$r/proc/meminfo"
for n in ${HOST_DEVICES.join(' ')}; do mount --bind "/dev/$n" "$r/dev/$n"; done
echo ready
read -r _ || true
`;

export interface ShellProcess {
  child: ChildProcess;
  /** Resolves with the command's exit status (128 + the signal's number when a signal ended it). */
  done: Promise<number>;
  /** SIGHUP to the command's process group, as adbd sends when the host closes the stream. */
  hangUp(): void;
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGPIPE: 13, SIGTERM: 15 };

export class DeviceShell {
  private readonly running = new Set<ShellProcess>();

  private constructor(
    private readonly root: DeviceRoot,
    private readonly holder: ChildProcess,
    private readonly shim: string,
  ) {}

  static async start(root: DeviceRoot): Promise<DeviceShell> {
    for (const [name, script] of Object.entries(STAND_IN_TOOLS)) root.writeSystemFile(`/system/bin/${name}`, script, 0o755);
    symlinkSync('/bin/dash', root.hostPath('/system/bin/sh'));
    // The shim sits at the same absolute path inside the root as on this computer, so one LD_PRELOAD
    // serves nsenter and chroot (outside) and the device's shell (inside) without an env -i hop.
    const shim = await compiledShim();
    root.writeSystemFile(shim, readFileSync(shim), 0o755);
    const unshare = asRoot ? ['--mount', '--propagation', 'private'] : ['--user', '--map-root-user', '--mount', '--propagation', 'private'];
    const holder = spawn('unshare', [...unshare, '/bin/sh', '-c', HOLDER_SCRIPT, 'edgebench-adb-device', root.dir], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    holder.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      holder.once('error', (error) => reject(new Error(`The adb device emulator could not start its shell's namespace (util-linux unshare): ${error.message}`)));
      holder.once('exit', (code) => reject(new Error(`The adb device emulator's shell namespace failed (exit ${code}): ${stderr.trim()}`)));
      holder.stdout?.once('data', () => resolve());
    });
    return new DeviceShell(root, holder, shim);
  }

  /** Runs one `shell:` command line on the device. */
  spawn(command: string): ShellProcess {
    const enter = asRoot ? ['--target', String(this.holder.pid), '--mount'] : ['--target', String(this.holder.pid), '--user', '--mount', '--preserve-credentials'];
    const user = asRoot ? [`--userspec=${SHELL_UID}:${SHELL_GID}`] : [];
    const child = spawn(NSENTER, [...enter, '--', CHROOT, ...user, this.root.dir, '/system/bin/sh', '-c', command], {
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      // The device's environment, from nsenter on: chroot passes it to the shell.
      env: { PATH: DEVICE_PATH, HOME: '/', SHELL: '/system/bin/sh', TMPDIR: '/data/local/tmp', ANDROID_DATA: '/data', ANDROID_ROOT: '/system', LD_PRELOAD: this.shim },
    });
    child.stdin?.on('error', () => undefined);
    const done = new Promise<number>((resolve) => {
      child.once('error', () => resolve(127));
      child.once('close', (code, signal) => resolve(code ?? 128 + (SIGNAL_NUMBERS[signal ?? ''] ?? 1)));
    });
    const shell: ShellProcess = {
      child,
      done,
      hangUp: () => {
        try {
          if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGHUP');
        } catch {
          // Already gone.
        }
      },
    };
    this.running.add(shell);
    void done.then(() => this.running.delete(shell));
    return shell;
  }

  /** Pids of every process running on the device (chrooted into its root): what a test checks is left behind. */
  processes(): number[] {
    const pids: number[] = [];
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        if (readlinkSync(`/proc/${name}/root`) === this.root.dir) pids.push(Number(name));
      } catch {
        // Gone, or not ours to read.
      }
    }
    return pids;
  }

  async close(): Promise<void> {
    for (const shell of this.running) shell.hangUp();
    await Promise.all([...this.running].map((shell) => shell.done));
    if (this.holder.exitCode === null) {
      const ended = new Promise((resolve) => this.holder.once('exit', resolve));
      this.holder.stdin?.end();
      await ended;
    }
  }
}
