/**
 * `edgebench repro` of an SSH run, against a real sshd on 127.0.0.1 (the "board" is this machine):
 * the re-run goes to the run's recorded --target, with the key and known_hosts flags the user gives.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunFile } from '../../../src/shared/run-schema';
import { demoModelPath, runCli } from '../../helpers/run-cli';
import { tempDir, withBetweenRun, writeJson } from '../../unit/reports/run-fixtures';
import { sshdAvailable, startSshd, type Sshd } from './sshd-fixture';

const available = sshdAvailable();
let sshd: Sshd;

beforeAll(async () => {
  if (available) sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});

describe.skipIf(!available)('edgebench repro of an SSH run', () => {
  it("re-runs on the run's recorded ssh:// target and checks the fresh median against its CI", async () => {
    const url = `ssh://${sshd.spec().user}@127.0.0.1:${sshd.port}`;
    const knownHosts = path.join(sshd.dir, 'repro_known_hosts');
    const keys = ['--identity', sshd.clientKey, '--known-hosts', knownHosts];
    const bench = await runCli(['bench', demoModelPath, '--target', url, ...keys, '--accept-new-host-key', '--runs', '20', '--warmup', '2', '--profile-runs', '0', '--json'], { timeoutMs: 120_000 });
    expect(bench.code, bench.stderr).toBe(0);
    const run = RunFile.parse(JSON.parse(bench.stdout));
    expect([run.target.kind, run.target.spec, run.model.path]).toEqual(['ssh', url, demoModelPath]);

    const dir = await tempDir();
    const original = await writeJson(dir, 'ssh-run.json', withBetweenRun(run, [1, 2, 3], { low: 0, high: 1000 }));
    const result = await runCli(['repro', original, ...keys, '--json', '--out', path.join(dir, 'fresh.json')], { timeoutMs: 120_000 });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`--target ${url}`);
    expect(JSON.parse(result.stdout)).toMatchObject({ outcome: 'reproduced', exitCode: 0, original: { ciKind: 'between-run' } });
    const fresh = RunFile.parse(JSON.parse(readFileSync(path.join(dir, 'fresh.json'), 'utf8')));
    expect([fresh.target.kind, fresh.target.spec]).toEqual(['ssh', url]);

    // A wrong key for the recorded target is the SSH error, in one sentence, and not a verdict.
    const stranger = await runCli(['repro', original, '--identity', sshd.strangerKey, '--known-hosts', knownHosts], { timeoutMs: 60_000 });
    expect(stranger.code).toBe(1);
    expect(stranger.stdout).not.toMatch(/REPRODUCED/);
    expect(stranger.stderr).toContain('the re-run did not complete, so there is nothing to check');
  }, 180_000);
});
