/**
 * This computer's entry in the target list says, from the real machine, when it cannot pin a
 * benchmark to CPUs (macOS, Windows, Linux without taskset), so the bench form can disable its
 * CPUs field with that sentence instead of letting every cell fail with it when the job starts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { localPinRefusal, TargetService } from '../../../src/core/jobs/target-service';
import type { CpuTopology } from '../../../src/core/targets/cpu-clusters';
import { findTaskset, type LocalCpuMachine } from '../../../src/core/targets/local-pinning';
import { TargetEntry } from '../../../src/shared/contract';

const twoCpus: CpuTopology = { cpus: [0, 1], clusters: [{ cpus: [0, 1] }], source: 'cpufreq' };
const machine = (platform: NodeJS.Platform, taskset: string | null = '/usr/bin/taskset'): LocalCpuMachine => ({ platform, topology: () => twoCpus, taskset: () => taskset });
const workspace = mkdtempSync(path.join(tmpdir(), 'edgebench-local-entry-'));
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

describe("This computer's pinning capability in its target entry", () => {
  test('macOS and Windows cannot pin, in the sentence a cell would fail with; Linux without taskset says to install it; Linux with it can', () => {
    expect(localPinRefusal(machine('darwin'))).toBe(
      "This computer runs macOS, where the studio cannot pin a benchmark to CPUs (it pins with Linux's taskset, and macOS offers no affinity call it could use instead); leave the CPU selection out, or sweep CPUs on an SSH board or an Android device.",
    );
    expect(localPinRefusal(machine('win32'))).toMatch(/^This computer runs Windows, where the studio cannot pin a benchmark to CPUs/);
    expect(localPinRefusal(machine('linux', null))).toBe('This computer has no taskset, which pins a benchmark to CPUs: install util-linux (sudo apt install util-linux), or leave the CPU selection out.');
    expect(localPinRefusal(machine('linux'))).toBeUndefined();
  });

  test('the list the studio serves fills it from this machine, and the entry crosses the contract with it', async () => {
    const [local] = await new TargetService(workspace, () => undefined).list();
    expect(local).toMatchObject({ id: 'local', kind: 'local', name: 'This computer' });
    const canHere = process.platform === 'linux' && findTaskset() !== null;
    expect(local?.cannotPin).toBe(canHere ? undefined : localPinRefusal());
    // The validator keeps the field (a stripped one would leave the form showing the field again).
    expect(TargetEntry.parse({ ...local, cannotPin: 'This computer runs macOS, …' }).cannotPin).toBe('This computer runs macOS, …');
  });
});
