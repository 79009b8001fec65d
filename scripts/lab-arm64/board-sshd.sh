#!/bin/sh
# Runs inside the board's network namespace and its own private mount namespace (board.ts starts
# it as `ip netns exec NS unshare --mount --propagation private sh board-sshd.sh IMAGE RUN`), so
# every mount below disappears with the board's last process and nothing leaks onto this computer.
#
# IMAGE is the cached arm64 root filesystem (left unchanged); RUN is this board's scratch folder
# (host key, client key, overlay layers). The board is an overlay: a fresh writable layer over
# the image per start, so runs never change the cached image and its recipe hash stays true.
set -eu
IMAGE="$1"
RUN="$2"
ROOT="$RUN/root"
mkdir -p "$ROOT" "$RUN/upper" "$RUN/work"
if ! mount -t overlay overlay -o "lowerdir=$IMAGE,upperdir=$RUN/upper,workdir=$RUN/work" "$ROOT" 2>"$RUN/overlay.err"; then
  # Some container filesystems refuse overlay upper layers: a bind of the image still runs the board.
  echo "lab-arm64: overlay refused ($(cat "$RUN/overlay.err")); the board writes into the image itself" >&2
  mount --bind "$IMAGE" "$ROOT"
fi
mount -t proc proc "$ROOT/proc"
mount -t sysfs sysfs "$ROOT/sys"
mount -t tmpfs -o mode=755 tmpfs "$ROOT/dev"
for node in null zero full random urandom tty; do
  touch "$ROOT/dev/$node"
  mount --bind "/dev/$node" "$ROOT/dev/$node"
done
mkdir -p "$ROOT/dev/pts" "$ROOT/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666 devpts "$ROOT/dev/pts"
ln -sf pts/ptmx "$ROOT/dev/ptmx"
mount -t tmpfs tmpfs "$ROOT/dev/shm"
mount -t tmpfs tmpfs "$ROOT/run"
mkdir -p "$ROOT/run/sshd" "$ROOT/tmp"
chmod 1777 "$ROOT/tmp"
# qemu-user passes /proc/cpuinfo through from this x86 computer; the board's own file, written by
# board.ts from the emulated CPU's hwcaps (AT_HWCAP), says what an arm64 kernel would.
if [ -f "$RUN/cpuinfo" ]; then mount --bind "$RUN/cpuinfo" "$ROOT/proc/cpuinfo"; fi
# The board's name for its system says it is emulated, as the simulated board's says "Simulated".
if [ -f "$RUN/os-release" ]; then mount --bind "$RUN/os-release" "$ROOT/etc/os-release"; fi

mkdir -p "$ROOT/root/.ssh" "$ROOT/etc/ssh/lab"
cp "$RUN/host_ed25519" "$RUN/host_ed25519.pub" "$ROOT/etc/ssh/lab/"
chmod 600 "$ROOT/etc/ssh/lab/host_ed25519"
cp "$RUN/client_ed25519.pub" "$ROOT/root/.ssh/authorized_keys"
chmod 700 "$ROOT/root/.ssh"
chmod 600 "$ROOT/root/.ssh/authorized_keys"
cat > "$ROOT/etc/ssh/sshd_config.lab" <<CONFIG
Port 22
ListenAddress 0.0.0.0
HostKey /etc/ssh/lab/host_ed25519
AuthorizedKeysFile /root/.ssh/authorized_keys
PidFile /run/sshd.pid
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
Subsystem sftp internal-sftp
MaxSessions 20
MaxStartups 20:30:60
LogLevel INFO
CONFIG
echo "lab-arm64: starting the board's sshd ($(chroot "$ROOT" /usr/bin/uname -m))" >&2
exec chroot "$ROOT" /usr/sbin/sshd -D -e -f /etc/ssh/sshd_config.lab
