/**
 * Boards that say they are emulated: the test lab's arm64 board (scripts/lab-arm64) runs Debian
 * arm64 through qemu-user on an x86 computer, and its /proc/cpuinfo model and os-release name say
 * "emulated". Its runs are labelled as the simulated serial board's are: the target's name says
 * "(emulated)" and each run carries a warning, so an emulated figure is never read as hardware's.
 */
import type { HardwareProfile, RunFile } from '../../../shared/run-schema';

const EMULATED = /\bemulated\b/i;

export function isEmulatedBoard(hardware: Pick<HardwareProfile, 'cpuModel' | 'os'>): boolean {
  return EMULATED.test(hardware.cpuModel) || EMULATED.test(hardware.os);
}

/** The target's name in runs: says "(emulated)" when the board says so and the name does not. */
export function emulatedTargetName(name: string, hardware: Pick<HardwareProfile, 'cpuModel' | 'os'>): string {
  return isEmulatedBoard(hardware) && !EMULATED.test(name) ? `${name} (emulated)` : name;
}

export const EMULATED_WARNING_CODE = 'emulated-board';

/** An emulated board's run, with the warning that its latencies are not a real board's. */
export function withEmulatedWarning(run: RunFile): RunFile {
  if (!isEmulatedBoard(run.target.hardware) || run.warnings.some((warning) => warning.code === EMULATED_WARNING_CODE)) return run;
  const message = `${run.target.name} is an emulated board (${run.target.hardware.cpuModel}): its latencies are emulated, many times slower than a real board's and not in proportion to them; use them to try the flow, never to compare with hardware.`;
  return { ...run, warnings: [...run.warnings, { code: EMULATED_WARNING_CODE, message }] };
}
