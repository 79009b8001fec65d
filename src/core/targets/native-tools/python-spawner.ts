/**
 * Starts the Python runner (resources/runners/python/edgebench_runner.py) as a local child
 * process, so RunnerClient drives it exactly like the Node runner. Over SSH the same script is
 * uploaded and exec'd by the SSH layer; this spawner is for this computer and for tests.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StudioError } from '../../../shared/errors';
import { findResourcesDir } from '../../resources';
import { forEachLine, type RunnerExit, type RunnerSpawner } from '../../runner/runner-spawner';

/** The runner script in the source tree; a packaged studio passes its own copy's path. */
export const PYTHON_RUNNER_SCRIPT = fileURLToPath(new URL('../../../../resources/runners/python/edgebench_runner.py', import.meta.url));

/**
 * The runner script wherever this code runs from: the source tree, or a build (out/main), whose
 * resources folder findResourcesDir finds by walking up. A packaged app may still pass its own.
 */
export function findPythonRunnerScript(): string {
  return existsSync(PYTHON_RUNNER_SCRIPT) ? PYTHON_RUNNER_SCRIPT : join(findResourcesDir(), 'runners', 'python', 'edgebench_runner.py');
}

/** The runner's modules beside its entry script: edgebench_runner.py imports them from its own folder. */
const RUNNER_MODULE = /^edgebench_[a-z0-9_]+\.py$/;

/**
 * Every file of the Python runner, which a board needs together in one folder: the entry script
 * and its edgebench_*.py modules (export_pytorch.py, the PyTorch exporter, is not part of it).
 */
export function pythonRunnerFiles(scriptPath: string = findPythonRunnerScript()): string[] {
  const dir = dirname(scriptPath);
  const modules = readdirSync(dir).filter((name) => RUNNER_MODULE.test(name) && name !== basename(scriptPath)).sort();
  return [scriptPath, ...modules.map((name) => join(dir, name))];
}

/** A short hash of the runner's files (names and bytes), naming its folder in a board's cache so a changed runner is sent again. */
export function pythonRunnerDigest(files: readonly string[]): string {
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${basename(file)}\0`).update(readFileSync(file)).update('\0');
  return hash.digest('hex').slice(0, 16);
}

export interface PythonSpawnerOptions {
  /** The interpreter, e.g. '/usr/bin/python3'. */
  pythonPath: string;
  /** Default: PYTHON_RUNNER_SCRIPT. */
  scriptPath?: string;
  /** Environment of the child; default process.env. */
  env?: NodeJS.ProcessEnv;
}

export function pythonRunnerSpawner(options: PythonSpawnerOptions): RunnerSpawner {
  const scriptPath = options.scriptPath ?? PYTHON_RUNNER_SCRIPT;
  return {
    spawn() {
      if (!existsSync(scriptPath)) {
        throw new StudioError('RUNNER', `The Python runner script '${scriptPath}' does not exist; reinstall the studio or pass the path of edgebench_runner.py.`, {
          file: scriptPath,
        });
      }
      // -u: unbuffered, so each reply leaves as soon as it is written even if the script's own flush is skipped.
      const child = spawn(options.pythonPath, ['-u', scriptPath], { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env, windowsHide: true });
      const listeners = { stdout: [] as ((line: string) => void)[], stderr: [] as ((line: string) => void)[] };
      const emit = (stream: 'stdout' | 'stderr', line: string): void => {
        for (const listener of listeners[stream]) listener(line);
      };
      forEachLine(child.stdout, (line) => emit('stdout', line));
      forEachLine(child.stderr, (line) => emit('stderr', line));
      child.stdin.on('error', (error) => emit('stderr', `(writing to the Python runner failed: ${error.message})`));
      const exited = new Promise<RunnerExit>((resolve) => {
        child.once('close', (code, signal) => resolve({ code, signal }));
        child.once('error', (error) => {
          // ENOENT here means the interpreter itself is missing: say which one.
          emit('stderr', `(the Python runner could not be started with '${options.pythonPath}': ${error.message})`);
          if (child.pid === undefined) resolve({ code: null, signal: null });
        });
      });
      return {
        pid: child.pid,
        send(line) {
          if (child.stdin.writable) child.stdin.write(`${line}\n`);
        },
        onLine(stream, listener) {
          listeners[stream].push(listener);
        },
        exited,
        kill(signal = 'SIGKILL') {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        },
      };
    },
  };
}
