/**
 * RAPL through a powercap tree the tests build (test/helpers/fake-powercap.ts): the package and
 * DRAM zones chosen (psys and core left out), counters read across a wrap-around, and each way
 * the counters can be unreadable, said in one sentence. Running as root (CI), chmod 000 does not
 * stop a read, so there the permission case injects the EACCES a user sees; as a user it is a real chmod.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { counterEnergyJ } from '../../../src/core/power/energy-math';
import { openRapl, recordCounters } from '../../../src/core/power/rapl';
import { openEnergySource, raplCellMeter } from '../../../src/core/power/cell-meter';
import { buildPowercap, PACKAGE_AND_DRAM, type FakePowercap } from '../../helpers/fake-powercap';

let tree: FakePowercap | undefined;
afterEach(() => {
  tree?.remove();
  tree = undefined;
});

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return error instanceof Error ? `${(error as { code?: string }).code ?? ''}: ${error.message}` : String(error);
  }
  return '(no error)';
}

describe('openRapl', () => {
  it('reads the package and DRAM domains, not core (inside package) or psys (the whole platform)', () => {
    tree = buildPowercap(PACKAGE_AND_DRAM);
    const meter = openRapl({ root: tree.root });
    expect(meter.domains.map((d) => d.label)).toEqual(['package-0', 'dram (package-0)']);
    expect(meter.maxRangeUj).toEqual([262_143_328_850, 65_712_999_613]);
    expect(meter.read().values).toEqual([1_000_000, 200_000]);
  });

  it('takes its root from EDGEBENCH_POWERCAP_ROOT (the test seam) when no option gives one', () => {
    tree = buildPowercap(PACKAGE_AND_DRAM);
    const before = process.env.EDGEBENCH_POWERCAP_ROOT;
    process.env.EDGEBENCH_POWERCAP_ROOT = tree.root;
    try {
      expect(openRapl().root).toBe(tree.root);
    } finally {
      if (before === undefined) delete process.env.EDGEBENCH_POWERCAP_ROOT;
      else process.env.EDGEBENCH_POWERCAP_ROOT = before;
    }
  });

  it('says, in one sentence, that the tree is missing', () => {
    expect(message(() => openRapl({ root: '/nonexistent/powercap' }))).toBe(
      "BAD_INPUT: No RAPL counters are readable here: /nonexistent/powercap does not exist (a virtual machine that does not pass RAPL through, a kernel built without powercap, or the intel_rapl_msr module not loaded: try 'sudo modprobe intel_rapl_msr').",
    );
  });

  it('says the tree has no RAPL package zone', () => {
    tree = buildPowercap([{ zone: 'intel-rapl:1', name: 'psys', energyUj: 1, maxEnergyRangeUj: 10 }]);
    expect(message(() => openRapl({ root: tree?.root }))).toMatch(/^BAD_INPUT: No RAPL counters are readable here: .* has no intel-rapl package zones/);
  });

  it('names the root-only energy_uj, the chmod and the udev rule when reading is denied', () => {
    tree = buildPowercap(PACKAGE_AND_DRAM);
    const file = tree.energyFile('intel-rapl:0');
    const asRoot = process.getuid?.() === 0;
    let text: string;
    if (asRoot) {
      // Root reads a mode-000 file anyway: inject the error a user gets from the kernel.
      const denied = (f: string): string => {
        if (f === file) throw Object.assign(new Error(`EACCES: permission denied, open '${f}'`), { code: 'EACCES' });
        return readFileSync(f, 'utf8');
      };
      text = message(() => openRapl({ root: tree?.root, readFile: denied }));
    } else {
      chmodSync(file, 0o000);
      text = message(() => openRapl({ root: tree?.root }));
    }
    expect(text).toContain(`BAD_INPUT: No RAPL counters are readable here: ${file} is not readable by this user: energy_uj is readable by root only since Linux 5.10`);
    expect(text).toContain('sudo chmod a+r /sys/class/powercap/intel-rapl:*/energy_uj');
    expect(text).toContain('SUBSYSTEM=="powercap", ACTION=="add", RUN+="/bin/chmod a+r /sys%p/energy_uj /sys%p/max_energy_range_uj"');
    expect(text.split('. ').length).toBe(1);
  });

  it('refuses a counter file that does not hold a number', () => {
    tree = buildPowercap(PACKAGE_AND_DRAM);
    writeFileSync(tree.energyFile('intel-rapl:0'), 'garbage\n');
    expect(message(() => openRapl({ root: tree?.root }))).toMatch(/energy_uj holds 'garbage', not a counter in µJ\.$/);
  });
});

describe('recordCounters and the cell meter', () => {
  it('follows a counter across its wrap-around while a helper advances it', async () => {
    const range = 50_000_000;
    tree = buildPowercap([{ zone: 'intel-rapl:0', name: 'package-0', energyUj: range - 1_000_000, maxEnergyRangeUj: range }]);
    const meter = openRapl({ root: tree.root });
    let energy = range - 1_000_000;
    const recording = recordCounters(meter, 5);
    // 200 steps of 100 mJ: 20 J in all, passing the 50 J range's end after 1 J.
    for (let step = 0; step < 200; step++) {
      energy += 100_000;
      tree.setEnergy('intel-rapl:0', energy);
      if (step % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 6));
    }
    const trace = recording.stop();
    expect(counterEnergyJ(trace)).toBeCloseTo(20, 9);
    expect(trace.readings.some((r, i) => i > 0 && (r.values[0] ?? 0) < (trace.readings[i - 1]?.values[0] ?? 0))).toBe(true);
  });

  it('marks a counter that does not advance as unreliable, with no per-inference figure', async () => {
    tree = buildPowercap(PACKAGE_AND_DRAM);
    const cell = raplCellMeter(openRapl({ root: tree.root }), { intervalMs: 10, idleMs: 100 });
    await cell.beforeMeasure();
    await new Promise((resolve) => setTimeout(resolve, 150));
    const energy = cell.afterMeasure(500);
    expect(energy.perInferenceJ).toBeNull();
    expect(energy.reliable).toBe(false);
    expect(energy.notes.join(' ')).toMatch(/did not advance during the timed runs/);
    expect(energy.rails).toEqual(['package-0', 'dram (package-0)']);
  });

  it('refuses a parser-only source and a target kind a source cannot measure before any runner starts', () => {
    expect(message(() => openEnergySource({ source: 'mlperf-tiny-energy', intervalMs: 20, idleMs: 1000 }, 'serial'))).toMatch(
      /^BAD_INPUT: --energy mlperf-tiny-energy: edgebench does not drive the EnergyRunner set-up .*; edgebench bench measures energy with: rapl, tegrastats, pi-pmic, android\.$/,
    );
    expect(message(() => openEnergySource({ source: 'tegrastats', intervalMs: 100, idleMs: 1000 }, 'local'))).toBe(
      'BAD_INPUT: --energy tegrastats measures ssh targets only, not a local target; drop --energy or --target.',
    );
    expect(message(() => openEnergySource({ source: 'rapl', intervalMs: 20, idleMs: 1000 }, 'ssh'))).toBe(
      'BAD_INPUT: --energy rapl measures this computer only, not a ssh target; drop --energy or --target.',
    );
  });
});
