/**
 * The emulated device's power: SIMULATED figures, not a measurement. An idle draw per rail, plus
 * what each run of the benchmark_model stand-in adds while it runs, kept in the files a phone
 * exposes its power through:
 *
 *   ODPM, the on-device power monitor of Tensor Pixels (drivers/iio/power/odpm.c), where the spec
 *   has one: /sys/bus/iio/devices/iio:deviceN, a symlink into the PMIC's platform device, with
 *   energy_value ("t=MS", then "CHn(T=MS)[SCHEMATIC_NAME], µWs" for each of 8 channels, energy
 *   accumulated since boot), enabled_rails ("CHn[SCHEMATIC_NAME]:SUBSYS"), available_rails
 *   ("NAME(SCHEMATIC_NAME):SUBSYS") and sampling_rate ("%d.%06d" Hz). Like the driver, which
 *   serves a cached snapshot refreshed at most every ODPM_MIN_POLLING_TIME_MS, the files are
 *   rewritten every REFRESH_MS and at each stand-in run's start and end.
 *
 *   The battery's current_now (µA, negative while discharging) and voltage_now (µV): the whole
 *   phone's idle draw plus the same activity.
 *
 * Each stand-in run adds its modelled busy time × the active power of what it ran on (the cores
 * its threads sat on, the GPU or the NPU for those delegates, the memory interface), spread evenly
 * over the run's real duration, so energy integrated over a run is what the model says it is:
 * `activities` keeps each run's figure for the tests to compare with what the studio measured.
 */
import type { DeviceRoot } from './device-root';
import type { EmulatedCluster, EmulatedDeviceSpec, EmulatedOdpmChip, PowerRole } from './device-spec';

/** How often the ODPM files are rewritten: the driver refreshes its snapshot at most every 50 ms (gs201) or 20 ms (newer, at 1 kHz). */
const REFRESH_MS = 20;
/** The ms since boot the emulated device's clock starts at (the boot the counters accumulated over). */
const BOOT_MS = 349_894;
/** Active power per busy core by cluster (slowest first), and of the accelerators and memory, in W: plausible for a 2021–2023 phone SoC, not measured. */
const CORE_W = { little: 0.12, mid: 0.45, big: 1.3 } as const;
const ACTIVE_W: Record<Exclude<PowerRole, 'little' | 'mid' | 'big' | 'other'>, number> = { gpu: 1.1, tpu: 0.7, mif: 0.15, int: 0.05 };

export type StandInDelegate = 'xnnpack' | 'gpu' | 'nnapi' | 'none';

export interface StandInActivity {
  /** CPUs the run may use (its affinity) and the threads it ran. */
  cpus: readonly number[];
  threads: number;
  delegate: StandInDelegate;
  /** The modelled busy time of all its inferences, warmup included, µs. */
  busyUs: number;
  /** How long it really runs, ms. */
  realMs: number;
  /** An op-profiling run (after the timed windows). */
  opProfiling: boolean;
}

export interface LoggedActivity extends StandInActivity {
  /** Energy it added over the idle draw, per role, µJ (W × µs). */
  energyUj: Partial<Record<PowerRole, number>>;
  totalUj: number;
}

interface Running {
  startMs: number;
  realMs: number;
  energyUj: Partial<Record<PowerRole, number>>;
}

