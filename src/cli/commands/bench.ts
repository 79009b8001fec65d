import path from 'node:path';
import { DEFAULT_BENCH_SETTINGS } from '../../shared/bench-defaults';
import { StudioError } from '../../shared/errors';
import { BENCH_SETTING_SPECS } from '../../shared/plugins/bench-settings';
import { TARGET_KINDS } from '../../shared/plugins/target-kinds';
import { BenchSettings, type RuntimeName } from '../../shared/run-schema';
import { inspectModelFiles } from '../../core/formats/inspect';
import { importedModelName } from '../../shared/model-naming';
import { modelPathsOf } from '../model-path';
import { checkMatrixInputs } from '../../core/bench/bench-inputs';
import { unhandledState } from '../../core/bench/cell-outcome';
import { repeatsFor } from '../../shared/bench-defaults';
import { checkInputFlags, planMatrix, runMatrix, type CellResult, type MatrixCell, type MatrixModel } from '../../core/jobs/matrix';
import { nodeForkSpawner } from '../../core/runner/runner-client';
import { writeJsonAtomic } from '../../core/workspace/atomic-write';
import { flagBool, flagList, flagNumber, flagString, formatHelp, parseArgs, type FlagSpecs, type ParsedArgs } from '../args';
import { dimFlag, formatGivenAsFlags, givenFromFlags, savedInputsForModel, shapeFlag, valueFlag, workspaceFlag, workspaceFrom } from '../input-flags';
import { formatRun, progressLine } from '../format';
import type { CommandIo } from '../io';
import { benchRunFlags, checkRuntimeOptionFlags, cpuSelectionsFromArgs, runtimeOptionsFromFlags } from '../bench-flags';
import { DEFAULT_TARGET_KIND, parseTargets, targetContext, targetFlags, type CliTarget } from '../target-flags';
import { openTarget, type OpenTarget } from '../../core/targets/target-registry';
import { localTargetWithPython } from '../../core/targets/python-runtimes';
import { openEnergySource } from '../../core/power/cell-meter';
import { energyFlags, energyRequestFromArgs, withEnergyDefault } from '../energy-flags';

const d = DEFAULT_BENCH_SETTINGS;
const S = BENCH_SETTING_SPECS;
export const benchFlags: FlagSpecs = {
  ...benchRunFlags(TARGET_KINDS[DEFAULT_TARGET_KIND].benchSettings),
  'stall-timeout': { kind: 'number', min: 1, valueName: 'S', help: 'Give up on a cell whose runner says nothing for this many seconds (default 60).' },
  ...shapeFlag,
  ...dimFlag,
  ...valueFlag,
  ...workspaceFlag,
  ...targetFlags,
  ...energyFlags,
  json: { kind: 'boolean', help: 'Print JSON only: one run, or an array of runs for several cells.' },
  out: { kind: 'string', valueName: 'FILE', help: 'Also write the JSON to FILE (atomically).' },
  help: { kind: 'boolean', help: 'Show this help.' },
};

export const benchHelp = formatHelp(
  'edgebench bench MODEL... [--runs N] [--warmup N] [--threads N[,N...]] [--runtime NAME] [--mode quick|report] [--energy [SOURCE]] [--json] [--out FILE]',
  [
    'Benchmarks models on this computer, each cell (model × runtime × threads) in its own runner process:',
    'ONNX with onnxruntime (CPU), TFLite with LiteRT (wasm, XNNPACK), TF.js with TensorFlow.js.',
    'Inputs are seeded random values unless --value says otherwise. Symbolic dims take the sizes --shape / --dim give,',
    "else the ones saved with the model (edgebench inputs set, or the studio's Models page; found by the model's content",
    'in --workspace), else 1: a run with any guessed size is marked unstable, and an image input whose height or width',
    'would be guessed is refused (exit 2) until its sizes are given.',
  ].join('\n'),
  benchFlags,
);

