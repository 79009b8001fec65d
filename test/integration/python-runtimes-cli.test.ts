/**
 * `edgebench bench --runtime python:*` on This computer, for real: Debian's /usr/bin/python3 has
 * python3-pyarmnn (Arm NN's CpuRef backend on x86), so the demo TFLite model runs in LiteRT.js and
 * in Arm NN side by side, each run saying what ran; a Python runtime no interpreter here has
 * (onnxruntime) fails its cell in one sentence naming every interpreter tried, and the other cells
 * still run; a bad compiler log or an option for a runtime not in use is exit 2 before any runner.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/run-cli';
import { requirePythonWithPyarmnn } from './python-runner/python-env';

const TFLITE = path.join(repoRoot, 'resources/models/demo-mnist.tflite');
const ONNX = path.join(repoRoot, 'resources/models/demo-mnist.onnx');
const SHORT = ['--runs', '20', '--warmup', '2', '--warmup-time', '0', '--profile-runs', '0', '--threads', '1'];
const ENV = { EDGEBENCH_PYTHON: '/usr/bin/python3' };

interface RunJson {
  runtime: { name: string; version: string; backend: string; threads: number };
  latencyMs: { count: number; median: number };
  accelerator?: { requested: string[]; used: string[]; unavailable: Array<{ name: string; reason: string }> };
}

describe('edgebench bench with Python runtimes on This computer', () => {
  it('LiteRT.js and Arm NN (python:pyarmnn, CpuRef) in one matrix, each labelled with what ran', async () => {
    requirePythonWithPyarmnn();
    const result = await runCli(['bench', TFLITE, '--runtime', 'litert,python:pyarmnn', '--armnn-backend', 'CpuRef', ...SHORT, '--json'], { env: ENV, timeoutMs: 180_000 });
    expect(result.code, result.stderr).toBe(0);
    const runs = JSON.parse(result.stdout) as RunJson[];
    expect(runs.map((run) => run.runtime.name)).toEqual(['litert', 'python:pyarmnn']);
    const [wasm, armnn] = runs as [RunJson, RunJson];
    expect(wasm.runtime.backend).toBe('wasm (XNNPACK)');
    expect(wasm.accelerator).toBeUndefined();
    expect(armnn.runtime).toMatchObject({ version: expect.stringMatching(/^pyarmnn \d+\.\d+\.\d+$/) as string, backend: 'pyarmnn CpuRef', threads: 1 });
    expect(armnn.accelerator).toEqual({ requested: ['CpuRef'], used: ['CpuRef'], unavailable: [] });
    expect(armnn.latencyMs.count).toBe(20);
    expect(armnn.latencyMs.median).toBeGreaterThan(0);
  });

  it('the human output says what ran on the accelerator line', async () => {
    requirePythonWithPyarmnn();
    const result = await runCli(['bench', TFLITE, '--runtime', 'python:pyarmnn', ...SHORT], { env: ENV, timeoutMs: 120_000 });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/on This computer: python:pyarmnn pyarmnn \d+\.\d+\.\d+ \(pyarmnn CpuRef\), threads 1/);
    expect(result.stdout).toContain('  accelerator: ran on CpuRef (asked for CpuAcc, CpuRef)\n  accelerator: CpuAcc not used: not in this Arm NN build (it has CpuRef)');
  });

  it('a Python runtime no interpreter here has fails its cell in one sentence; the ONNX cell on onnxruntime-node still runs', async () => {
    const result = await runCli(['bench', ONNX, '--runtime', 'onnxruntime,python:onnxruntime', ...SHORT, '--json'], { env: ENV, timeoutMs: 180_000 });
    expect(result.code).toBe(1);
    const runs = JSON.parse(result.stdout) as RunJson[];
    expect(runs.map((run) => run.runtime.name)).toEqual(['onnxruntime']);
    expect(result.stderr).toMatch(
      /onnxruntime \(Python\) cannot run on this computer: no Python here has it \(tried \/usr\/bin\/python3: onnxruntime is not installed \(No module named 'onnxruntime'\)[^]*\)\. Install it in your Python, or point EDGEBENCH_PYTHON at the interpreter that has it\./,
    );
  });

  it('refused before any runner starts, exit 2: a compiler log that cannot be read, an option for a runtime not in use', async () => {
    const log = await runCli(['bench', TFLITE, '--runtime', 'python:litert', '--edgetpu-compiler-log', '/nonexistent/model_edgetpu.log', ...SHORT], { env: ENV });
    expect(log.code).toBe(2);
    expect(log.stderr.trim()).toBe("edgebench bench: The Edge TPU compiler log '/nonexistent/model_edgetpu.log' cannot be read (ENOENT); give the _edgetpu.log file edgetpu_compiler wrote, or its saved output.");
    const option = await runCli(['bench', TFLITE, '--armnn-backend', 'CpuAcc', ...SHORT], { env: ENV });
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/--armnn-backend/);
  });
});
