/**
 * The two settings every measuring power source has: how often its meter is read and how long the
 * idle baseline lasts. One pair of flags (--energy-interval, --energy-idle) and form fields for
 * all; each source has its own defaults and bounds (RAPL's counters are read every 20 ms, a board's
 * tool every 100 ms, as each call crosses the link).
 */
import { z } from 'zod';
import type { OptionSpecs } from '../plugin';

export interface MeterDefaults {
  intervalMs: { default: number; min: number; hint: string };
  idleMs: number;
}

export function meterOptions(defaults: MeterDefaults) {
  const schema = z.object({
    /** How often the meter is read. */
    intervalMs: z.number().int().min(defaults.intervalMs.min).max(1000).default(defaults.intervalMs.default),
    /** The idle baseline, measured just before the timed runs with the runner loaded and waiting. */
    idleMs: z.number().int().min(100).max(60_000).default(defaults.idleMs),
  });
  const specs: OptionSpecs<z.output<typeof schema>> = {
    intervalMs: {
      label: 'Energy read interval (ms)',
      flag: 'energy-interval',
      help: 'Read the power meter every MS milliseconds (default: 20 for RAPL, 100 for a board\'s tool).',
      valueName: 'MS',
      field: { kind: 'number', hint: defaults.intervalMs.hint },
      report: { label: 'energy read every', text: (ms) => `${ms} ms` },
    },
    idleMs: {
      label: 'Idle baseline (ms)',
      flag: 'energy-idle',
      help: 'Measure the idle baseline for MS milliseconds just before the timed runs (default: 1000 for RAPL, 2000 for a board\'s tool).',
      valueName: 'MS',
      field: { kind: 'number', hint: 'Subtracted from the load energy' },
      report: { label: 'idle baseline', text: (ms) => `${ms} ms` },
    },
  };
  return { options: schema, optionSpecs: specs };
}
