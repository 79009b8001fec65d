/**
 * Whether this machine can run the test lab's arm64 board (scripts/lab-arm64): root, debootstrap,
 * qemu-user-static's binfmt interpreter, iproute2, util-linux's unshare and flock, ssh-keygen.
 * Under CI=true a missing one is a failure naming it (.ci/run installs them), never a skip.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const TOOLS: Array<{ tool: string; package: string }> = [
  { tool: 'debootstrap', package: 'debootstrap' },
  { tool: 'ip', package: 'iproute2' },
  { tool: 'unshare', package: 'util-linux' },
  { tool: 'flock', package: 'util-linux' },
  { tool: 'chroot', package: 'coreutils' },
  { tool: 'ssh-keygen', package: 'openssh-client' },
  { tool: 'update-binfmts', package: 'binfmt-support' },
];
/** qemu-user-static's interpreter that binfmt_misc hands arm64 programs to (flag F: usable inside a chroot). */
const QEMU_AARCH64_BINFMT = '/usr/libexec/qemu-binfmt/aarch64-binfmt-P';

export function labArm64Missing(): string | null {
  if (process.platform !== 'linux') return 'the arm64 lab board needs Linux';
  if (process.getuid?.() !== 0) return 'the arm64 lab board needs root (network namespaces, mounts, chroot)';
  for (const { tool, package: pkg } of TOOLS) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      return `${tool} is not installed (Debian package ${pkg})`;
    }
  }
  if (!existsSync(QEMU_AARCH64_BINFMT)) return `${QEMU_AARCH64_BINFMT} is missing (Debian package qemu-user-static)`;
  return null;
}

/** True when the board can run here; under CI a missing tool throws with its name. */
export function labArm64Available(): boolean {
  const missing = labArm64Missing();
  if (missing !== null && process.env.CI === 'true') throw new Error(`The arm64 lab board cannot run: ${missing}; .ci/run must install it.`);
  if (missing !== null) console.warn(`arm64 lab board tests skipped: ${missing}.`);
  return missing === null;
}
