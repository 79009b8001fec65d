/**
 * What the Python runner tests need on this machine: Debian's python3 with numpy and pyarmnn
 * (Arm NN 20.08's TFLite parser, CpuRef backend). A missing piece fails the test naming the
 * Debian package to install; it is never skipped (CI installs them in .ci/run).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeTfliteModel } from '../../../src/core/formats/tflite/tflite-writer';
import { pythonRunnerSpawner } from '../../../src/core/targets/native-tools/python-spawner';
import type { RunnerSpawner } from '../../../src/core/runner/runner-spawner';

/** Debian's own interpreter: the pyenv python3 on the PATH does not see Debian's packages. */
export const PYTHON = '/usr/bin/python3';
export const root = join(import.meta.dirname, '..', '..', '..');
export const demoModel = join(root, 'resources', 'models', 'demo-mnist.tflite');

/** Throws a message naming the apt package when the interpreter or a module is missing. */
export function requirePythonWithPyarmnn(): void {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: install Debian's python3 (apt-get install -y python3 python3-numpy python3-pyarmnn).`);
  for (const [module, pkg] of [
    ['numpy', 'python3-numpy'],
    ['pyarmnn', 'python3-pyarmnn'],
  ] as const) {
    const probe = spawnSync(PYTHON, ['-c', `import ${module}`], { encoding: 'utf8' });
    if (probe.status !== 0) throw new Error(`${PYTHON} cannot import ${module}: install it with apt-get install -y ${pkg}. (${probe.stderr.trim().split('\n').pop() ?? ''})`);
  }
}

/** A spawner that also keeps every stdout line the runner wrote, to validate them all afterwards. */
export function recordingSpawner(): { spawner: RunnerSpawner; stdoutLines: string[] } {
  const stdoutLines: string[] = [];
  const inner = pythonRunnerSpawner({ pythonPath: PYTHON });
  return {
    stdoutLines,
    spawner: {
      spawn() {
        const child = inner.spawn();
        child.onLine('stdout', (line) => stdoutLines.push(line));
        return child;
      },
    },
  };
}

const dir = mkdtempSync(join(tmpdir(), 'edgebench-python-runner-'));

export function writeFile(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** y = x · Wᵀ + b, x: float32 [1, 4], W: [3, 4]: one FULLY_CONNECTED op, which Arm NN 20.08's CpuRef runs. */
export function writeFullyConnectedModel(): string {
  const bytes = encodeTfliteModel({
    description: 'y = x W^T + b',
    subgraphName: 'main',
    tensors: [
      { name: 'x', type: 'float32', shape: [1, 4] },
      { name: 'W', type: 'float32', shape: [3, 4], data: Float32Array.from({ length: 12 }, (_, i) => i / 10) },
      { name: 'b', type: 'float32', shape: [3], data: new Float32Array([0.5, -0.5, 1]) },
      { name: 'y', type: 'float32', shape: [1, 3] },
    ],
    inputs: ['x'],
    outputs: ['y'],
    operators: [{ op: 'FULLY_CONNECTED', inputs: ['x', 'W', 'b'], outputs: ['y'] }],
  });
  return writeFile('fc.tflite', bytes);
}
