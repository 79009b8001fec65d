/**
 * Finds the user's own Python with torch, for exporting a PyTorch model to ONNX. Nothing of
 * Python is needed for anything else in the studio, so this runs only when a PyTorch file is
 * given. Each candidate is asked by resources/runners/python/export_pytorch.py --probe (the same
 * script that exports, so the interpreter that answers is the one that will run it); the answer
 * says which interpreter was used and why each one before it was passed over.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StudioError } from '../../shared/errors';
import { say, worded } from '../../shared/remedies';
import { findResourcesDir } from '../resources';
import { isExecutable } from '../targets/local-environment';

/** Importing torch takes 1–3 s on a warm disk; a first import from a cold disk can take far longer. */
const PROBE_TIMEOUT_MS = 60_000;
export const RESULT_PREFIX = 'EDGEBENCH_EXPORT ';

const SCRIPT_IN_TREE = fileURLToPath(new URL('../../../resources/runners/python/export_pytorch.py', import.meta.url));

/** The export script in the source tree, or in a build's resources folder. */
export function exportScriptPath(): string {
  return existsSync(SCRIPT_IN_TREE) ? SCRIPT_IN_TREE : join(findResourcesDir(), 'runners', 'python', 'export_pytorch.py');
}

export interface PythonProbe {
  /** The interpreter as tried (a PATH name resolved to its file). */
  path: string;
  /** sys.executable and version, when it ran. */
  executable?: string;
  pythonVersion?: string;
  torch: string | null;
  numpy: string | null;
  /** Why it cannot export: not found, did not run, no torch, no numpy. */
  problem: string | null;
}

export interface PythonChoice {
  chosen: PythonProbe;
  /** Every candidate tried before it, with the reason it was passed over. */
  passedOver: PythonProbe[];
}

/** Where to look, in order: the interpreter the user named, $EDGEBENCH_PYTHON, python3 and python on PATH, then the usual system places. */
export function pythonCandidates(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  if (explicit !== undefined) return [explicit];
  const names = process.platform === 'win32' ? ['python.exe', 'python3.exe'] : ['python3', 'python'];
  const onPath = (env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '')
    .flatMap((dir) => names.map((name) => join(dir, name)))
    .filter(isExecutable);
  const system = process.platform === 'win32' ? [] : ['/usr/bin/python3', '/usr/local/bin/python3', '/opt/homebrew/bin/python3'];
  const fromEnv = env.EDGEBENCH_PYTHON ? [env.EDGEBENCH_PYTHON] : [];
  return [...new Set([...fromEnv, ...onPath, ...system.filter(isExecutable)])];
}

interface ProbeAnswer {
  python?: string;
  pythonVersion?: string;
  torch?: string | null;
  torchError?: string;
  numpy?: string | null;
  numpyError?: string;
}

/** The last line of the script's stdout that carries its result, parsed. */
export function resultLine(stdout: string): unknown {
  const line = stdout
    .split('\n')
    .reverse()
    .find((l) => l.startsWith(RESULT_PREFIX));
  if (line === undefined) return undefined;
  try {
    return JSON.parse(line.slice(RESULT_PREFIX.length)) as unknown;
  } catch {
    return undefined;
  }
}

export function probePython(path: string, signal?: AbortSignal): Promise<PythonProbe> {
  return new Promise((resolve) => {
    execFile(path, [exportScriptPath(), '--probe'], { timeout: PROBE_TIMEOUT_MS, signal, windowsHide: true }, (error, stdout) => {
      const answer = resultLine(String(stdout)) as ProbeAnswer | undefined;
      if (answer === undefined) {
        const why = error && 'code' in error && error.code === 'ENOENT' ? 'not found' : `did not answer (${error?.message.split('\n')[0] ?? 'no output'})`;
        resolve({ path, torch: null, numpy: null, problem: why });
        return;
      }
      const torch = answer.torch ?? null;
      const numpy = answer.numpy ?? null;
      const problem = torch === null ? `no torch (${answer.torchError ?? 'import failed'})` : numpy === null ? `no numpy (${answer.numpyError ?? 'import failed'})` : null;
      resolve({ path, executable: answer.python, pythonVersion: answer.pythonVersion, torch, numpy, problem });
    });
  });
}

/** The first candidate with torch and numpy; a BAD_INPUT error listing what was tried when none has them. */
export async function findPythonWithTorch(explicit: string | undefined, signal?: AbortSignal): Promise<PythonChoice> {
  const passedOver: PythonProbe[] = [];
  for (const candidate of pythonCandidates(explicit)) {
    if (signal?.aborted) throw new StudioError('CANCELLED', 'Cancelled while looking for a Python with torch.');
    const probe = await probePython(candidate, signal);
    if (probe.problem === null) return { chosen: probe, passedOver };
    passedOver.push(probe);
  }
  const tried = passedOver.map((p) => `${p.path}: ${p.problem}`).join('; ') || 'no python3 or python on PATH';
  const advice =
    explicit !== undefined
      ? worded`${say('Pass another interpreter with --python', 'Choose another interpreter in the Python interpreter field')}, or install torch in this one (pip install torch).`
      : worded`Install torch in your Python (pip install torch, or apt install python3-torch), or ${say('pass the interpreter that has it with --python', 'give the interpreter that has it in the Python interpreter field')}.`;
  throw new StudioError('BAD_INPUT', worded`No Python with torch and numpy was found (tried ${tried}). ${advice}`, { flag: 'python' });
}
