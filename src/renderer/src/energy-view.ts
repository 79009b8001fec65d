/**
 * A run's energy per inference in the studio's words: the figure with its method, rails,
 * interval and readings, the powers behind it, and each doubt; for a run without energy, that it
 * was not measured and how it can be (with the RAPL permission fix in the studio's words). Pure,
 * so the run detail and its tests read the same sentences; the sentences are shared/energy.ts's,
 * the CLI's too.
 */
import { energyHowShort, energyMethodText, energyPowerText, energySourceLabel, formatJoules, type RunEnergy, type RunEnergySummary } from '../../shared/energy';
import { POWER_SOURCES } from '../../shared/plugins/power-sources';
import { RAPL_PERMISSION_FIX } from '../../shared/plugins/power-sources/rapl';
import type { RunFile } from '../../shared/run-schema';

export const UNRELIABLE_TAG = 'UNRELIABLE';

export interface EnergyRow {
  label: string;
  value: string;
  testId: string;
}

export type EnergyView =
  | { kind: 'measured'; rows: EnergyRow[]; reliable: boolean; notes: string[] }
  | { kind: 'not-measured'; text: string; howTo?: string };

export function energyRows(energy: RunEnergy): EnergyRow[] {
  return [
    {
      label: 'Energy per inference',
      value: energy.perInferenceJ === null ? 'no figure (see below)' : `${formatJoules(energy.perInferenceJ)}${energy.reliable ? '' : ` (${UNRELIABLE_TAG})`}`,
      testId: 'energy-per-inference',
    },
    { label: 'Method', value: energyMethodText(energy), testId: 'energy-method' },
    { label: 'Rails', value: `${energySourceLabel(energy)}: ${energy.rails.join(', ')}`, testId: 'energy-rails' },
    { label: 'Power', value: energyPowerText(energy), testId: 'energy-power' },
  ];
}

/**
 * A local run without energy, and how to measure it, in the studio's words: the Runs page's
 * benchmark form setting (its Energy per inference box), not the command line's --energy flag.
 */
const ENERGY_NOT_MEASURED =
  "Energy per inference: not measured in this run. Tick Energy per inference in the benchmark form on the Runs page, and the next run measures it on this computer from the CPU's RAPL counters (package and DRAM), the idle baseline subtracted.";

/** A board run without energy: the board's own power tool is read over SSH or adb when the form asks for it. */
const BOARD_ENERGY_NOT_MEASURED: Readonly<Partial<Record<RunFile['target']['kind'], string>>> = {
  ssh: "Energy per inference: not measured in this run. Tick Energy per inference in the benchmark form on the Runs page, and the next run reads the board's own power tool beside the benchmark: tegrastats on a Jetson, vcgencmd pmic_read_adc on a Raspberry Pi 5, the idle baseline subtracted.",
  adb: "Energy per inference: not measured in this run. Tick Energy per inference in the benchmark form on the Runs page, and the next run reads the phone's power rails (else its battery current and voltage) beside the benchmark, the idle baseline subtracted.",
};

/** The energy card of a run; null where the studio has no power source to offer (a microcontroller over serial). */
export function energyView(run: RunFile): EnergyView | null {
  const energy = run.energy;
  if (energy !== undefined) return { kind: 'measured', rows: energyRows(energy), reliable: energy.reliable, notes: energy.notes };
  const boardText = BOARD_ENERGY_NOT_MEASURED[run.target.kind];
  if (boardText !== undefined) return { kind: 'not-measured', text: boardText };
  if (run.target.kind !== 'local') return null;
  return {
    kind: 'not-measured',
    text: ENERGY_NOT_MEASURED,
    howTo: RAPL_PERMISSION_FIX.ui,
  };
}

/** The results grid's energy figure: "2.00 mJ", "2.00 mJ (unreliable)" or "no figure", and how it was measured in its title. */
export function energyCell(energy: RunEnergySummary): { text: string; title: string } {
  const label = (POWER_SOURCES as Readonly<Record<string, { label: string } | undefined>>)[energy.source]?.label ?? energy.source;
  const how = `per inference, ${energyHowShort(energy, label)}`;
  if (energy.perInferenceJ === null) return { text: 'no figure', title: `No energy figure (see the run's energy notes): ${how}` };
  return { text: `${formatJoules(energy.perInferenceJ)}${energy.reliable ? '' : ' (unreliable)'}`, title: energy.reliable ? how : `${how}; in doubt (see the run's energy notes)` };
}
