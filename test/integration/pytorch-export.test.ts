/**
 * PyTorch in, as a user runs it: `edgebench convert FILE --to onnx` with Debian's python3-torch
 * (the user's own Python and torch; the studio ships none). The exported file is read back by an
 * independent reader (Debian's python3-onnx: onnx.checker and its node list), and the parity check
 * compares torch's outputs with onnxruntime's. Under CI=true a missing torch fails by name.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PYTHON } from './python-runner/python-env';
import { runCli } from '../helpers/run-cli';

let dir: string;
const TIMEOUT = 120_000;

/** A small convolutional classifier with BatchNorm (folded by torch's exporter) and two outputs' worth of ops. */
const NET_PY = `
import torch
class SmallNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 8, 3, padding=1)
        self.bn = torch.nn.BatchNorm2d(8)
        self.pool = torch.nn.AdaptiveAvgPool2d(1)
        self.fc = torch.nn.Linear(8, 5)
    def forward(self, x):
        print("SmallNet.forward ran")
        y = self.pool(torch.relu(self.bn(self.conv(x)))).flatten(1)
        return torch.softmax(self.fc(y), dim=1)
`;

function onnxFacts(file: string): { ops: string[]; inputs: Array<{ name: string; dims: number[] }> } {
  const script = [
    'import json, sys, onnx',
    'm = onnx.load(sys.argv[1]); onnx.checker.check_model(m)',
    'dims = lambda v: [d.dim_value for d in v.type.tensor_type.shape.dim]',
    'print(json.dumps({"ops": [n.op_type for n in m.graph.node], "inputs": [{"name": i.name, "dims": dims(i)} for i in m.graph.input]}))',
  ].join('\n');
  return JSON.parse(execFileSync(PYTHON, ['-c', script, file], { encoding: 'utf8' })) as { ops: string[]; inputs: Array<{ name: string; dims: number[] }> };
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'edgebench-pytorch-'));
  execFileSync(PYTHON, ['-c', 'import torch, onnx'], { stdio: 'pipe' }); // python3-torch and python3-onnx are installed (.ci/run)
  writeFileSync(path.join(dir, 'small_net.py'), NET_PY);
  writeFileSync(path.join(dir, 'two_nets.py'), 'import torch\nclass A(torch.nn.Module):\n    def forward(self, x): return x * 2\nclass B(torch.nn.Module):\n    def forward(self, x): return x + 1\n');
  writeFileSync(path.join(dir, 'broken.py'), 'import torch\nraise RuntimeError("this file does not build")\n');
  // A TorchScript archive as torch.jit.save writes it (traced: scripting needs the class's source file).
  execFileSync(PYTHON, ['-c', `${NET_PY}\nm = torch.jit.trace(SmallNet().eval(), torch.rand(1, 3, 8, 8))\ntorch.jit.save(m, ${JSON.stringify(path.join(dir, 'small_net.pt'))})`], { stdio: 'pipe' });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('edgebench convert MODEL --to onnx (PyTorch)', () => {
  it('exports a Python nn.Module: python3-onnx reads a valid model, the parity check agrees with torch, the log is shown', async () => {
    const out = path.join(dir, 'small_net.onnx');
    const result = await runCli(['convert', path.join(dir, 'small_net.py'), '--to', 'onnx', '--input-shape', '1,3,16,16', '--python', PYTHON, '--out', out], { timeoutMs: TIMEOUT });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Python: \/usr\/bin\/python3 \(Python 3\.\d+\.\d+, torch \d/m);
    expect(result.stdout).toContain('Model: SmallNet() from');
    expect(result.stdout).toMatch(/inputs given \(--input-shape\)/);
    expect(result.stdout).toMatch(/Parity \(onnxruntime [\d.]+ against torch [^)]+, same seeded inputs\): ok/);
    const cosine = Number(/output_0: cosine ([\d.]+)/.exec(result.stdout)?.[1]);
    expect(cosine).toBeGreaterThanOrEqual(0.999);
    expect(result.stderr).toContain('| SmallNet.forward ran'); // the file's own print reaches the exporter's log, not the result
    const facts = onnxFacts(out);
    expect(facts.inputs).toEqual([{ name: 'input_0', dims: [1, 3, 16, 16] }]);
    expect(facts.ops).toContain('Conv');
    expect(facts.ops).not.toContain('BatchNormalization'); // folded into the Conv by the exporter's constant folding
    expect(facts.ops).toContain('Softmax');
  }, TIMEOUT);

  it('exports a TorchScript file, and --json carries the chosen Python and the parity figures', async () => {
    const out = path.join(dir, 'small_net_ts.onnx');
    const result = await runCli(['convert', path.join(dir, 'small_net.pt'), '--to', 'onnx', '--input-shape', '2x3x8x8', '--python', PYTHON, '--out', out, '--json'], { timeoutMs: TIMEOUT });
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as { kind: string; python: { chosen: { torch: string } }; parity: { ok: boolean; outputs: Array<{ cosine: number }> }; outputs: Array<{ shape: number[] }> };
    expect(json.kind).toBe('torchscript');
    expect(json.python.chosen.torch).toMatch(/^\d/);
    expect(json.outputs[0]?.shape).toEqual([2, 5]);
    expect(json.parity.ok).toBe(true);
    expect(json.parity.outputs[0]?.cosine).toBeGreaterThanOrEqual(0.999);
    expect(onnxFacts(out).inputs[0]?.dims).toEqual([2, 3, 8, 8]);
  }, TIMEOUT);

  it('finds the Python that has torch on its own, naming each interpreter it passed over and why', async () => {
    const bin = path.join(dir, 'bin');
    execFileSync('mkdir', ['-p', bin]);
    // An interpreter earlier on PATH that cannot import torch, as pyenv's or a venv's python3 often is.
    writeFileSync(path.join(bin, 'python3'), `#!/bin/sh\nexec ${PYTHON} -c 'import sys; sys.modules["torch"] = None; sys.argv = sys.argv[1:]; exec(open(sys.argv[0]).read())' "$@"\n`);
    chmodSync(path.join(bin, 'python3'), 0o755);
    const out = path.join(dir, 'found.onnx');
    const result = await runCli(['convert', path.join(dir, 'small_net.py'), '--to', 'onnx', '--input-shape', '1,3,8,8', '--out', out], {
      env: { PATH: `${bin}:/usr/bin:/bin`, EDGEBENCH_PYTHON: '' },
      timeoutMs: TIMEOUT,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`passed over ${path.join(bin, 'python3')}: no torch`);
    expect(result.stdout).toMatch(/^Python: \/usr\/bin\/python3/m);
    expect(existsSync(out)).toBe(true);
  }, TIMEOUT);

  it('bad input gets one sentence and exit 2, and writes nothing', async () => {
    const out = path.join(dir, 'never.onnx');
    const py = ['--python', PYTHON];
    const cases: Array<{ args: string[]; says: RegExp }> = [
      { args: [path.join(dir, 'small_net.py'), ...py], says: /input sizes are not known: pass --input-shape/ },
      { args: [path.join(dir, 'two_nets.py'), '--input-shape', '1,2', ...py], says: /defines several nn\.Modules \(A, B\); say which with --module/ },
      { args: [path.join(dir, 'two_nets.py'), '--input-shape', '1,2', '--module', 'C', ...py], says: /no nn\.Module named C \(it defines: A, B\)/ },
      { args: [path.join(dir, 'broken.py'), '--input-shape', '1,2', ...py], says: /Running 'broken\.py' failed \(RuntimeError: this file does not build\)/ },
      { args: [path.join(dir, 'small_net.py'), '--input-shape', '1,three', ...py], says: /--input-shape expects positive sizes/ },
      { args: [path.join(dir, 'small_net.py'), '--input-shape', '1,3,8,8', '--python', '/nonexistent/python3'], says: /No Python with torch and numpy was found \(tried \/nonexistent\/python3: not found\)/ },
      { args: [path.join(dir, 'model.onnx'), ...py], says: /converts a PyTorch file/ },
    ];
    for (const { args, says } of cases) {
      const result = await runCli(['convert', ...args, '--to', 'onnx', '--out', out], { timeoutMs: TIMEOUT });
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr).toMatch(says);
      expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
    expect(existsSync(out)).toBe(false);
  }, TIMEOUT * 2);
});
