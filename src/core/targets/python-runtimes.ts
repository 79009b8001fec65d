/**
 * The 'python:*' runtimes on This computer: the user's own Python, found the way the PyTorch
 * import finds it ($EDGEBENCH_PYTHON, python3 and python on the PATH, the usual system places),
 * asked by the Python runner's own --probe which engines it serves (so the interpreter that
 * answers is the one that will run them), and driven over the same runner protocol as a board's.
 * Nothing here runs unless a cell names a 'python:*' runtime: a user without Python loses nothing.
 */
import { execFile } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { z } from 'zod';
import { StudioError } from '../../shared/errors';
import type { RuntimeName } from '../../shared/plugins/runtimes';
import { isPythonRuntime, RUNTIME_LABELS } from '../../shared/runtimes';
import { runLocalBenchmark, type LocalBenchJob } from '../bench/run-local-benchmark';
import type { MatrixHooks } from '../jobs/matrix';
import { pythonCandidates } from '../pytorch/find-python';
import type { RunnerSpawner } from '../runner/runner-spawner';
import { withCpuPinning } from './cpu-clusters';
import { localPinning, pinnedRunner, THIS_COMPUTER, type LocalCpuMachine } from './local-pinning';
import { readEdgeTpuCompilerLog } from './python-runtimes-accelerators';
import { findPythonRunnerScript, pythonRunnerSpawner } from './native-tools/python-spawner';

/** Importing TensorFlow or OpenVINO can take seconds on a cold disk. */
const PROBE_TIMEOUT_MS = 60_000;

/** What `edgebench_runner.py --probe` prints (the fields this side reads). */
const RunnerProbe = z.object({
  python: z.string(),
  executable: z.string(),
  /** Module → version, for every inference module it imported. */
  runtimes: z.record(z.string(), z.string()),
  unavailable: z.record(z.string(), z.string()),
  /** Module → what it can accelerate with here (providers, backends, devices, delegate libraries). */
  accelerators: z.record(z.string(), z.array(z.string())).default({}),
  /** Protocol runtime → "<module> <version>", for the runtimes this interpreter serves. */
  serves: z.record(z.string(), z.string()).default({}),
});

export interface LocalPython {
  /** The interpreter as tried. */
  path: string;
  probe: z.infer<typeof RunnerProbe> | null;
  /** Why it serves nothing: not found, did not answer. */
  problem: string | null;
}

/** One 'python:*' runtime this computer offers, with the interpreter and module that serve it and what it can accelerate with. */
export interface LocalPythonRuntime {
  runtime: Extract<RuntimeName, `python:${string}`>;
  label: string;
  /** "<module> <version>", as run files record it. */
  version: string;
  python: string;
  pythonVersion: string;
  accelerators: string[];
}

export function probeLocalPython(path: string, env: NodeJS.ProcessEnv = process.env, signal?: AbortSignal): Promise<LocalPython> {
  return new Promise((resolve) => {
    execFile(path, [findPythonRunnerScript(), '--probe'], { timeout: PROBE_TIMEOUT_MS, env, signal, windowsHide: true, maxBuffer: 1 << 20 }, (error, stdout) => {
      const line = String(stdout).trim().split('\n').pop() ?? '';
      let parsed: z.infer<typeof RunnerProbe> | null = null;
      try {
        const answer = RunnerProbe.safeParse(JSON.parse(line));
        if (answer.success) parsed = answer.data;
      } catch {
        // not JSON: an interpreter too old for the runner, or not Python at all; said below
      }
      if (parsed === null) {
        const why = error && 'code' in error && error.code === 'ENOENT' ? 'not found' : `did not answer the runner's probe (${error?.message.split('\n')[0] ?? 'no JSON on stdout'})`;
        resolve({ path, probe: null, problem: why });
        return;
      }
      resolve({ path, probe: parsed, problem: null });
    });
  });
}

/** Every 'python:*' runtime of the probed interpreters, the first interpreter serving each. */
export function offeredRuntimes(pythons: readonly LocalPython[]): LocalPythonRuntime[] {
  const offered = new Map<string, LocalPythonRuntime>();
  for (const python of pythons) {
    if (python.probe === null) continue;
    for (const [runtime, version] of Object.entries(python.probe.serves)) {
      if (!isPythonRuntime(runtime) || offered.has(runtime) || !(runtime in RUNTIME_LABELS)) continue;
      const module = version.split(' ')[0] ?? '';
      offered.set(runtime, {
        runtime,
        label: RUNTIME_LABELS[runtime],
        version,
        python: python.probe.executable,
        pythonVersion: python.probe.python,
        accelerators: python.probe.accelerators[module] ?? [],
      });
    }
  }
  return [...offered.values()];
}