export class EmulatedPower {
  /** Every stand-in run so far, in order. */
  readonly activities: LoggedActivity[] = [];
  private readonly running = new Set<Running>();
  /** Energy of finished runs per role, µJ. */
  private readonly doneUj = new Map<PowerRole, number>();
  private readonly startMs = performance.now();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly spec: EmulatedDeviceSpec,
    private readonly root: DeviceRoot,
  ) {
    const odpm = spec.odpm;
    if (odpm !== null) {
      if (!odpm.readable && !(typeof process.getuid === 'function' && process.getuid() === 0)) {
        // File modes stand in for SELinux's denial here, and the device's shell obeys them only as uid 2000, which needs root.
        throw new Error('The adb emulator models an unreadable energy_value by its file mode, which the device shell obeys only when the emulator runs as root (CI does): run this test as root.');
      }
      odpm.chips.forEach((chip, index) => {
        const dir = `${chip.platformDir}/iio:device${index}`;
        // As sysfs links it: relative, from /sys/bus/iio/devices up to /sys.
        root.symlink(`/sys/bus/iio/devices/iio:device${index}`, `../../..${dir.replace(/^\/sys/, '')}`);
        root.writeSystemFile(`${dir}/name`, `${chip.name}\n`, 0o444);
        root.writeSystemFile(`${dir}/enabled_rails`, chip.rails.map((rail, ch) => `CH${ch}[${rail.schematic}]:${rail.subsys}\n`).join(''));
        root.writeSystemFile(`${dir}/available_rails`, chip.rails.map((rail) => `${rail.name}(${rail.schematic}):${rail.subsys}\n`).join(''));
        root.writeSystemFile(`${dir}/sampling_rate`, `${Math.floor(chip.samplingRateHz)}.${String(Math.round((chip.samplingRateHz % 1) * 1e6)).padStart(6, '0')}\n`);
      });
      this.timer = setInterval(() => this.write(), REFRESH_MS);
      this.timer.unref();
    }
    this.write();
  }

  /** A stand-in run begins; call the result when it ends. */
  startActivity(activity: StandInActivity): () => void {
    const watts = this.activeWatts(activity);
    const energyUj = Object.fromEntries(Object.entries(watts).map(([role, w]) => [role, w * activity.busyUs])) as Partial<Record<PowerRole, number>>;
    const run: Running = { startMs: this.nowMs(), realMs: Math.max(1, activity.realMs), energyUj };
    this.running.add(run);
    this.write();
    return () => {
      if (!this.running.delete(run)) return;
      for (const [role, uj] of Object.entries(energyUj) as Array<[PowerRole, number]>) this.doneUj.set(role, (this.doneUj.get(role) ?? 0) + uj);
      this.activities.push({ ...activity, energyUj, totalUj: Object.values(energyUj).reduce((a, b) => a + b, 0) });
      this.write();
    };
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private nowMs(): number {
    return performance.now() - this.startMs;
  }

  /** The run's active power per role: its threads on the fastest CPUs it may use, one core driving a delegate, the memory interface. */
  private activeWatts(activity: StandInActivity): Partial<Record<PowerRole, number>> {
    const watts: Partial<Record<PowerRole, number>> = { mif: ACTIVE_W.mif, int: ACTIVE_W.int };
    const add = (role: PowerRole, w: number): void => void (watts[role] = (watts[role] ?? 0) + w);
    const roles = clusterRoles(this.spec.clusters);
    const byCpu = new Map(this.spec.clusters.flatMap((cluster, i) => cluster.cpus.map((cpu) => [cpu, { role: roles[i] as 'little' | 'mid' | 'big', khz: cluster.maxKHz }] as const)));
    const allowed = activity.cpus.flatMap((cpu) => (byCpu.has(cpu) ? [byCpu.get(cpu) as { role: 'little' | 'mid' | 'big'; khz: number }] : [])).sort((a, b) => b.khz - a.khz);
    if (activity.delegate === 'gpu' || activity.delegate === 'nnapi') {
      add(activity.delegate === 'gpu' ? 'gpu' : 'tpu', ACTIVE_W[activity.delegate === 'gpu' ? 'gpu' : 'tpu']);
      const driver = allowed.at(-1);
      if (driver !== undefined) add(driver.role, CORE_W[driver.role]);
    } else {
      for (const core of allowed.slice(0, Math.max(1, activity.threads))) add(core.role, CORE_W[core.role]);
    }
    return watts;
  }

  /** Energy per role since boot over the idle draw, µJ: finished runs whole, running ones by the share of their real time gone. */
  private activityUj(role: PowerRole, now: number): number {
    let uj = this.doneUj.get(role) ?? 0;
    for (const run of this.running) uj += (run.energyUj[role] ?? 0) * Math.min(1, Math.max(0, (now - run.startMs) / run.realMs));
    return uj;
  }

  /** The power the running stand-ins add now, W. */
  private activityWatts(): number {
    let watts = 0;
    for (const run of this.running) watts += Object.values(run.energyUj).reduce((a, b) => a + b, 0) / (run.realMs * 1000);
    return watts;
  }

  private write(): void {
    const now = this.nowMs();
    const tMs = Math.floor(BOOT_MS + now);
    const odpm = this.spec.odpm;
    if (odpm !== null) {
      // Each role's activity is charged to the first rail of that role; the idle draw to every rail.
      const charged = new Set<PowerRole>();
      odpm.chips.forEach((chip: EmulatedOdpmChip, index) => {
        const lines = chip.rails.map((rail, ch) => {
          const own = rail.role !== 'other' && !charged.has(rail.role);
          if (own) charged.add(rail.role);
          // mW × ms = µJ (µWs, the driver's unit).
          const uj = rail.idleMw * (BOOT_MS + now) + (own ? this.activityUj(rail.role, now) : 0);
          return `CH${ch}(T=${tMs})[${rail.schematic}], ${Math.floor(uj)}\n`;
        });
        this.root.replaceSystemFile(`${chip.platformDir}/iio:device${index}/energy_value`, `t=${tMs}\n${lines.join('')}`, odpm.readable ? 0o444 : 0o400);
      });
    }
    const battery = this.spec.battery;
    if (battery !== null) {
      const dir = '/sys/class/power_supply/battery';
      const idleA = Math.abs(battery.currentMicroA) / 1e6;
      const amps = idleA + this.activityWatts() / (battery.voltageMicroV / 1e6);
      // The spec's sign is the driver's (negative while discharging on most, positive on some); charging keeps the spec's figure.
      const current = battery.charging ? battery.currentMicroA : (battery.currentMicroA > 0 ? 1 : -1) * Math.round(amps * 1e6);
      this.root.replaceSystemFile(`${dir}/current_now`, `${current}\n`, 0o444);
      this.root.replaceSystemFile(`${dir}/voltage_now`, `${battery.voltageMicroV}\n`, 0o444);
      this.root.replaceSystemFile(`${dir}/status`, battery.charging ? 'Charging\n' : 'Discharging\n', 0o444);
    }
  }
}

/** Clusters by speed: the slowest 'little', the fastest 'big', any between 'mid'. */
function clusterRoles(clusters: readonly EmulatedCluster[]): Array<'little' | 'mid' | 'big'> {
  const speeds = [...new Set(clusters.map((c) => c.maxKHz))].sort((a, b) => a - b);
  return clusters.map((c) => {
    const rank = speeds.indexOf(c.maxKHz);
    return rank === 0 ? 'little' : rank === speeds.length - 1 ? 'big' : 'mid';
  });
}
