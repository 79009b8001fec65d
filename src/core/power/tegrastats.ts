/**
 * NVIDIA Jetson's `tegrastats` output: one line per interval (`--interval MS`, default 1000 ms),
 * each rail as `NAME current/average`, in mW (JetPack 5 and later print `5704mW/5704mW`; older
 * releases print bare numbers, also mW). The board's input power is VDD_IN on Orin, Xavier and
 * TX2, POM_5V_IN on Nano and TX1. Its timestamps (JetPack 5+) have whole seconds only, so a line's
 * time is its index × the interval tegrastats was started with.
 */
import { StudioError } from '../../shared/errors';
import type { PowerSample } from './energy-math';

/** The input rails, in the order they are looked for. */
export const TEGRASTATS_INPUT_RAILS = ['VDD_IN', 'POM_5V_IN'] as const;

// A rail's reading: a NAME, a space, current/average in mW, then a space or the line's end
// (RAM's "2461/7620MB" and IRAM's "0/252kB" are not rails: a unit other than mW follows).
const RAIL = /\b([A-Z][A-Z0-9_]*) (\d+)(?:mW)?\/(\d+)(?:mW)?(?=\s|$)/g;

/** One line's rails: name → instantaneous power in mW. */
export function parseTegrastatsLine(line: string): Map<string, number> {
  const rails = new Map<string, number>();
  for (const match of line.matchAll(RAIL)) rails.set(match[1] as string, Number(match[2]));
  return rails;
}

export interface TegrastatsPower {
  /** The rail the samples follow: VDD_IN, POM_5V_IN, or the one asked for. */
  rail: string;
  /** Every rail the output has (for a message when the wanted one is missing). */
  railsSeen: string[];
  samples: PowerSample[];
  intervalMs: number;
}

/**
 * The input rail's power over an output of tegrastats started with `--interval intervalMs`. Lines
 * without rails (tegrastats started without root on images that keep the INA3221 to root) are
 * left out; output with no rail at all, or without the rail asked for, is one sentence.
 */
export function tegrastatsPower(output: string, intervalMs: number, rail?: string): TegrastatsPower {
  const lines = output.split('\n').filter((line) => line.trim() !== '');
  const parsed = lines.map(parseTegrastatsLine).filter((rails) => rails.size > 0);
  const railsSeen = [...new Set(parsed.flatMap((rails) => [...rails.keys()]))];
  if (parsed.length === 0) {
    throw new StudioError('BAD_INPUT', `tegrastats printed no power rails in ${lines.length} lines: run it as root ('sudo tegrastats'), as some Jetson images show the rails to root only.`);
  }
  const wanted = rail ?? TEGRASTATS_INPUT_RAILS.find((name) => railsSeen.includes(name));
  if (wanted === undefined || !railsSeen.includes(wanted)) {
    throw new StudioError(
      'BAD_INPUT',
      `tegrastats reports no ${wanted ?? TEGRASTATS_INPUT_RAILS.join(' or ')} rail on this board; it reports ${railsSeen.join(', ')}: name the one to use.`,
    );
  }
  const samples = parsed.flatMap((rails, index) => {
    const mw = rails.get(wanted);
    return mw === undefined ? [] : [{ tMs: index * intervalMs, watts: mw / 1000 }];
  });
  return { rail: wanted, railsSeen, samples, intervalMs };
}
