/**
 * A simulated board's figures wherever they leave its run page: its latencies are this computer's
 * invoke times scaled to the chip, and the memory it reports is the studio's arena estimate plus
 * the model's bytes (no process and no board held the model), so lists tag the median SIMULATED
 * and say the memory was not measured on the board. Pure, so the Devices card, Home and the run
 * page's facts read the same words, and their tests check them.
 */
import type { RunFile, RunSummary } from '../../shared/run-schema';
import { formatMiB, formatMs, formatPeakMemory, NOT_MEASURED_ON_BOARD } from '../../shared/units';
import { SIMULATED_TAG } from './board-view';

/** True when a simulated board ran the run (its boardMemory says so). */
export function isSimulatedRun(run: Pick<RunFile, 'boardMemory'>): boolean {
  return run.boardMemory?.simulated === true;
}

/** "3.41 ms", or "3.41 ms (SIMULATED)" for a simulated board's run. */
export function summaryMedianText(run: Pick<RunSummary, 'median' | 'simulated'>): string {
  return run.simulated === true ? `${formatMs(run.median)} (${SIMULATED_TAG})` : formatMs(run.median);
}

export interface MemoryText {
  text: string;
  /** No figure: shown muted. */
  muted: boolean;
}

/** A list's memory figure: the peak as measured, "not measured", or, on a simulated board, not measured on the board. */
export function summaryMemoryText(run: Pick<RunSummary, 'peakRssBytes' | 'simulated'>): MemoryText {
  if (run.simulated === true) return { text: `${NOT_MEASURED_ON_BOARD} (${SIMULATED_TAG})`, muted: true };
  return { text: formatPeakMemory(run.peakRssBytes), muted: !(run.peakRssBytes > 0) };
}

export interface MemoryFact {
  label: string;
  value: string;
  hint: string;
  muted: boolean;
}

/** The run page's Peak RSS and Model load rows. */
export function memoryFacts(run: Pick<RunFile, 'memory' | 'boardMemory'>): { peak: MemoryFact; modelLoad: MemoryFact } {
  const m = run.memory;
  if (isSimulatedRun(run)) {
    const reported = m.peakRssBytes > 0 ? ` (it reports ${formatMiB(m.peakRssBytes)}: the studio's arena estimate plus the model's bytes)` : '';
    return {
      peak: {
        label: `Peak RSS (${SIMULATED_TAG})`,
        value: NOT_MEASURED_ON_BOARD,
        hint: `a simulated board has no process or RAM of its own${reported}; run on a real board to measure its memory`,
        muted: true,
      },
      modelLoad: {
        label: `Model load (${SIMULATED_TAG})`,
        value: NOT_MEASURED_ON_BOARD,
        hint: "the simulated board reports the studio's arena estimate as the arena it used: a model, not a measurement",
        muted: true,
      },
    };
  }
  return {
    peak: {
      label: 'Peak RSS',
      value: formatPeakMemory(m.peakRssBytes),
      hint: m.peakRssBytes > 0 ? 'of the runner process, sampled during the run (native memory included)' : 'this target reports no memory use, so none was measured',
      muted: !(m.peakRssBytes > 0),
    },
    modelLoad: {
      label: 'Model load',
      value: m.modelLoadRssBytes === undefined ? '–' : formatMiB(m.modelLoadRssBytes),
      hint: 'RSS after loading the model minus before',
      muted: m.modelLoadRssBytes === undefined,
    },
  };
}
