/** The SSH target from the command line, against a real sshd on 127.0.0.1 (the "board" is this machine). */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCpuList } from '../../../src/shared/cpu-pinning';
import { RunFile } from '../../../src/shared/run-schema';
import { demoModelPath, runCli } from '../../helpers/run-cli';
import { sshdAvailable, startSshd, type Sshd } from './sshd-fixture';

const available = sshdAvailable();
let sshd: Sshd;
let knownHosts: string;

beforeAll(async () => {
  if (!available) return;
  sshd = await startSshd();
  knownHosts = path.join(sshd.dir, 'cli_known_hosts');
});
afterAll(async () => {
  await sshd?.stop();
});

const url = (): string => `ssh://${sshd.spec().user}@127.0.0.1:${sshd.port}`;

describe.skipIf(!available)('edgebench with --target ssh://', () => {
  it('probe refuses an unknown host key with its fingerprint, then --accept-new-host-key stores it and prints the board as JSON', async () => {
    const refused = await runCli(['targets', 'probe', url(), '--identity', sshd.clientKey, '--known-hosts', knownHosts, '--json'], { timeoutMs: 60_000 });
    expect(refused.code).not.toBe(0);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(sshd.hostFingerprint());
    expect(refused.stderr).toMatch(/--accept-new-host-key/);

    const probed = await runCli(['targets', 'probe', url(), '--identity', sshd.clientKey, '--known-hosts', knownHosts, '--accept-new-host-key', '--json'], {
      timeoutMs: 60_000,
    });
    expect(probed.code).toBe(0);
    const report = JSON.parse(probed.stdout) as { hardware: { arch: string; cores: number; memoryBytes: number; os: string }; runtimes: Array<{ name: string }> };
    expect(report.hardware.cores).toBeGreaterThan(0);
    expect(report.hardware.memoryBytes).toBeGreaterThan(0);
    expect(report.runtimes.map((r) => r.name)).toContain('onnxruntime');
    expect(existsSync(knownHosts) && readFileSync(knownHosts, 'utf8')).toContain(`[127.0.0.1]:${sshd.port}`);
  });

  it('bench runs the demo model on the board and prints an ssh run', async () => {
    const result = await runCli(
      ['bench', demoModelPath, '--target', url(), '--identity', sshd.clientKey, '--known-hosts', knownHosts, '--runs', '20', '--warmup', '2', '--profile-runs', '0', '--json'],
      { timeoutMs: 120_000 },
    );
    expect(result.code).toBe(0);
    const run = RunFile.parse(JSON.parse(result.stdout));
    expect(run.target.kind).toBe('ssh');
    expect(run.latencyMs.count).toBeGreaterThanOrEqual(20);
  });

  it('bench --cpus all,0x1 is a CPU axis on the board: one run per selection, the second pinned to CPU 0 with taskset, as the runner process itself is allowed', async () => {
    const result = await runCli(
      ['bench', demoModelPath, '--target', url(), '--identity', sshd.clientKey, '--known-hosts', knownHosts, '--runs', '20', '--warmup', '2', '--profile-runs', '0', '--cpus', 'all,0x1', '--json'],
      { timeoutMs: 120_000 },
    );
    expect(result.code).toBe(0);
    const [all, cpu0] = (JSON.parse(result.stdout) as unknown[]).map((run) => RunFile.parse(run));
    // This machine is uniform: one cluster (cpu_capacity or cpufreq), or clusters unknown where neither is there.
    const online = parseCpuList(readFileSync('/sys/devices/system/cpu/online', 'utf8'));
    expect(all?.settings.cpus).toBe('all');
    expect(all?.cpuPinning).toMatchObject({ cpus: online, allowedCpus: online, clusters: expect.stringMatching(/^\d+ CPUs?(, one cluster|, clusters unknown)/) });
    // Read on the board from the runner's /proc/PID/status Cpus_allowed_list while it ran: the pin took.
    expect(cpu0?.settings.cpus).toBe('0x1');
    expect(cpu0?.cpuPinning).toMatchObject({ cpus: [0], allowedCpus: [0] });
    expect(cpu0?.latencyMs.count).toBeGreaterThanOrEqual(20);
  });

  it('repro of a run pinned on the board re-runs it there pinned the same (its --target and --cpus from the run file)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'edgebench-ssh-repro-'));
    try {
      const original = path.join(dir, 'original.json');
      const keys = ['--identity', sshd.clientKey, '--known-hosts', knownHosts];
      const made = await runCli(['bench', demoModelPath, '--target', url(), ...keys, '--runs', '20', '--warmup', '2', '--profile-runs', '0', '--cpus', '0x1', '--out', original], { timeoutMs: 120_000 });
      expect(made.code, made.stderr).toBe(0);
      const fresh = path.join(dir, 'fresh.json');
      const repro = await runCli(['repro', original, ...keys, '--json', '--out', fresh], { timeoutMs: 120_000 });
      expect([0, 1], repro.stderr).toContain(repro.code); // whether the median reproduced is this machine's business; the pinning is the test's
      expect(repro.stderr).toContain(' --cpus 0x1');
      const rerun = RunFile.parse(JSON.parse(readFileSync(fresh, 'utf8')));
      expect(rerun.target.kind).toBe('ssh');
      expect(rerun.settings.cpus).toBe('0x1');
      expect(rerun.cpuPinning).toMatchObject({ cpus: [0], allowedCpus: [0] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a CPU selection that is none is one sentence and exit 2, before connecting', async () => {
    const result = await runCli(['bench', demoModelPath, '--target', url(), '--identity', sshd.clientKey, '--known-hosts', knownHosts, '--cpus', 'all,fast'], { timeoutMs: 60_000 });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe("edgebench bench: --cpus expects all, little, mid, big or a hex mask such as 0x0f, separated by commas (e.g. --cpus all,big,little); got 'fast'.");
  });

  it('a wrong key is one clear sentence, not a hang', async () => {
    const result = await runCli(['targets', 'probe', url(), '--identity', sshd.strangerKey, '--known-hosts', knownHosts], { timeoutMs: 60_000 });
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});
