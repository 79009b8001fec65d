import { useState, type FormEvent } from 'react';
import { REPORT_MODE, repeatsFor } from '../../../../shared/bench-defaults';
import type { BenchRequest, ModelEntry, TargetEntry } from '../../../../shared/contract';
import { INPUT_SIZES_FIELD } from '../../../../shared/input-messages';
import { BENCH_SETTING_SPECS } from '../../../../shared/plugins/bench-settings';
import { TARGET_KINDS } from '../../../../shared/plugins/target-kinds';
import {
  cellCount,
  checkModelInputs,
  cpusFieldFor,
  DEFAULT_FORM,
  effectiveRepeats,
  parseCpuSelections,
  parseThreadList,
  repeatsFieldFor,
  repeatsHint,
  reportCellMs,
  sharedCpuHint,
  targetCpuCounts,
  validateBenchForm,
  type BenchFormFields,
} from '../../bench-form';
import { InputsCheck } from './InputsCheck';
import { AdvancedFields } from './AdvancedFields';
import { EnergyOption, energyRequest, usePowerSources, type EnergyPicks } from './EnergyOption';
import { PythonRuntimesOption, pythonRuntimesRequest, type PythonPicks } from './PythonRuntimesOption';
import { ModelPicker } from './ModelPicker';
import { NumberField } from './NumberField';
import { TargetPicker } from './TargetPicker';
import './bench-targets.css';

interface Props {
  models: ModelEntry[];
  targets: TargetEntry[];
  /** A job is starting or running: the form waits. */
  busy: boolean;
  onStart: (request: BenchRequest) => void;
}

const REPORT_HINT =
  `${REPORT_MODE.windows} windows × ≥ ${REPORT_MODE.minWindowMs / 1000} s, median of medians (MLPerf Tiny); ` +
  `takes ≥ ${(REPORT_MODE.windows * REPORT_MODE.minWindowMs) / 1000} s per cell.`;
const SET_BY_REPORT = 'Set by report mode';

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function formatDuration(durationMs: number): string {
  const seconds = Math.round(durationMs / 1000);
  return seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
}

