/**
 * The device emulator against Debian's real adb client and server: what the adb target relies on
 * (shell protocol v2's exit codes and separate stderr, push), and the rest of the sync service the
 * studio does not use yet (pull, ls), so the emulator stays faithful to the protocol as a whole;
 * and its shell, a real POSIX shell (dash) confined to the device's root as Android's shell user.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningEmulator } from '../../helpers/adb-device-emulator/device';
import { startAdbLab, type AdbLab } from '../../helpers/adb-server';

const run = promisify(execFile);
const dir = mkdtempSync(path.join(tmpdir(), 'edgebench-adb-emu-'));
let lab: AdbLab;
let device: RunningEmulator;

beforeAll(async () => {
  lab = await startAdbLab();
  device = await lab.attach();
});
afterAll(async () => {
  await lab?.stop();
});

/** adb with the lab's server, resolving with its exit code instead of throwing on a non-zero one. */
async function adb(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('adb', ['-s', device.serial, ...args], { env: { ...process.env, ...lab.env }, timeout: 20_000, encoding: 'utf8' });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('the adb device emulator under Debian adb 29', () => {
  test('adb devices -l shows its banner: product, model and device', async () => {
    const { stdout } = await lab.adb(['devices', '-l']);
    expect(stdout).toMatch(new RegExp(`^${device.serial.replace(/\./g, '\\.')}\\s+device product:edgebench_emulator model:EdgeBench_adb_emulator device:edgebench_emulator`, 'm'));
  });

  test('shell v2: exit codes and stderr come back apart from stdout', async () => {
    expect(await adb(['shell', 'getprop ro.product.model'])).toEqual({ code: 0, stdout: 'EdgeBench adb emulator\n', stderr: '' });
    expect(await adb(['shell', 'cat /nonexistent'])).toEqual({ code: 1, stdout: '', stderr: 'cat: /nonexistent: No such file or directory\n' });
    expect((await adb(['shell', 'no-such-tool'])).code).toBe(127);
    expect((await adb(['shell', 'true && echo yes || echo no'])).stdout).toBe('yes\n');
    // adb 29 opens each command as shell,v2 (raw: no pty, since stdin is not a terminal), because the banner lists shell_v2.
    expect(device.services.slice(-4)).toEqual(['getprop ro.product.model', 'cat /nonexistent', 'no-such-tool', 'true && echo yes || echo no'].map((c) => `shell,v2,TERM=xterm,raw:${c}`));
  });

  test("the shell is a real POSIX shell in the device's root: loops, pipes, background jobs, redirections, stdin; as the shell user, confined", async () => {
    const loop = await adb(['shell', 'for f in /sys/devices/system/cpu/cpu*/cpufreq/cpuinfo_max_freq; do cat "$f"; done | sort -u | wc -l']);
    expect(loop).toEqual({ code: 0, stdout: '3\n', stderr: '' });
    expect((await adb(['shell', '(sleep 0.05; echo late) & echo early; wait'])).stdout).toBe('early\nlate\n');
    expect((await adb(['shell', 'echo kept > /data/local/tmp/note 2>/dev/null && cat < /data/local/tmp/note; n=0; while [ $n -lt 3 ]; do n=$((n+1)); done; echo $n'])).stdout).toBe('kept\n3\n');
    // The device's own files, not this computer's: its meminfo, its props; Android's shell user, who cannot write /system.
    const own = await adb(['shell', 'id -u; grep MemTotal /proc/meminfo; ls /; test -e /etc/hostname || echo no-etc; touch /system/x 2>/dev/null || echo read-only']);
    expect(own.stdout).toMatch(/^2000\nMemTotal:\s+7812500 kB\n/);
    expect(own.stdout).toContain('\ndata\n');
    expect(own.stdout).not.toMatch(/^(home|root|work)$/m);
    expect(own.stdout).toMatch(/no-etc\nread-only\n$/);
    // stdin reaches the command (shell v2's stdin packets).
    const piped = await new Promise<string>((resolve, reject) => {
      const child = execFile('adb', ['-s', device.serial, 'shell', 'read line; echo "got $line"'], { env: { ...process.env, ...lab.env }, timeout: 20_000 }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
      child.stdin?.end('hello\n');
    });
    expect(piped).toBe('got hello\n');
  });

  test('sync: a push and pull of 600 KB (several WRTEs and DATA chunks) round-trips; ls lists it with its size', async () => {
    const data = randomBytes(600 * 1024);
    const local = path.join(dir, 'blob.bin');
    writeFileSync(local, data);
    expect((await adb(['push', local, '/data/local/tmp/sync/blob.bin'])).code).toBe(0);
    const back = path.join(dir, 'back.bin');
    expect((await adb(['pull', '/data/local/tmp/sync/blob.bin', back])).code).toBe(0);
    expect(readFileSync(back).equals(data)).toBe(true);
    const listed = await adb(['ls', '/data/local/tmp/sync']);
    expect(listed.stdout).toMatch(new RegExp(`^000081a4 ${(600 * 1024).toString(16).padStart(8, '0')} [0-9a-f]{8} blob\\.bin$`, 'm'));
    // Outside the shell user's folders the device refuses the write, as adbd does.
    const refused = await adb(['push', local, '/system/blob.bin']);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout).toContain("remote couldn't create file: Permission denied");
  });
});
