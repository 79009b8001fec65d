/**
 * What the bench form's Energy option lists per target, and the refusals a job with Energy gets
 * before any cell: RAPL readable (a powercap tree the test builds), missing, or root-only (the
 * EACCES a user gets, injected where the tests run as root) with the studio's chmod and udev fix;
 * a board's tools; sources that only parse.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { energyMetersFor } from '../../../src/core/power/cell-meter';
import { powerSourcesFor } from '../../../src/core/power/source-availability';
import { RAPL_PERMISSION_FIX } from '../../../src/shared/plugins/power-sources/rapl';
import { buildPowercap, PACKAGE_AND_DRAM, type FakePowercap } from '../../helpers/fake-powercap';

let tree: FakePowercap | undefined;
afterEach(() => {
  tree?.remove();
  tree = undefined;
});

describe("the Energy option's sources", () => {
  it('offers RAPL on this computer when its counters read, naming the domains', () => {
    tree = buildPowercap(PACKAGE_AND_DRAM);
    expect(powerSourcesFor('local', { root: tree.root })).toEqual([
      { name: 'rapl', label: 'RAPL', available: true, note: `Reads package-0, dram (package-0) from ${tree.root}.` },
    ]);
  });

  it('says why RAPL cannot be read: no tree, or energy_uj root-only with the fix in the studio words', () => {
    expect(powerSourcesFor('local', { root: '/nonexistent/powercap' })[0]).toMatchObject({ available: false, note: expect.stringMatching(/^No RAPL counters are readable here: \/nonexistent\/powercap does not exist/) });
    tree = buildPowercap(PACKAGE_AND_DRAM);
    const file = tree.energyFile('intel-rapl:0');
    const denied = (f: string): string => {
      if (f === file) throw Object.assign(new Error(`EACCES: permission denied, open '${f}'`), { code: 'EACCES' });
      return readFileSync(f, 'utf8');
    };
    const [rapl] = powerSourcesFor('local', { root: tree.root, readFile: denied });
    expect(rapl).toEqual({ name: 'rapl', label: 'RAPL', available: false, note: 'energy_uj is readable by root only (since Linux 5.10).', fix: RAPL_PERMISSION_FIX.ui });
    expect(rapl?.fix).toContain('/etc/udev/rules.d/99-edgebench-rapl.rules');
  });

  it("offers an SSH board's tools, read on the board, and says which kinds have none", () => {
    const ssh = powerSourcesFor('ssh');
    expect(ssh.map((s) => [s.name, s.available])).toEqual([
      ['tegrastats', true],
      ['pi-pmic', true],
    ]);
    expect(ssh[0]?.note).toMatch(/Read on the board while its runs go; a board without it is told when its first cell starts\.$/);
    expect(powerSourcesFor('adb').map((s) => [s.name, s.available])).toEqual([['android', true]]);
    // MLPerf Tiny's energy mode needs EnergyRunner's own set-up: listed, not readable, with why.
    expect(powerSourcesFor('serial')).toEqual([expect.objectContaining({ name: 'mlperf-tiny-energy', available: false, note: expect.stringMatching(/^Not read during runs: edgebench does not drive the EnergyRunner set-up/) })]);
  });

  it('refuses a job whose picked source its target cannot give, in the form words, before any cell', () => {
    const targets = [
      { id: 'local', name: 'This computer', kind: 'local' as const },
      { id: 'pi', name: 'pi5', kind: 'ssh' as const },
    ];
    expect(() => energyMetersFor([{ targetId: 'local', source: 'rapl' }], targets, { rapl: { root: '/nonexistent/powercap' } })).toThrow(
      /^Energy on This computer \(RAPL\): No RAPL counters are readable here: .* Turn Energy off for it, or pick another source\.$/,
    );
    expect(() => energyMetersFor([{ targetId: 'pi', source: 'rapl' }], targets)).toThrow('Energy on pi5 (RAPL): it measures this computer only, not a ssh target. Turn Energy off for it, or pick another source.');
    const meters = energyMetersFor([{ targetId: 'pi', source: 'tegrastats' }], targets);
    expect([...meters.keys()]).toEqual(['pi']);
    expect('attachShell' in (meters.get('pi')?.() ?? {})).toBe(true);
  });
});
