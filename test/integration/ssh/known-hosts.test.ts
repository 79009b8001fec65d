/**
 * known_hosts as OpenSSH writes it: plain and `[host]:port` entries, entries hashed by the real
 * `ssh-keygen -H`, patterns, @revoked; adding a key keeps every other line.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { fingerprintOf, KnownHostsStore } from '../../../src/core/targets/ssh/known-hosts';
import { SSH_KEYGEN, sshdAvailable } from './sshd-fixture';

describe.skipIf(!sshdAvailable())('known_hosts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgebench-known-hosts-'));
  const makeKey = (name: string): { line: string; blob: Buffer; type: string } => {
    execFileSync(SSH_KEYGEN, ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, name)]);
    const [type = '', base64 = ''] = readFileSync(join(dir, `${name}.pub`), 'utf8').split(' ');
    return { line: `${type} ${base64}`, blob: Buffer.from(base64, 'base64'), type };
  };
  const pi = makeKey('pi');
  const jetson = makeKey('jetson');
  const other = makeKey('other');

  test('plain, [host]:port and patterns match as OpenSSH matches them; another key for a known host is "changed"', async () => {
    const file = join(dir, 'plain');
    writeFileSync(file, `# lab boards\npi.local,192.168.1.20 ${pi.line}\n[jetson.local]:2222 ${jetson.line}\n*.farm,!bad.farm ${other.line}\n`);
    const store = await KnownHostsStore.open(file);
    expect(store.check('192.168.1.20', 22, pi)).toEqual({ status: 'known' });
    expect(store.check('jetson.local', 2222, jetson)).toEqual({ status: 'known' });
    // Port 22 of the same host is another entry: unknown, not known.
    expect(store.check('jetson.local', 22, jetson)).toEqual({ status: 'unknown' });
    expect(store.check('node7.farm', 22, other)).toEqual({ status: 'known' });
    expect(store.check('bad.farm', 22, other)).toEqual({ status: 'unknown' });
    expect(store.check('pi.local', 22, other)).toEqual({ status: 'changed', knownFingerprints: [fingerprintOf(pi.blob)], line: 2 });
  });

  test('entries hashed by ssh-keygen -H are matched', async () => {
    const file = join(dir, 'hashed');
    writeFileSync(file, `pi.local ${pi.line}\n[jetson.local]:2222 ${jetson.line}\n`);
    execFileSync(SSH_KEYGEN, ['-H', '-f', file], { stdio: 'ignore' });
    expect(readFileSync(file, 'utf8')).not.toContain('pi.local');
    const store = await KnownHostsStore.open(file);
    expect(store.check('pi.local', 22, pi)).toEqual({ status: 'known' });
    expect(store.check('jetson.local', 2222, jetson)).toEqual({ status: 'known' });
    expect(store.check('jetson.local', 2222, other).status).toBe('changed');
    expect(store.check('elsewhere', 22, pi).status).toBe('unknown');
  });

  test('@revoked keys are refused even for a host never seen', async () => {
    const file = join(dir, 'revoked');
    writeFileSync(file, `@revoked * ${other.line}\n`);
    expect((await KnownHostsStore.open(file)).check('new.local', 22, other)).toEqual({ status: 'revoked', line: 1 });
  });

  test('adding a key appends one plain line, keeps the others, and OpenSSH reads the result', async () => {
    const file = join(dir, 'add');
    writeFileSync(file, `# keep me\npi.local ${pi.line}`);
    const store = await KnownHostsStore.open(file);
    await store.add('127.0.0.1', 2200, jetson);
    expect(readFileSync(file, 'utf8')).toBe(`# keep me\npi.local ${pi.line}\n[127.0.0.1]:2200 ${jetson.line}\n`);
    expect((await KnownHostsStore.open(file)).check('127.0.0.1', 2200, jetson)).toEqual({ status: 'known' });
    // ssh-keygen -F finds the new entry: the file is still valid OpenSSH.
    expect(execFileSync(SSH_KEYGEN, ['-F', '[127.0.0.1]:2200', '-f', file], { encoding: 'utf8' })).toContain(jetson.line);
  });

  test('fingerprints are OpenSSH\'s (ssh-keygen -l)', () => {
    const openssh = execFileSync(SSH_KEYGEN, ['-l', '-E', 'sha256', '-f', join(dir, 'pi.pub')], { encoding: 'utf8' }).split(' ')[1];
    expect(fingerprintOf(pi.blob)).toBe(openssh);
  });
});
