/**
 * Connecting to a real sshd: host keys pinned (unknown refused, accepted only when asked and then
 * stored, changed refused), a wrong client key, a refused port and a server that never answers,
 * each ending in one sentence within its timeout; then the probe of this machine.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { KnownHostsStore } from '../../../src/core/targets/ssh/known-hosts';
import { openSshConnection } from '../../../src/core/targets/ssh/ssh-connection';
import { sshTargetKind } from '../../../src/core/targets/ssh/ssh-matrix-target';
import { chooseRunner, probeSshTarget } from '../../../src/core/targets/ssh/ssh-probe';
import { probeLocalHardware } from '../../../src/core/targets/local-target';
import { rejection } from '../../unit/runner/bench-helpers';
import { closedPort, sshdAvailable, startSshd, type Sshd } from './sshd-fixture';

describe.skipIf(!sshdAvailable())('SSH connections to a real sshd', () => {
  let sshd: Sshd;
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  const knownHostsPath = (): string => join(sshd.dir, 'studio_known_hosts');

  test('an unknown host key is refused with its fingerprint, accepted only with acceptNewHostKey, then stored', async () => {
    const refused = await rejection(openSshConnection(sshd.spec(), { knownHosts: await KnownHostsStore.open(knownHostsPath()), identityFile: sshd.clientKey }));
    expect(refused.detail?.kind).toBe('host-key-unknown');
    // The same fingerprint OpenSSH's own ssh-keygen -l prints, so the user can compare it on the board.
    expect(refused.detail).toMatchObject({ fingerprint: sshd.hostFingerprint() });
    expect(refused.message).toContain(`[127.0.0.1]:${sshd.port} is not in`);
    expect(refused.message).toContain('--accept-new-host-key');

    const conn = await openSshConnection(sshd.spec(), { knownHosts: await KnownHostsStore.open(knownHostsPath()), identityFile: sshd.clientKey, acceptNewHostKey: true });
    const echoed = await conn.exec('echo hello-from-board');
    expect(echoed).toMatchObject({ stdout: 'hello-from-board\n', code: 0 });
    await conn.close();
    const stored = readFileSync(knownHostsPath(), 'utf8');
    expect(stored).toBe(`[127.0.0.1]:${sshd.port} ${sshd.hostKeyPub().split(' ').slice(0, 2).join(' ')}\n`);

    // Known now: no flag needed.
    const again = await openSshConnection(sshd.spec(), { knownHosts: await KnownHostsStore.open(knownHostsPath()), identityFile: sshd.clientKey });
    expect((await again.exec('true')).code).toBe(0);
    await again.close();
  });

  test('a wrong client key is refused with one sentence naming the key', async () => {
    const knownHosts = await KnownHostsStore.open(knownHostsPath());
    const error = await rejection(openSshConnection(sshd.spec(), { knownHosts, identityFile: sshd.strangerKey, acceptNewHostKey: true }));
    expect(error.detail?.kind).toBe('auth-failed');
    expect(error.message).toBe(
      `${sshd.spec().user}@127.0.0.1:${sshd.port} refused to log in with the key '${sshd.strangerKey}'; put the matching public key in ~${sshd.spec().user}/.ssh/authorized_keys on the board, or choose another key, agent or password.`,
    );
  });

  test('a refused port and a server that never speaks SSH fail within their timeouts', async () => {
    const knownHosts = await KnownHostsStore.open(knownHostsPath());
    const port = await closedPort();
    const refused = await rejection(openSshConnection({ ...sshd.spec(), port }, { knownHosts, identityFile: sshd.clientKey }));
    expect(refused.detail?.kind).toBe('refused');
    expect(refused.message).toBe(`Nothing accepts SSH connections on 127.0.0.1 port ${port} (connection refused); check the port and that sshd runs on the board.`);

    // Accepts TCP, then says nothing: what a wedged board or a wrong service looks like.
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentPort = (silent.address() as { port: number }).port;
    const timedOut = await rejection(openSshConnection({ ...sshd.spec(), port: silentPort }, { knownHosts, identityFile: sshd.clientKey, connectTimeoutMs: 1_500 }));
    silent.close();
    expect(timedOut.detail?.kind).toBe('timeout');
    expect(timedOut.message).toContain('did not complete the SSH handshake within 2 s');
  });

  test('a missing key file is named', async () => {
    const error = await rejection(openSshConnection(sshd.spec(), { knownHosts: await KnownHostsStore.open(knownHostsPath()), identityFile: join(sshd.dir, 'nope') }));
    expect(error.code).toBe('FILE_NOT_FOUND');
    expect(error.message).toContain(`'${join(sshd.dir, 'nope')}'`);
  });

  test('the probe reports this machine as the board, and picks the Node runner for ONNX', async () => {
    const conn = await openSshConnection(sshd.spec(), { knownHosts: await KnownHostsStore.open(knownHostsPath()), identityFile: sshd.clientKey, acceptNewHostKey: true });
    const probe = await probeSshTarget(conn);
    await conn.close();
    const local = probeLocalHardware();
    expect(probe.hardware).toMatchObject({ arch: local.arch, cores: local.cores, os: local.os, cpuFeatures: local.cpuFeatures });
    expect(probe.hardware.memoryBytes).toBe(local.memoryBytes);
    expect(probe.node?.version).toBe(process.version);
    expect(probe.home).toBe(process.env.HOME);
    expect(chooseRunner(probe, 'onnx', sshd.spec()).kind).toBe('node');
  });

  test('"Test connection" returns the fingerprint to accept, then the board once it is accepted', async () => {
    const config = { kind: 'ssh' as const, name: 'lab-pi', host: '127.0.0.1', port: sshd.port, user: sshd.spec().user, auth: 'key' as const, identityFile: sshd.clientKey };
    const context = { knownHostsFile: join(sshd.dir, 'registry_known_hosts') };
    const first = await sshTargetKind.test(config, context);
    expect(first).toMatchObject({ ok: false, hardware: null, hostKey: { fingerprint: sshd.hostFingerprint(), status: 'unknown' } });
    const accepted = await sshTargetKind.test(config, { ...context, acceptHostKey: sshd.hostFingerprint() });
    expect(accepted.ok).toBe(true);
    expect(accepted.hardware?.arch).toBe(probeLocalHardware().arch);
    expect(accepted.message).toMatch(/^Connected to lab-pi: .+; ONNX models will run with the studio's Node runner/);
    // A fingerprint that is not the server's accepts nothing.
    const wrong = await sshTargetKind.test(config, { knownHostsFile: join(sshd.dir, 'other_known_hosts'), acceptHostKey: 'SHA256:not-this-one' });
    expect(wrong.hostKey?.status).toBe('unknown');
  });

  // Last: it changes the server's host key for good.
  test('a changed host key is refused, saying so and how to proceed', async () => {
    await sshd.restart({ newHostKey: true });
    const error = await rejection(openSshConnection(sshd.spec(), { knownHosts: await KnownHostsStore.open(knownHostsPath()), identityFile: sshd.clientKey, acceptNewHostKey: true }));
    expect(error.detail?.kind).toBe('host-key-changed');
    expect(error.detail).toMatchObject({ fingerprint: sshd.hostFingerprint() });
    expect(error.message).toMatch(/^The host key of \[127\.0\.0\.1\]:\d+ has changed \(now SHA256:\S+, pinned SHA256:\S+ at line 1 of '.+'\), so the connection was refused; if the board was reinstalled, remove that line/);
    // Nothing was overwritten: the pinned key is still the old one.
    expect(readFileSync(knownHostsPath(), 'utf8').split('\n').filter(Boolean)).toHaveLength(1);
  });
});
