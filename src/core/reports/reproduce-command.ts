/**
 * The `edgebench bench` command line that repeats a run, built from its recorded settings. The
 * flags that decide how much is measured (--runs, --warmup, --warmup-time, --min-time,
 * --max-time, --threads, --runtime, --mode) are always written, so the line still means the same
 * run after a default changes; runtime options and inputs only when they differ from the default,
 * so the line stays readable.
 */
import { DEFAULT_BENCH_SETTINGS } from '../../shared/bench-defaults';
import { RuntimeName, type RunFile } from '../../shared/run-schema';

/** The model's file as the user passed it: bench names a run after the file without its extension. */
export function modelFileName(run: RunFile): string {
  switch (run.model.format) {
    case 'onnx':
      return `${run.model.name}.onnx`;
    case 'tflite':
      return `${run.model.name}.tflite`;
    case 'tfjs':
      // A TF.js model is named after its folder, and its file is always model.json.
      return `${run.model.name}/model.json`;
  }
}

/** Quotes a word for POSIX shells only when it needs it. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function reproduceArgs(run: RunFile): string[] {
  const s = run.settings;
  const d = DEFAULT_BENCH_SETTINGS;
  const o = s.runtimeOptions;
  const args = [
    'bench',
    modelFileName(run),
    '--runs',
    String(s.runs),
    '--warmup',
    String(s.warmupRuns),
    '--warmup-time',
    String(s.warmupMinTimeMs),
    '--min-time',
    String(s.minTimeMs),
    '--max-time',
    String(s.maxTimeMs),
    '--threads',
    String(s.threads),
    // Boards' own runtimes (tflite-micro, MLPerf firmware) are chosen by the target, not by --runtime.
    ...(RuntimeName.safeParse(run.runtime.name).success ? ['--runtime', run.runtime.name] : []),
    '--mode',
    s.mode,
  ];
  const optional = (flag: string, value: string | number, isDefault: boolean): void => {
    if (!isDefault) args.push(flag, String(value));
  };
  if (s.freshInputs) args.push('--fresh-inputs');
  if (run.target.kind === 'ssh' && !s.nativeTools) args.push('--no-native-tools');
  if (run.runtime.name === 'onnxruntime') {
    optional('--graph-opt', o.graphOptimizationLevel, o.graphOptimizationLevel === d.runtimeOptions.graphOptimizationLevel);
    optional('--execution-mode', o.executionMode, o.executionMode === d.runtimeOptions.executionMode);
    optional('--inter-op-threads', o.interOpThreads, o.interOpThreads === d.runtimeOptions.interOpThreads);
    optional('--profile-runs', s.profileRuns, s.profileRuns === d.profileRuns);
  }
  if (run.runtime.name === 'tfjs') optional('--tfjs-backend', o.tfjsBackend, o.tfjsBackend === d.runtimeOptions.tfjsBackend);
  // The settings hold the sizes the run used, saved ones included: the line repeats the run without the workspace.
  for (const [name, dims] of Object.entries(s.shapes)) args.push('--shape', `${name}=${dims.join('x')}`);
  for (const [name, size] of Object.entries(s.dims)) args.push('--dim', `${name}=${size}`);
  for (const [name, value] of Object.entries(s.values)) args.push('--value', `${name}=${value}`);
  // The target as the CLI takes it; older runs without a spec name the target (its spec is on the Targets page).
  if (run.target.kind !== 'local') args.push('--target', run.target.spec ?? run.target.name);
  return args;
}

/** e.g. `edgebench bench demo-mnist.onnx --runs 100 --warmup 10 --threads 0 --runtime onnxruntime --mode quick` */
export function reproduceCommand(run: RunFile): string {
  return ['edgebench', ...reproduceArgs(run).map(shellQuote)].join(' ');
}
