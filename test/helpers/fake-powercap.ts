/**
 * A powercap tree the tests build in a temp dir, laid out as Linux's /sys/class/powercap is
 * (flat intel-rapl:N and intel-rapl:N:M folders, each with name, energy_uj and
 * max_energy_range_uj), read by the engine through EDGEBENCH_POWERCAP_ROOT or its `root` option.
 * Not recorded from a machine: the layout and file contents are the kernel's documented ones
 * (Documentation/power/powercap/powercap.rst), the values are the test's.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface FakeZone {
  /** intel-rapl:0, intel-rapl:0:2 */
  zone: string;
  name: string;
  energyUj: number;
  maxEnergyRangeUj: number;
}

export interface FakePowercap {
  root: string;
  /** Sets a zone's counter (wrapped at its range, as the hardware does). */
  setEnergy(zone: string, energyUj: number): void;
  energyFile(zone: string): string;
  remove(): void;
}

export const PACKAGE_AND_DRAM: FakeZone[] = [
  { zone: 'intel-rapl:0', name: 'package-0', energyUj: 1_000_000, maxEnergyRangeUj: 262_143_328_850 },
  { zone: 'intel-rapl:0:0', name: 'core', energyUj: 500_000, maxEnergyRangeUj: 262_143_328_850 },
  { zone: 'intel-rapl:0:2', name: 'dram', energyUj: 200_000, maxEnergyRangeUj: 65_712_999_613 },
  { zone: 'intel-rapl:1', name: 'psys', energyUj: 9_000_000, maxEnergyRangeUj: 262_143_328_850 },
];

export function buildPowercap(zones: readonly FakeZone[], options: { controlType?: boolean } = {}): FakePowercap {
  const root = mkdtempSync(path.join(os.tmpdir(), 'edgebench-powercap-'));
  // The control type's own folder, with no counter of its own, as on a real machine.
  if (options.controlType !== false) {
    mkdirSync(path.join(root, 'intel-rapl'));
    writeFileSync(path.join(root, 'intel-rapl', 'enabled'), '1\n');
  }
  const ranges = new Map<string, number>();
  for (const zone of zones) {
    const dir = path.join(root, zone.zone);
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'name'), `${zone.name}\n`);
    writeFileSync(path.join(dir, 'energy_uj'), `${zone.energyUj}\n`);
    writeFileSync(path.join(dir, 'max_energy_range_uj'), `${zone.maxEnergyRangeUj}\n`);
    ranges.set(zone.zone, zone.maxEnergyRangeUj);
  }
  const energyFile = (zone: string): string => path.join(root, zone, 'energy_uj');
  // Written beside and renamed over, so a reader never sees the file half-written (sysfs never shows one).
  const setEnergy = (zone: string, energyUj: number): void => {
    const next = `${energyFile(zone)}.next`;
    writeFileSync(next, `${Math.floor(energyUj % (ranges.get(zone) ?? Number.MAX_SAFE_INTEGER))}\n`);
    renameSync(next, energyFile(zone));
  };
  return {
    root,
    energyFile,
    setEnergy,
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