/** Probes this computer's Pythons once per instance; the CLI makes one per command, the studio one per probe. */
export class LocalPythons {
  private probes: Promise<LocalPython[]> | null = null;

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  all(): Promise<LocalPython[]> {
    this.probes ??= Promise.all(distinctInterpreters(pythonCandidates(undefined, this.env)).map((path) => probeLocalPython(path, this.env)));
    return this.probes;
  }

  async runtimes(): Promise<LocalPythonRuntime[]> {
    return offeredRuntimes(await this.all());
  }

  /** The interpreter that serves `runtime`; RUNTIME in one sentence, naming each interpreter tried and why it did not, when none does. */
  async interpreterFor(runtime: Extract<RuntimeName, `python:${string}`>): Promise<string> {
    const pythons = await this.all();
    const found = offeredRuntimes(pythons).find((offer) => offer.runtime === runtime);
    if (found !== undefined) return found.python;
    const tried = pythons.map((p) => `${p.path}: ${p.problem ?? whyNot(p, runtime)}`).join('; ') || 'no python3 or python on the PATH';
    throw new StudioError(
      'RUNTIME',
      `${RUNTIME_LABELS[runtime]} cannot run on this computer: no Python here has it (tried ${tried}). Install it in your Python, or point EDGEBENCH_PYTHON at the interpreter that has it.`,
      { runtime },
    );
  }
}

/** One path per interpreter file (/bin/python3 and /usr/bin/python3 are one where /bin links to /usr/bin), in order. */
function distinctInterpreters(paths: readonly string[]): string[] {
  const seen = new Set<string>();
  return paths.filter((path) => {
    let real = path;
    try {
      real = realpathSync(path);
    } catch {
      // a path that does not resolve is still tried, and its probe says why it failed
    }
    if (seen.has(real)) return false;
    seen.add(real);
    return true;
  });
}

function whyNot(python: LocalPython, runtime: string): string {
  const engine = runtime.slice('python:'.length);
  const modules = engine === 'litert' ? ['ai_edge_litert', 'tflite_runtime', 'tensorflow'] : [engine];
  return modules.map((m) => python.probe?.unavailable[m]?.replace(/ for \S+ \(/, ' (') ?? `no ${m}`).join(', ');
}

/**
 * This computer as a matrix target: 'python:*' cells run in the Python runner under the
 * interpreter that serves them, every other cell in the studio's own runner; a cell with a CPU
 * selection runs pinned to those CPUs (local-pinning.ts), and a selection this computer cannot
 * meet is refused before the first cell.
 */
export function localTargetWithPython(nodeSpawner: RunnerSpawner, pythons: LocalPythons = new LocalPythons(), machine: LocalCpuMachine = THIS_COMPUTER): NonNullable<MatrixHooks['target']> {
  const spawnerFor = async (job: LocalBenchJob): Promise<RunnerSpawner> => {
    const runtime = job.runtime ?? 'onnxruntime';
    if (!isPythonRuntime(runtime)) return nodeSpawner;
    const log = job.settings.runtimeOptions.edgetpuCompilerLog;
    if (log !== '') readEdgeTpuCompilerLog(log); // a log that cannot be read is refused before the runner starts
    const pythonPath = await pythons.interpreterFor(runtime);
    return pythonRunnerSpawner({ pythonPath, scriptPath: findPythonRunnerScript() });
  };
  return {
    kind: 'local',
    name: 'This computer',
    runCell: async (job, opts) => {
      const pin = localPinning(job.settings.cpus, machine);
      const spawner = await spawnerFor(job);
      if (pin === undefined) return runLocalBenchmark(job, { ...opts, spawner });
      const pinned = pinnedRunner(spawner, pin);
      const measured = await runLocalBenchmark(job, { ...opts, spawner: pinned.spawner, environment: pinned.environment });
      return withCpuPinning(measured, pinned.record());
    },
    checkCells: (cells) => {
      for (const selection of new Set(cells.flatMap((cell) => (cell.cpus !== undefined ? [cell.cpus] : [])))) localPinning(selection, machine);
      return Promise.resolve();
    },
  };
}
