/**
 * What ran where, on this side: edgetpu_compiler's output (recorded format: test/fixtures/accelerators,
 * written as the compiler prints it; no Edge TPU compiler or device exists here) parsed into ops on
 * the TPU vs the CPU and merged into a run's accelerator record; the local target offering each
 * 'python:*' runtime from the interpreters' probes; and the local target left alone without them.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilerLogOps, parseEdgeTpuCompilerLog, readEdgeTpuCompilerLog, runAccelerator } from '../../../src/core/targets/python-runtimes-accelerators';
import { localTargetWithPython, offeredRuntimes, type LocalPython } from '../../../src/core/targets/python-runtimes';
import type { RunnerSpawner } from '../../../src/core/runner/runner-spawner';
import { StudioError } from '../../../src/shared/errors';
import { RunAccelerator } from '../../../src/shared/runtimes';
import { RuntimeOptions } from '../../../src/shared/run-schema';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'accelerators');
const partial = join(FIXTURES, 'edgetpu-compiler-partial.txt');
const allMapped = join(FIXTURES, 'edgetpu-compiler-all-mapped.log');

describe("edgetpu_compiler's log (recorded format)", () => {
  it('the console output: version, subgraphs, the summary counts and every row of the operator table', () => {
    const log = readEdgeTpuCompilerLog(partial);
    expect(log.compilerVersion).toBe('16.0.384591198');
    expect(log.subgraphs).toBe(1);
    expect([log.onTpu, log.onCpu]).toEqual([10, 4]);
    expect(log.rows).toHaveLength(8);
    expect(log.rows[0]).toEqual({ opType: 'QUANTIZE', count: 1, status: 'Mapped to Edge TPU' });
    expect(compilerLogOps(log)).toEqual({
      source: 'edgetpu_compiler',
      onAccelerator: 10,
      onCpu: 4,
      cpuOps: [
        { opType: 'TRANSPOSE', count: 2, reason: 'Operation not supported' },
        { opType: 'SOFTMAX', count: 1, reason: 'More than one subgraph is not supported' },
        { opType: 'DEQUANTIZE', count: 1, reason: 'Operation is working on an unsupported data type' },
      ],
    });
  });

  it('the _edgetpu.log file, which has no summary lines: the counts come from the table', () => {
    const log = readEdgeTpuCompilerLog(allMapped);
    expect(log).toMatchObject({ compilerVersion: '16.0.384591198', subgraphs: null, onTpu: 5, onCpu: 0 });
    expect(compilerLogOps(log).cpuOps).toEqual([]);
  });

  it('a file that is not the compiler\'s log, or is missing, is refused in one sentence naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgebench-tpu-log-'));
    const other = join(dir, 'notes.txt');
    writeFileSync(other, 'Model compiled successfully in 12 ms.\n');
    expect(parseEdgeTpuCompilerLog('Model compiled successfully.')).toBeNull();
    for (const [file, words] of [
      [other, `The file '${other}' has no "Operator Count Status" table, so it is not edgetpu_compiler's log;`],
      [join(dir, 'gone.log'), `The Edge TPU compiler log '${join(dir, 'gone.log')}' cannot be read (ENOENT);`],
    ] as const) {
      let caught: unknown;
      try {
        readEdgeTpuCompilerLog(file);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(StudioError);
      expect((caught as StudioError).code).toBe('BAD_INPUT');
      expect((caught as StudioError).message.startsWith(words)).toBe(true);
    }
  });

  it("a run's record: the compiler's table replaces the interpreter's one custom op where the Edge TPU delegate ran", () => {
    const fromRunner = RunAccelerator.parse({
      requested: ['edgetpu'],
      used: ['edgetpu'],
      ops: { source: 'interpreter', onAccelerator: 1, onCpu: 3, cpuOps: [{ opType: 'TRANSPOSE', count: 2 }, { opType: 'SOFTMAX', count: 1 }] },
    });
    const options = RuntimeOptions.parse({ tfliteDelegate: 'edgetpu', edgetpuCompilerLog: partial });
    expect(runAccelerator(fromRunner, options)?.ops).toMatchObject({ source: 'edgetpu_compiler', onAccelerator: 10, onCpu: 4 });
    // No log given, another accelerator, or nothing from the runner: the runner's record as it is.
    expect(runAccelerator(fromRunner, RuntimeOptions.parse({ tfliteDelegate: 'edgetpu' }))).toEqual(fromRunner);
    const cuda = RunAccelerator.parse({ requested: ['CUDAExecutionProvider', 'CPUExecutionProvider'], used: ['CPUExecutionProvider'] });
    expect(runAccelerator(cuda, options)).toEqual(cuda);
    expect(runAccelerator(undefined, options)).toBeUndefined();
  });
});

describe("This computer's Python runtimes", () => {
  const probe = (path: string, serves: Record<string, string>, accelerators: Record<string, string[]> = {}): LocalPython => ({
    path,
    problem: null,
    probe: { python: '3.11.2', executable: path, runtimes: {}, unavailable: {}, accelerators, serves },
  });

  it('each python:* runtime comes from the first interpreter that serves it, with what its module accelerates with; the board runtime litert is not offered here', () => {
    const offered = offeredRuntimes([
      { path: '/nowhere/python3', probe: null, problem: 'not found' },
      probe('/usr/bin/python3', { litert: 'pyarmnn 22.0.0', 'python:pyarmnn': 'pyarmnn 22.0.0' }, { pyarmnn: ['CpuRef'] }),
      probe('/opt/venv/bin/python3', { 'python:pyarmnn': 'pyarmnn 23.08', 'python:onnxruntime': 'onnxruntime 1.20.1' }, { onnxruntime: ['CUDAExecutionProvider', 'CPUExecutionProvider'] }),
    ]);
    expect(offered).toEqual([
      { runtime: 'python:pyarmnn', label: 'Arm NN (Python)', version: 'pyarmnn 22.0.0', python: '/usr/bin/python3', pythonVersion: '3.11.2', accelerators: ['CpuRef'] },
      { runtime: 'python:onnxruntime', label: 'onnxruntime (Python)', version: 'onnxruntime 1.20.1', python: '/opt/venv/bin/python3', pythonVersion: '3.11.2', accelerators: ['CUDAExecutionProvider', 'CPUExecutionProvider'] },
    ]);
  });

  it("every job on This computer gets its target (Python cells, pinned cells); checking a job's CPU selections starts no runner and no Python", async () => {
    const spawner: RunnerSpawner = {
      spawn() {
        throw new Error('not started in this test');
      },
    };
    const target = localTargetWithPython(spawner);
    expect(target).toMatchObject({ kind: 'local', name: 'This computer' });
    await expect(target?.checkCells?.([])).resolves.toBeUndefined();
  });
});
