#!/usr/bin/env bash
# Builds the test lab's arm64 board: a Debian bookworm arm64 root filesystem made by debootstrap,
# whose arm64 programs run on this x86 computer through qemu-user (binfmt_misc). It is an EMULATED
# board: every figure measured on it is labelled emulated and never compared with hardware.
#
# Why qemu-user and not a full qemu-system-aarch64 boot: a TCG-emulated kernel boot plus a second
# debootstrap stage inside the guest does not fit CI's 20-minute budget beside the suite; the
# chroot runs the same Debian arm64 binaries (sshd, python3, Arm NN, nodejs) with a real sshd in
# its own network namespace (scripts/lab-arm64/board.ts).
#
# The image is built once into $EDGEBENCH_LAB_DIR (default /var/cache/edgebench-lab) and reused
# while this file's hash (the recipe: this script with its package list) is unchanged. Markers:
#   $LAB/arm64.status   "building <hash>", "ready <hash>" or "failed <hash>"
#   $LAB/arm64.lock     held by the one build at a time (the tests wait on it)
#   $LAB/arm64.log      the builds' log, appended to by each run of this script
#   $LAB/arm64/etc/edgebench-lab-recipe   the hash, inside the image
#
#   scripts/lab-arm64/build-image.sh            build or reuse
#   scripts/lab-arm64/build-image.sh --hash     print the recipe hash
# Needs root, debootstrap, qemu-user-static and binfmt-support (.ci/run installs them).
set -euo pipefail

PACKAGES=(
  openssh-server             # the board's own sshd, started in a network namespace
  python3                    # the Python runner
  python3-numpy              # its tensors
  python3-pyarmnn            # Arm NN (libarmnn 22) with its TFLite parser
  libarmnn-cpuacc-backend22  # Arm NN's NEON backend (CpuAcc): what an arm64 board accelerates with
  libarmnn-cpuref-backend22  # Arm NN's reference backend (only a Recommends of python3-pyarmnn)
  nodejs                     # Debian's arm64 Node 18: the Node runner with onnxruntime-node's linux-arm64 files
  procps                     # pgrep/ps: the SSH tests look for runners left behind
)
SUITE=bookworm

SELF="$(readlink -f "${BASH_SOURCE[0]}")"
LAB="${EDGEBENCH_LAB_DIR:-/var/cache/edgebench-lab}"
ROOT="$LAB/arm64"
STATUS="$LAB/arm64.status"
# The recipe is this file without its comments and blank lines: editing a comment keeps the image.
HASH="$(grep -vE '^[[:space:]]*(#|$)' "$SELF" | sha256sum | cut -c1-16)"

if [ "${1:-}" = "--hash" ]; then echo "$HASH"; exit 0; fi

# The whole build is one function, read before it runs: editing this file during a build cannot
# change what the running build does.
main() {
say() { printf '[lab-arm64 %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
die() { say "FAILED: $*" >&2; mkdir -p "$LAB"; echo "failed $HASH" > "$STATUS"; exit 1; }

[ "$(id -u)" -eq 0 ] || { say "FAILED: the arm64 board needs root (debootstrap, chroot, binfmt_misc); run it with sudo" >&2; exit 1; }
mkdir -p "$LAB"
# One build at a time: a second caller (the test, while CI's background build runs) waits here,
# then finds the image ready and reuses it.
exec 9>"$LAB/arm64.lock"
flock 9
# Whoever holds the lock appends to the log the tests quote when a build fails.
exec > >(tee -a "$LAB/arm64.log") 2>&1
say "recipe $HASH (pid $$)"
for tool in debootstrap chroot mount flock; do
  command -v "$tool" >/dev/null || die "$tool is not installed (apt-get install debootstrap)"
done
[ -e /usr/libexec/qemu-binfmt/aarch64-binfmt-P ] || [ -x /usr/bin/qemu-aarch64-static ] ||
  die "qemu-user-static is not installed (apt-get install qemu-user-static binfmt-support)"

# binfmt_misc lets the kernel hand arm64 programs to qemu-aarch64; a container may not have it mounted.
ensure_binfmt() {
  if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc ||
      die "cannot mount binfmt_misc at /proc/sys/fs/binfmt_misc (the container needs it to run arm64 programs)"
  fi
  if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
    command -v update-binfmts >/dev/null || die "update-binfmts is missing (apt-get install binfmt-support)"
    update-binfmts --enable qemu-aarch64 || die "update-binfmts --enable qemu-aarch64 failed"
  fi
  grep -q '^enabled' /proc/sys/fs/binfmt_misc/qemu-aarch64 || die "binfmt entry qemu-aarch64 is disabled"
  # F (fix binary): the kernel opens the interpreter now, so it also runs programs inside a chroot.
  grep -q '^flags: .*F' /proc/sys/fs/binfmt_misc/qemu-aarch64 ||
    die "binfmt entry qemu-aarch64 lacks the F flag (qemu-user-binfmt's entry?); install qemu-user-static, whose entry has it"
}
ensure_binfmt

if [ -f "$ROOT/etc/edgebench-lab-recipe" ] && [ "$(cat "$ROOT/etc/edgebench-lab-recipe")" = "$HASH" ]; then
  say "reusing $ROOT (recipe $HASH)"
  echo "ready $HASH" > "$STATUS"
  exit 0
fi

# The mirror this machine's apt uses (deb822 sources first, then a one-line sources.list).
mirror() {
  local uri=""
  if [ -r /etc/apt/sources.list.d/debian.sources ]; then
    uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' /etc/apt/sources.list.d/debian.sources)
  fi
  if [ -z "$uri" ] && [ -r /etc/apt/sources.list ]; then
    uri=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; exit } }' /etc/apt/sources.list)
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}
MIRROR="$(mirror)"