/** The matrix of a job: models × thread counts × targets, each model on its own format's runtime. */
export function BenchForm({ models, targets, busy, onStart }: Props) {
  const [form, setForm] = useState<BenchFormFields>(DEFAULT_FORM);
  // null until the user ticks a box: the first model is meant (models may arrive after the first render).
  const [picked, setPicked] = useState<string[] | null>(null);
  // null until the user ticks a box: This computer is meant.
  const [pickedTargets, setPickedTargets] = useState<string[] | null>(null);
  // Energy per inference: off (null) by default; on, the source picked per target.
  const [energyPicks, setEnergyPicks] = useState<EnergyPicks>(null);
  const [pythonPicks, setPythonPicks] = useState<PythonPicks>(null);
  const modelIds = (picked ?? models.slice(0, 1).map((m) => m.id)).filter((id) => models.some((m) => m.id === id));
  // This computer (the one kind that is never stored) is the default target.
  const defaultTargets = targets.filter((t) => TARGET_KINDS[t.kind].stored === null).map((t) => t.id);
  const targetIds = (pickedTargets ?? defaultTargets).filter((id) => targets.some((t) => t.id === id));
  const formats = [...new Set(models.filter((m) => modelIds.includes(m.id)).map((m) => m.info.format))];
  // Repeats is shown while a ticked target's kind honours it (its descriptor's benchSettings); hidden, it is not sent.
  const { shown: repeatsShown, partial: repeatsPartial } = repeatsFieldFor(targets, targetIds);
  // CPUs likewise, while a ticked target's kind pins runs to CPUs (This computer on Linux, SSH boards, Android); hidden or disabled (no ticked target can here), it is not sent.
  const { shown: cpusShown, cannot: unpinnable, disabledReason: cpusOff } = cpusFieldFor(targets, targetIds);
  const cpusTaken = cpusShown && cpusOff === undefined;
  const values = { ...form, modelIds, targetIds, formats, repeats: repeatsShown ? form.repeats : '', cpus: cpusTaken ? form.cpus : '', unpinnable, cpuCounts: targetCpuCounts(targets, targetIds) };
  const result = validateBenchForm(values);
  // The ticked models' inputs as the engine will plan them: an image without sizes keeps Start waiting.
  const inputs = checkModelInputs(models.filter((m) => modelIds.includes(m.id)));
  const blocked = inputs.blocked.length > 0;
  const errors = result.ok ? {} : result.errors;
  // Python runtimes ticked add a cell per runtime (they are offered only for models of one format).
  const pickedRuntimes = pythonRuntimesRequest(pythonPicks, formats);
  const cells = cellCount(values) * (pickedRuntimes?.length ?? 1);
  // Targets run in parallel, so a job lasts as long as one target's share of the cells.
  const cellsPerTarget = cells / Math.max(1, targetIds.length);
  const threads = parseThreadList(form.threads);
  const threadCount = typeof threads === 'string' ? 0 : threads.length;
  const selections = parseCpuSelections(values.cpus);
  const cpuCount = typeof selections === 'string' ? 0 : selections.length;
  // Threads pinned to fewer CPUs share them: said beside the field, but Start is not held up.
  const sharing = typeof threads === 'string' || typeof selections === 'string' ? null : sharedCpuHint(threads, selections, values.cpuCounts);
  const patch = (change: Partial<BenchFormFields>): void => setForm((f) => ({ ...f, ...change }));
  const set = (field: keyof BenchFormFields) => (value: string) => patch({ [field]: value });
  const report = form.mode === 'report';
  // As the engine will run them; a target kind without repeats runs each cell once.
  const repeats = repeatsShown ? effectiveRepeats(form.repeats, form.mode) : 1;

  const { data: powerSources } = usePowerSources(targetIds, energyPicks !== null);
  const energy = energyRequest(energyPicks, targetIds, powerSources);

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (!result.ok || busy || blocked) return;
    onStart({ ...result.request, ...(energy !== undefined ? { energy } : {}), ...(pickedRuntimes !== undefined ? { runtimes: pickedRuntimes } : {}) });
  };

  return (
    <form className="card bench-form" onSubmit={submit} aria-label="New benchmark" data-testid="bench-form">
      <h2 className="card-title">New benchmark</h2>
      <ModelPicker models={models} picked={modelIds} error={errors.modelIds} onChange={setPicked} />
      <InputsCheck check={inputs} />
      <TargetPicker targets={targets} picked={targetIds} error={errors.targetIds} onChange={setPickedTargets} />
      <div className="form-row">
        <label className={`field threads-field${errors.threads ? ' invalid' : ''}`}>
          <span className="field-label">Threads</span>
          <input
            type="text"
            value={form.threads}
            data-testid="bench-threads-input"
            aria-invalid={errors.threads ? true : undefined}
            placeholder="1, 2, 4"
            onChange={(e) => patch({ threads: e.currentTarget.value })}
          />
          <span className="field-hint">{errors.threads ?? 'One cell per count, e.g. 1, 2, 4; 0 = runtime decides'}</span>
        </label>
        <NumberField label="Warmup runs" hint="Not measured" value={form.warmupRuns} error={errors.warmupRuns} testId="bench-warmup-input" onChange={set('warmupRuns')} />
        <NumberField label="Warmup min (ms)" hint="Warm up at least this long" value={form.warmupMinTimeMs} error={errors.warmupMinTimeMs} testId="bench-warmup-time-input" onChange={set('warmupMinTimeMs')} />
        <NumberField label={report ? 'Runs per window' : 'Runs'} hint={report ? 'Each window runs at least this many' : 'Measured inferences'} value={form.runs} error={errors.runs} testId="bench-runs-input" onChange={set('runs')} />
        <NumberField label="Min time (ms)" hint="Keep measuring until" value={form.minTimeMs} error={errors.minTimeMs} testId="bench-mintime-input" disabledReason={report ? SET_BY_REPORT : undefined} onChange={set('minTimeMs')} />
        <NumberField label="Max time (ms)" hint="Stop early; 0 = no limit" value={form.maxTimeMs} error={errors.maxTimeMs} testId="bench-maxtime-input" disabledReason={report ? SET_BY_REPORT : undefined} onChange={set('maxTimeMs')} />
        {cpusShown && (
          <label className={`field cpus-field${errors.cpus ? ' invalid' : ''}`} title={BENCH_SETTING_SPECS.cpus.help}>
            <span className="field-label">{BENCH_SETTING_SPECS.cpus.label}</span>
            <input
              type="text"
              value={cpusTaken ? form.cpus : ''}
              disabled={!cpusTaken}
              data-testid="bench-cpus-input"
              aria-invalid={errors.cpus ? true : undefined}
              placeholder="all, big, little"
              onChange={(e) => patch({ cpus: e.currentTarget.value })}
            />
            <span className="field-hint" data-testid="bench-cpus-hint">{cpusOff ?? errors.cpus ?? sharing ?? 'One cell per selection (taskset): all, little, mid, big or 0xMASK; empty = not pinned'}</span>
          </label>
        )}
        {repeatsShown && (
          <NumberField
            label={BENCH_SETTING_SPECS.repeats.label}
            hint={`${repeatsHint(form.mode)}${repeatsPartial ? '; boards without it run once' : ''}`}
            title={BENCH_SETTING_SPECS.repeats.help}
            min={BENCH_SETTING_SPECS.repeats.min}
            placeholder={String(repeatsFor(form.mode, undefined))}
            value={form.repeats}
            error={errors.repeats}
            testId="bench-repeats-input"
            onChange={set('repeats')}
          />
        )}
      </div>
      <div className="form-row mode-row">
        <fieldset className="field mode-field">
          <legend className="field-label">Mode</legend>
          <div className="radio-row">
            <label className="radio">
              <input type="radio" name="bench-mode" checked={!report} data-testid="bench-mode-quick" onChange={() => patch({ mode: 'quick' })} />
              Quick <span className="muted">runs, min and max time as set</span>
            </label>
            <label className="radio">
              <input type="radio" name="bench-mode" checked={report} data-testid="bench-mode-report" onChange={() => patch({ mode: 'report' })} />
              Report <span className="muted">{REPORT_HINT}</span>
            </label>
          </div>
        </fieldset>
        <label className="checkbox" title="Its making is not timed">
          <input type="checkbox" checked={form.freshInputs} data-testid="bench-fresh-inputs" onChange={(e) => patch({ freshInputs: e.currentTarget.checked })} />
          Fresh random input before every run <span className="muted">(instead of one fixed input)</span>
        </label>
      </div>
      <EnergyOption targets={targets} targetIds={targetIds} picks={energyPicks} onChange={setEnergyPicks} />
      <PythonRuntimesOption targetIds={targetIds} formats={formats} picks={pythonPicks} onChange={setPythonPicks} />
      <AdvancedFields form={form} formats={formats} errors={errors} onChange={patch} />
      <footer className="bench-footer">
        <span className="cell-count" data-testid="bench-cell-count" data-cells={cells}>
          {cells === 0
            ? 'No cells to run yet'
            : `${plural(cells, 'cell')}: ${plural(modelIds.length, 'model')} × ${plural(threadCount, 'thread count')}${cpuCount > 0 ? ` × ${plural(cpuCount, 'CPU selection')}` : ''} × ${plural(targetIds.length, 'target')}`}
          {cells > 0 && repeats !== null && repeats > 1 && <span className="muted"> · each in {repeats} fresh processes</span>}
          {report && cells > 0 && <span className="muted"> · at least {formatDuration(cellsPerTarget * reportCellMs(repeats ?? 1))}</span>}
        </span>
        <button
          type="submit"
          className="button primary"
          disabled={!result.ok || busy || blocked}
          title={blocked ? `Give the input sizes first: ${INPUT_SIZES_FIELD}.` : undefined}
          data-testid="bench-start"
        >
          {busy ? 'Running…' : cells > 1 ? `Start ${cells} cells` : 'Start'}
        </button>
      </footer>
    </form>
  );
}