/** The settings the flags give (threads aside: several make a matrix), defaults for the rest. */
export function benchSettingsFromArgs(args: ParsedArgs): BenchSettings {
  const mode = flagString(args, S.mode.flag) ?? d.mode;
  const runsGiven = args.flags.has(S.runs.flag);
  const cpus = cpuSelectionsFromArgs(args);
  return BenchSettings.parse({
    warmupRuns: flagNumber(args, S.warmupRuns.flag) ?? d.warmupRuns,
    warmupMinTimeMs: flagNumber(args, S.warmupMinTimeMs.flag) ?? d.warmupMinTimeMs,
    // Report mode's windows are set by time; its run count is a per-window minimum, lower by default.
    runs: flagNumber(args, S.runs.flag) ?? (mode === 'report' && !runsGiven ? 10 : d.runs),
    minTimeMs: flagNumber(args, S.minTimeMs.flag) ?? d.minTimeMs,
    maxTimeMs: flagNumber(args, S.maxTimeMs.flag) ?? d.maxTimeMs,
    mode,
    freshInputs: flagBool(args, S.freshInputs.flag),
    threads: 0,
    runtimeOptions: { ...d.runtimeOptions, ...runtimeOptionsFromFlags(args) },
    profileRuns: flagNumber(args, S.profileRuns.flag) ?? d.profileRuns,
    nativeTools: !flagBool(args, S.nativeTools.flag),
    // Report mode implies REPORT_MODE_REPEATS fresh processes unless --repeats says otherwise.
    repeats: repeatsFor(mode === 'report' ? 'report' : 'quick', flagNumber(args, S.repeats.flag)),
    // Like threads, several selections make a matrix (each cell its own); the settings hold the first.
    ...(cpus !== undefined ? { cpus: cpus[0] } : {}),
    ...givenFromFlags(args),
  });
}

/**
 * The name import gives the model (the shared rule, shared/model-naming.ts): after its file
 * (handtrack.json → handtrack), or its folder for a generic model.json or model.onnx.
 */
function modelName(file: string): string {
  return importedModelName({ mainFile: path.resolve(file) });
}

