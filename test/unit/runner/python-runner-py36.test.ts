/**
 * The Python runner stays loadable on Python 3.6 (JetPack 4's): every module of it parses under
 * 3.6's grammar (ast.parse with feature_version, which refuses f-strings' '=', the walrus,
 * positional-only parameters and later syntax), and none uses an API 3.6 lacks that the runner has met.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPythonRunnerScript, pythonRunnerFiles } from '../../../src/core/targets/native-tools/python-spawner';

const PYTHON = '/usr/bin/python3';
const files = pythonRunnerFiles(findPythonRunnerScript());

describe('the Python runner on Python 3.6', () => {
  it('is the entry script and its modules', () => {
    expect(files.map((file) => basename(file))).toEqual([
      'edgebench_runner.py',
      'edgebench_armnn.py',
      'edgebench_inputs.py',
      'edgebench_machine.py',
      'edgebench_onnx.py',
      'edgebench_openvino.py',
      'edgebench_protocol.py',
      'edgebench_runtimes.py',
      'edgebench_session.py',
      'edgebench_tflite.py',
    ]);
  });

  it.each(files.map((file) => [basename(file), file]))("%s parses under Python 3.6's grammar", (_name, file) => {
    const script = 'import ast, sys\nsource = open(sys.argv[1], encoding="utf-8").read()\nast.parse(source, filename=sys.argv[1], feature_version=(3, 6))\nprint("ok")';
    expect(execFileSync(PYTHON, ['-c', script, file], { encoding: 'utf8' }).trim()).toBe('ok');
  });

  it('uses no call that arrived after 3.6 (time.perf_counter_ns only through its fallback)', () => {
    for (const file of files) {
      const source = readFileSync(file, 'utf8');
      // 3.7+: dataclasses, importlib.resources, contextlib.nullcontext; 3.8+: shlex.join, math.prod; 3.9+: str.removeprefix.
      expect(source, basename(file)).not.toMatch(/\bimport dataclasses\b|importlib\.resources|nullcontext|shlex\.join|math\.prod|\.removeprefix\(|\.removesuffix\(/);
      expect(source.replace("getattr(time, 'perf_counter_ns', None)", ''), basename(file)).not.toMatch(/perf_counter_ns\(/);
    }
  });
});
