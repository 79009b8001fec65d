/**
 * The board's state around a run (clock, temperature, load, busy processes, Pi throttling),
 * read over the same connection, so an SSH run's environment block describes the board and not
 * this computer. Readings are best effort: a failed one is left out, never guessed.
 */
import type { EnvironmentProbe } from '../../bench/run-local-benchmark';
import { parseProcStat, BUSY_PROCESS_CORE_SHARE, type EnvironmentSnapshot } from '../local-environment';
import { parseThrottled, type ThrottleFlag, type ThrottleState } from './probe-parse';
import type { SshConnection } from './ssh-connection';

const SAMPLE_SCRIPT = `
for f in /sys/class/thermal/thermal_zone*/temp; do [ -r "$f" ] && echo "temp=$(cat "$f" 2>/dev/null)"; done
for f in /sys/devices/system/cpu/cpu[0-9]*/cpufreq/scaling_cur_freq; do [ -r "$f" ] && echo "khz=$(cat "$f" 2>/dev/null)"; done
[ -r /proc/loadavg ] && echo "load=$(cut -d' ' -f1 /proc/loadavg)"
command -v vcgencmd >/dev/null 2>&1 && echo "pi=$(vcgencmd get_throttled 2>/dev/null)"
true
`;

/** Two reads of /proc/<pid>/stat 0.2 s apart; the script's own pid is printed so it can be left out. */
const BUSY_SCRIPT = `
echo "self=$$"
for f in /proc/[0-9]*/stat; do read -r line < "$f" 2>/dev/null && echo "A $line"; done
sleep 0.2
for f in /proc/[0-9]*/stat; do read -r line < "$f" 2>/dev/null && echo "B $line"; done
`;
const BUSY_WINDOW_SEC = 0.2;
const USER_HZ = 100;
const PLAUSIBLE_TEMPERATURE_C = { min: 1, max: 150 } as const;

export interface RemoteEnvironment extends EnvironmentProbe {
  /** vcgencmd get_throttled at each sample (Raspberry Pi only; empty elsewhere). */
  readonly throttleReadings: ThrottleState[];
}

export function remoteEnvironment(conn: SshConnection, excludePid: () => number | undefined): RemoteEnvironment {
  const throttleReadings: ThrottleState[] = [];
  return {
    throttleReadings,
    async sample(): Promise<EnvironmentSnapshot> {
      const result = await conn.exec('sh -s', { stdin: SAMPLE_SCRIPT, timeoutMs: 15_000, what: 'reading the board state' });
      const { snapshot, throttled } = parseEnvironmentSample(result.stdout);
      if (throttled !== null) throttleReadings.push(throttled);
      return snapshot;
    },
    async busyProcesses(): Promise<string[]> {
      // Runs beside the measured runs: a failure here must never reject (nobody awaits it yet).
      const result = await conn.exec('sh -s', { stdin: BUSY_SCRIPT, timeoutMs: 15_000, what: 'listing busy processes' }).catch(() => null);
      return result === null ? [] : parseBusyProcesses(result.stdout, excludePid());
    },
  };
}

export function parseEnvironmentSample(text: string): { snapshot: EnvironmentSnapshot; throttled: ThrottleState | null } {
  const temps: number[] = [];
  const khz: number[] = [];
  let loadAverage: number | undefined;
  let throttled: ThrottleState | null = null;
  for (const line of text.split('\n')) {
    const [key, value] = [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1).trim()];
    const number = Number(value);
    if (key === 'temp' && value !== '' && Number.isFinite(number)) {
      const celsius = number / 1000;
      if (celsius >= PLAUSIBLE_TEMPERATURE_C.min && celsius <= PLAUSIBLE_TEMPERATURE_C.max) temps.push(celsius);
    } else if (key === 'khz' && number > 0) khz.push(number);
    else if (key === 'load' && value !== '' && Number.isFinite(number)) loadAverage = number;
    else if (key === 'pi') throttled = parseThrottled(value);
  }
  const snapshot: EnvironmentSnapshot = {};
  if (khz.length > 0) snapshot.cpuMHz = khz.reduce((sum, v) => sum + v, 0) / khz.length / 1000;
  if (temps.length > 0) snapshot.temperatureC = Math.max(...temps);
  if (loadAverage !== undefined) snapshot.loadAverage = loadAverage;
  return { snapshot, throttled };
}

export function parseBusyProcesses(text: string, excludePid: number | undefined): string[] {
  const self = Number(text.match(/^self=(\d+)$/m)?.[1]);
  const reads = { A: new Map<number, { name: string; ticks: number }>(), B: new Map<number, { name: string; ticks: number }>() };
  for (const line of text.split('\n')) {
    const which = line[0];
    if ((which !== 'A' && which !== 'B') || line[1] !== ' ') continue;
    const stat = line.slice(2);
    const pid = Number(stat.slice(0, stat.indexOf(' ')));
    const parsed = parseProcStat(stat);
    if (parsed !== undefined && pid !== self && pid !== excludePid) reads[which].set(pid, parsed);
  }
  const busy: { label: string; share: number }[] = [];
  for (const [pid, after] of reads.B) {
    const before = reads.A.get(pid);
    if (before === undefined || before.name !== after.name) continue;
    const share = (after.ticks - before.ticks) / USER_HZ / BUSY_WINDOW_SEC;
    if (share > BUSY_PROCESS_CORE_SHARE) busy.push({ label: `${after.name} (pid ${pid}, ${Math.round(share * 100)}% of a core)`, share });
  }
  return busy.sort((a, b) => b.share - a.share).slice(0, 5).map((entry) => entry.label);
}

/** Throttling seen around a run: flags active at either reading, or newly raised since-boot flags between them. */
export function throttlingDuringRun(readings: readonly ThrottleState[]): ThrottleFlag[] {
  const first = readings[0];
  const last = readings[readings.length - 1];
  if (first === undefined || last === undefined) return [];
  const seen = new Set<ThrottleFlag>([...first.now, ...last.now]);
  for (const flag of last.sinceBoot) if (!first.sinceBoot.includes(flag)) seen.add(flag);
  return [...seen];
}