mkdir -p "$LAB"
echo "building $HASH" > "$STATUS"
BUILD="$LAB/arm64.building"
# A build left half-done (or still mounted) by an interrupted run is cleared first.
for m in proc sys dev; do umount -l "$BUILD/$m" 2>/dev/null || true; done
rm -rf --one-file-system "$BUILD"
started=$(date +%s)
say "debootstrap --arch arm64 $SUITE from $MIRROR into $BUILD (${PACKAGES[*]})"
include=$(IFS=,; echo "${PACKAGES[*]}")
debootstrap --arch=arm64 --variant=minbase --include="$include" "$SUITE" "$BUILD" "$MIRROR" ||
  die "debootstrap failed (its log: $BUILD/debootstrap/debootstrap.log)"

# Checks inside the image, run as arm64 programs: each package does what the board needs.
chroot "$BUILD" /usr/bin/uname -m | grep -qx aarch64 || die "arm64 programs do not run (uname -m in the image is not aarch64)"
chroot "$BUILD" /usr/bin/node --version >/dev/null || die "nodejs does not run in the image"
[ -x "$BUILD/usr/sbin/sshd" ] || die "openssh-server is missing from the image"
for backend in CpuAcc CpuRef; do
  [ -f "$BUILD/usr/lib/aarch64-linux-gnu/armnn22/Arm_${backend}_backend.so" ] || die "Arm NN's $backend backend is missing from the image"
done
chroot "$BUILD" /usr/bin/python3 -c '
import numpy, pyarmnn as ann
runtime = ann.IRuntime(ann.CreationOptions())  # kept alive: the device spec points into it
spec = str(runtime.GetDeviceSpec())
assert "CpuAcc" in spec and "CpuRef" in spec, "Arm NN backends: " + spec
' 2>/dev/null || die "python3 in the image cannot load Arm NN with its CpuAcc and CpuRef backends"

# No host keys in the image: each board start makes its own (board.ts), so the image holds no secret.
mkdir -p "$BUILD/run/sshd"
rm -f "$BUILD"/etc/ssh/ssh_host_*_key "$BUILD"/etc/ssh/ssh_host_*_key.pub
apt_lists=$(du -sh "$BUILD/var/cache/apt/archives" 2>/dev/null | cut -f1 || true)
rm -rf "$BUILD"/var/cache/apt/archives/*.deb "$BUILD"/var/lib/apt/lists/*_Packages
echo "$HASH" > "$BUILD/etc/edgebench-lab-recipe"
echo "edgebench-lab-arm64" > "$BUILD/etc/hostname"

rm -rf --one-file-system "$ROOT"
mv "$BUILD" "$ROOT"
echo "ready $HASH" > "$STATUS"
say "built $ROOT in $(( $(date +%s) - started )) s ($(du -sh "$ROOT" | cut -f1); downloaded packages were $apt_lists)"
}
main "$@"; exit  # on one line: bash reads no further into this file once main has run
