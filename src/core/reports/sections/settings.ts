import { cpuSelectionShort } from '../../../shared/cpu-pinning';
import { givenAsFlags } from '../../../shared/input-messages';
import type { OptionSpec } from '../../../shared/plugins/plugin';
import { RUNTIMES, RuntimeName, runtimeOptionsOf } from '../../../shared/plugins/runtimes';
import type { RunFile } from '../../../shared/run-schema';
import { formatMs } from '../../../shared/units';
import type { ReportSection } from '../report-section';

export const settingsSection: ReportSection = {
  id: 'settings',
  title: 'Settings',
  build(report) {
    // Shown when a run had repeats: its runs are per repeat, and the Latency table counts them all.
    const repeated = report.runs.some((entry) => entry.run.settings.repeats > 1);
    // Shown when a run was pinned (--cpus), so that reports of unpinned runs keep their table.
    const pinned = report.runs.some((entry) => entry.run.settings.cpus !== undefined);
    return [
      {
        kind: 'table',
        sortable: true,
        columns: [
          { label: 'run' },
          { label: 'mode' },
          { label: 'warmup', numeric: true },
          { label: 'runs', numeric: true },
          ...(repeated ? [{ label: 'repeats', numeric: true, title: 'Fresh runner processes per cell; runs are per repeat' }] : []),
          ...(pinned ? [{ label: 'CPUs', title: 'The CPUs the runner was pinned to (--cpus), with the CPUs that named' }] : []),
          { label: 'min time', numeric: true },
          { label: 'max time', numeric: true },
          { label: 'fresh inputs' },
          { label: 'runtime options' },
          { label: 'profile runs', numeric: true },
          { label: 'inputs' },
        ],
        rows: report.runs.map((entry) => {
          const s = entry.run.settings;
          const options = runtimeOptionsText(entry.run);
          const inputs = inputsText(entry.run);
          return [
            `#${entry.number}`,
            s.mode,
            { text: `${s.warmupRuns}${s.warmupMinTimeMs > 0 ? ` (≥ ${formatMs(s.warmupMinTimeMs)})` : ''}`, sort: s.warmupRuns },
            { text: String(s.runs), sort: s.runs },
            ...(repeated ? [{ text: String(s.repeats), sort: s.repeats }] : []),
            ...(pinned ? [s.cpus !== undefined ? cpuSelectionShort(s.cpus, entry.run.cpuPinning) : 'not pinned'] : []),
            { text: s.minTimeMs > 0 ? formatMs(s.minTimeMs) : '—', sort: s.minTimeMs },
            { text: s.maxTimeMs > 0 ? formatMs(s.maxTimeMs) : 'no limit', sort: s.maxTimeMs },
            s.freshInputs ? 'yes' : 'no',
            options,
            { text: String(s.profileRuns), sort: s.profileRuns },
            inputs,
          ];
        }),
      },
    ];
  },
};

/**
 * The runtime's options as its option specs word them ("graph opt all, sequential, inter-op auto"),
 * or 'defaults' for a runtime without options (LiteRT, a board's firmware).
 */
export function runtimeOptionsText(run: RunFile): string {
  const runtime = RuntimeName.safeParse(run.runtime.name);
  if (!runtime.success) return 'defaults';
  const options = runtimeOptionsOf(runtime.data, run.settings.runtimeOptions) as Readonly<Record<string, unknown>>;
  const specs: Readonly<Record<string, OptionSpec<never, never>>> = RUNTIMES[runtime.data].optionSpecs;
  const parts = Object.entries(specs).map(([key, spec]) => {
    const value = options[key] as never;
    const text = spec.report.text ? spec.report.text(value) : String(value);
    return spec.report.label === '' ? text : `${spec.report.label} ${text}`;
  });
  return parts.length > 0 ? parts.join(', ') : 'defaults';
}

/**
 * Each input as it ran, a guessed dim marked "?=1", then where the given sizes came from:
 * "x 1x3x320x320 (saved with the model: --shape x=1x3x320x320)"; older runs show their flags.
 */
function inputsText(run: RunFile): string {
  const s = run.settings;
  const shapes = run.inputs.map((input) => {
    const guessed = new Set((input.guessedDims ?? []).map((dim) => dim.index));
    const dims = input.shape.map((size, i) => (guessed.has(i) ? `?=${size}` : String(size)));
    const shape = input.rankGuessed ? 'rank guessed' : dims.length === 0 ? 'scalar' : dims.join('x');
    return `${input.name} ${shape}${input.fill === 'random' ? '' : ` ${input.fill}`}`;
  });
  const given = givenAsFlags({ shapes: s.shapes, dims: s.dims, values: s.values });
  const parts = [
    ...(shapes.length > 0 ? [shapes.join(', ')] : []),
    ...(run.savedInputs !== undefined ? [`saved with the model: ${givenAsFlags(run.savedInputs)}`] : given !== '' ? [`given: ${given}`] : []),
  ];
  if (run.inputs.some((input) => (input.guessedDims?.length ?? 0) > 0)) parts.push('? = guessed size');
  return parts.join('; ') || 'defaults';
}