export async function benchCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseArgs('bench', withEnergyDefault(argv), benchFlags);
  if (flagBool(args, 'help')) {
    io.out(benchHelp);
    return 0;
  }
  if (args.positionals.length === 0) {
    throw new StudioError('BAD_INPUT', "edgebench bench needs a model file, e.g. 'edgebench bench model.onnx'.");
  }
  const settings = benchSettingsFromArgs(args);
  const threads = (flagList(args, S.threads.flag) ?? [String(d.threads)]).map(Number);
  const cpus = cpuSelectionsFromArgs(args);
  const runtimes = flagList(args, 'runtime') as RuntimeName[] | undefined;
  const outFile = flagString(args, 'out');
  const json = flagBool(args, 'json');
  const stallSeconds = flagNumber(args, 'stall-timeout');

  const models: MatrixModel[] = [];
  const workspace = workspaceFrom(args);
  for (const file of modelPathsOf(args.positionals)) {
    const info = await inspectModelFiles([file]);
    const savedInputs = await savedInputsForModel(workspace, info);
    const name = modelName(file);
    if (savedInputs !== null) io.err(`Using the inputs saved with ${name} in ${workspace.root}: ${formatGivenAsFlags(savedInputs)} (flags take precedence).`);
    models.push({ name, path: path.resolve(file), variant: 'float', info, savedInputs });
  }
  checkInputFlags(models, settings);
  // Before any runner starts: an image whose size would be guessed, an input too large to build (exit 2).
  checkMatrixInputs(
    models.map((model, i) => ({ ...model, name: args.positionals[i] ?? model.name })),
    settings,
    'cli',
  );
  const targets = parseTargets(args);
  // A power source that cannot measure these targets, or counters that cannot be read: refused before any runner starts.
  const energyRequest = energyRequestFromArgs(args);
  const energyMeters = energyRequest === null ? null : targets.map((target) => openEnergySource(energyRequest, target.kind === 'local' ? 'local' : target.config.kind));
  const context = targetContext(args, verboseLog(io, flagBool(args, 'json')));
  const plans: Array<{ target: CliTarget; cells: MatrixCell[] }> = [];
  for (const target of targets) {
    // A CPU axis is refused on a target that cannot pin, naming it, before anything runs.
    const cpuAxis = cpus === undefined ? undefined : { selections: cpus, target: target.kind === 'local' ? { kind: 'local' as const, name: 'This computer' } : { kind: target.config.kind, name: target.config.name } };
    plans.push({ target, cells: planMatrix(models, runtimes, threads, plans.reduce((n, p) => n + p.cells.length, 0), cpuAxis) });
  }
  const total = plans.reduce((n, p) => n + p.cells.length, 0);
  checkRuntimeOptionFlags(args, [...new Set(plans.flatMap((p) => p.cells.map((cell) => cell.runtime)))]);

  const showProgress = io.stderrIsTty && !json && targets.length === 1;
  const many = total > 1;
  const results: CellResult[] = [];
  let cancelled = false;
  const jobId = `cli-${Date.now().toString(36)}`;
  // Targets run in parallel with each other; each target's cells one at a time.
  await Promise.all(
    plans.map(async ({ target, cells }, targetIndex) => {
      let opened: OpenTarget | null = null;
      try {
        if (target.kind === 'remote') opened = await openTarget(target.config, { ...context, signal: io.signal });
        const spawner = nodeForkSpawner();
        const outcome = await runMatrix(jobId, cells, settings, {
          spawner,
          // This computer's 'python:*' cells run in the Python runner under the user's own Python.
          target: opened?.target ?? localTargetWithPython(spawner),
          signal: io.signal,
          totalCells: total,
          energy: energyMeters?.[targetIndex],
          timeouts: stallSeconds ? { stallMs: stallSeconds * 1000 } : undefined,
          onProgress: showProgress
            ? (cell, p) => {
                const label = many ? `cell ${cell.index + 1}/${total} ${cell.model.name} ${cell.runtime} t${cell.threads}${cell.cpus !== undefined ? ` cpus=${cell.cpus}` : ''} ` : '';
                const repeat = p.repeat !== undefined && p.repeats !== undefined ? { index: p.repeat, of: p.repeats } : undefined;
                io.err(`\r\x1b[2K${label}${progressLine(p.phase, p.completed, p.total, p.fraction, repeat)}`);
              }
            : undefined,
          onCellDone: (result) => {
            if (showProgress) io.err('\r\x1b[2K');
            results.push(result);
            switch (result.state) {
              case 'completed':
                if (!json) io.out(`${formatRun(result.run)}\n`);
                return;
              case 'partial':
              case 'failed': {
                const where = many ? `cell ${result.cell.index + 1}/${total} (${result.cell.model.name}, ${result.cell.runtime}, threads ${result.cell.threads}${result.cell.cpus !== undefined ? `, cpus ${result.cell.cpus}` : ''}${targets.length > 1 && target.kind === 'remote' ? `, ${target.spec}` : ''}) failed: ` : '';
                io.err(`edgebench bench: ${where}${result.error.message}`);
                if (result.runnerLog.length > 0) io.err(`The runner's last lines:\n${result.runnerLog.map((line) => `  ${line}`).join('\n')}`);
                // The samples kept are a run too (status 'partial'): shown, printed and written like the others.
                if (result.state === 'partial' && !json) io.out(`${formatRun(result.run)}\n`);
                return;
              }
              case 'cancelled':
                return; // said once for the whole command, below
              default:
                unhandledState(result);
            }
          },
        });
        cancelled ||= outcome.cancelled;
      } finally {
        await opened?.close().catch(() => undefined);
      }
    }),
  );
  const ordered = [...results].sort((a, b) => a.cell.index - b.cell.index);
  const completedRuns = ordered.filter((r) => r.state === 'completed').length;
  const failures = ordered.filter((r) => r.state === 'partial' || r.state === 'failed').length;
  // Every run there is, partial ones (cells that stopped mid-measure) included, in cell order.
  const runs = ordered.flatMap((r) => (r.state === 'completed' || r.state === 'partial' ? [r.run] : []));
  if (cancelled) io.err(`edgebench bench: cancelled; ${completedRuns} of ${total} cells had finished.`);

  const payload = many ? runs : runs[0];
  if (payload !== undefined && (!many || runs.length > 0)) {
    if (outFile) await writeJsonAtomic(path.resolve(outFile), payload);
    if (json) io.out(JSON.stringify(payload, null, 2));
  }
  if (cancelled) return 130;
  return failures > 0 ? 1 : 0;
}

/** The serial Rx/Tx log and board notices, on stderr when the user asked for them (EDGEBENCH_VERBOSE=1). */
function verboseLog(io: CommandIo, json: boolean): ((direction: 'rx' | 'tx' | 'info', text: string) => void) | undefined {
  if (process.env.EDGEBENCH_VERBOSE !== '1') return (direction, text) => (direction === 'info' && !json ? io.err(text) : undefined);
  return (direction, text) => io.err(`${direction} ${text}`);
}
