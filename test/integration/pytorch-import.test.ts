/**
 * The studio's PyTorch import (models.importPytorch) through the contract, on a real workspace
 * with Debian's python3-torch: the uploaded Python file is exported by the user's Python, the
 * model lands in the workspace as ONNX at the sizes the user gave, the exporter's log reaches the
 * UI as progress, and a bad file is refused in the dialog's words (its fields, not the CLI's
 * flags) with nothing added to the workspace. Under CI=true a missing torch fails by name.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioApi } from '../../src/shared/contract';
import { toErrorData } from '../../src/shared/errors';
import { messageFor } from '../../src/shared/remedies';
import { createApiClient } from '../../src/shared/rpc';
import { directTransport } from '../../src/core/direct-transport';
import { nodeForkSpawner } from '../../src/core/runner/runner-client';
import { openStudio, type Studio } from '../../src/core/studio';
import { nodeWorkerSpawner } from '../../src/core/workers/run-worker';
import { PYTHON } from './python-runner/python-env';

const TIMEOUT = 120_000;
const TINY_NET = `
import torch
class TinyNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 4, 3, padding=1)
        self.fc = torch.nn.Linear(4, 3)
    def forward(self, x):
        print("TinyNet.forward ran")
        return self.fc(torch.relu(self.conv(x)).mean(dim=(2, 3)))
`;
const TWO_NETS = 'import torch\nclass A(torch.nn.Module):\n    def forward(self, x): return x * 2\nclass B(torch.nn.Module):\n    def forward(self, x): return x + 1\n';

let dir: string;
let studio: Studio;
let api: StudioApi;

const upload = (name: string, text: string) => ({ name, dataBase64: Buffer.from(text).toString('base64') });

async function uiMessageOf(promise: Promise<unknown>): Promise<{ code: string; text: string }> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, 'the import was expected to be refused').not.toBeNull();
  const data = toErrorData(error);
  return { code: data.code, text: messageFor(data, 'ui') };
}

beforeAll(async () => {
  execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'pipe' }); // python3-torch is installed (.ci/run)
  dir = mkdtempSync(path.join(os.tmpdir(), 'edgebench-pytorch-import-'));
  studio = await openStudio({ workspaceDir: dir, seedDemo: false, runnerSpawner: nodeForkSpawner(), workerSpawner: nodeWorkerSpawner() });
  api = createApiClient(directTransport(studio));
});

afterAll(async () => {
  await studio?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('models.importPytorch', () => {
  it('exports the uploaded nn.Module with the Python that has torch, imports it as ONNX at the given sizes, and streams the log', async () => {
    const log: string[] = [];
    const off = api.on('task.progress', (event) => {
      if (event.task === 'importPytorch') log.push(event.message);
    });
    const result = await api.models.importPytorch({ file: upload('tiny_net.py', TINY_NET), inputShapes: [[1, 1, 12, 12]], python: PYTHON });
    off();
    expect(result.model.info.format).toBe('onnx');
    expect(result.model.name).toMatch(/tiny_net/);
    expect(result.model.info.inputs.map((i) => i.shape)).toEqual([[1, 1, 12, 12]]);
    expect(result.inputsFrom).toBe('the Input sizes field');
    expect(result.python.path).toBe(PYTHON);
    expect(result.python.torch).toMatch(/^\d+\.\d+/);
    expect(result.parity.ok).toBe(true);
    expect(result.parity.outputs[0]!.cosine).toBeGreaterThan(0.999);
    expect(log).toContain('TinyNet.forward ran'); // the file's own print reached the UI as it ran
    expect(result.log).toContain('TinyNet.forward ran');
    expect((await api.models.list({})).map((m) => m.id)).toEqual([result.model.id]);
  }, TIMEOUT);

  it('refuses bad input in the dialog\'s words and adds nothing to the workspace', async () => {
    const before = (await api.models.list({})).length;
    const noSizes = await uiMessageOf(api.models.importPytorch({ file: upload('tiny_net.py', TINY_NET), python: PYTHON }));
    expect(noSizes.code).toBe('BAD_INPUT');
    expect(noSizes.text).toMatch(/input sizes are not known: fill in the Input sizes field/);
    expect(noSizes.text).not.toMatch(/--/);

    const several = await uiMessageOf(api.models.importPytorch({ file: upload('two_nets.py', TWO_NETS), inputShapes: [[1, 2]], python: PYTHON }));
    expect(several.text).toMatch(/several nn\.Modules \(A, B\); type which one in the Module class field/);

    const unknown = await uiMessageOf(api.models.importPytorch({ file: upload('two_nets.py', TWO_NETS), inputShapes: [[1, 2]], module: 'C', python: PYTHON }));
    expect(unknown.text).toMatch(/no nn\.Module named C \(it defines: A, B\); type one of those in the Module class field/);

    const noPython = await uiMessageOf(api.models.importPytorch({ file: upload('tiny_net.py', TINY_NET), inputShapes: [[1, 1, 4, 4]], python: '/nonexistent/python3' }));
    expect(noPython.text).toMatch(/No Python with torch and numpy was found \(tried \/nonexistent\/python3: not found\)\. Choose another interpreter in the Python interpreter field/);

    const notTorch = await uiMessageOf(api.models.importPytorch({ file: upload('model.onnx', 'not a model'), inputShapes: [[1]] }));
    expect(notTorch.text).toMatch(/'model\.onnx' is not a PyTorch file/);

    // The error names the uploaded file, not the scratch folder it was exported from.
    const broken = await uiMessageOf(api.models.importPytorch({ file: upload('broken.py', 'raise RuntimeError("does not build")\n'), inputShapes: [[1]], python: PYTHON }));
    expect(broken.text).toMatch(/Running 'broken\.py' failed \(RuntimeError: does not build\)/);
    expect(broken.text).not.toContain(os.tmpdir());

    expect((await api.models.list({})).length).toBe(before);
    expect(readdirSync(os.tmpdir()).filter((name) => name.startsWith('edgebench-torch-import-'))).toEqual([]);
  }, TIMEOUT);
});
