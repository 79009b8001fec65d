import { meterOptions } from './meter-options';
import { definePowerSource } from './power-source';

/** Where Linux exposes RAPL; EDGEBENCH_POWERCAP_ROOT replaces it in tests (the engine's test seam, src/core/power/rapl.ts). */
export const POWERCAP_ROOT = '/sys/class/powercap';

/** The udev rule that makes energy_uj readable at every boot (the kernel resets the mode on each boot). */
export const RAPL_UDEV_RULE = 'SUBSYSTEM=="powercap", ACTION=="add", RUN+="/bin/chmod a+r /sys%p/energy_uj /sys%p/max_energy_range_uj"';
const RULE_FILE = '/etc/udev/rules.d/99-edgebench-rapl.rules';
const CHMOD = `sudo chmod a+r ${POWERCAP_ROOT}/intel-rapl:*/energy_uj ${POWERCAP_ROOT}/intel-rapl:*/max_energy_range_uj`;

/** What to do when energy_uj is root-only, in the CLI's words and the studio's (one fix, two wordings). */
export const RAPL_PERMISSION_FIX = {
  cli: `energy_uj is readable by root only since Linux 5.10 (the PLATYPUS side channel); run '${CHMOD}' (until the next boot), or add the udev rule '${RAPL_UDEV_RULE}' to ${RULE_FILE} and reboot`,
  ui: `energy_uj is readable by root only since Linux 5.10 (the PLATYPUS side channel). Allow reading it until the next boot with: ${CHMOD} — or for good, put this udev rule in ${RULE_FILE} and restart: ${RAPL_UDEV_RULE}`,
} as const;

export const raplPowerSource = definePowerSource({
  name: 'rapl',
  label: 'RAPL',
  description:
    "The CPU's RAPL energy counters through Linux's powercap tree (Intel, and AMD Zen on recent kernels: the same intel_rapl_msr driver and intel-rapl zones): package and DRAM domains.",
  targetKinds: ['local'],
  measures: 'energy',
  rails: 'package and DRAM domains',
  engine: { kind: 'bench' },
  permissionFix: RAPL_PERMISSION_FIX,
  ...meterOptions({ intervalMs: { default: 20, min: 5, hint: 'RAPL counters update about every millisecond' }, idleMs: 1000 }),
});
