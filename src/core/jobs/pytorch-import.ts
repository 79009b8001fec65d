/**
 * The studio's PyTorch import (models.importPytorch): the uploaded file is exported to ONNX by the
 * user's own Python and torch (pytorch/export-pytorch.ts, the same path as `edgebench convert
 * --to onnx`), checked against torch, and the ONNX file imported like any other model. The upload
 * and the scratch ONNX live in a temporary folder that is always removed; only the imported model
 * stays in the workspace.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import type { PytorchImportRequest, PytorchImportResult } from '../../shared/contract';
import { StudioError } from '../../shared/errors';
import { exportPytorchToOnnx } from '../pytorch/export-pytorch';
import { isPytorchFileName, PYTORCH_EXTENSIONS } from '../../shared/pytorch-files';
import { importModel, safeFileName } from '../workspace/model-store';
import type { Workspace } from '../workspace/workspace';

/** How the exporter says where the sizes came from, in the dialog's words. */
function inputsFromInUi(inputsFrom: string): string {
  return inputsFrom.includes('--input-shape') ? 'the Input sizes field' : inputsFrom;
}

export async function importPytorchModel(
  workspace: Workspace,
  request: PytorchImportRequest,
  options: { signal?: AbortSignal; onLog?: (line: string) => void } = {},
): Promise<PytorchImportResult> {
  const name = safeFileName(request.file.name);
  if (!isPytorchFileName(name)) {
    throw new StudioError('BAD_INPUT', `'${request.file.name}' is not a PyTorch file the studio exports (${PYTORCH_EXTENSIONS.join(', ')}); choose a TorchScript file or the .py file that defines the model.`, { file: request.file.name });
  }
  const dir = mkdtempSync(join(tmpdir(), 'edgebench-torch-import-'));
  try {
    writeFileSync(join(dir, name), Buffer.from(request.file.dataBase64, 'base64'));
    const onnxName = `${basename(name, extname(name))}.onnx`;
    const exported = await exportPytorchToOnnx({
      source: name,
      cwd: dir,
      out: join(dir, 'export', onnxName),
      inputShapes: request.inputShapes,
      ...(request.module !== undefined ? { module: request.module } : {}),
      ...(request.python !== undefined ? { python: request.python } : {}),
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
      ...(options.onLog !== undefined ? { onLog: options.onLog } : {}),
    });
    const model = await importModel(workspace, [{ name: onnxName, data: new Uint8Array(readFileSync(exported.out)) }]);
    return {
      model,
      python: { path: exported.python.chosen.path, torch: exported.python.chosen.torch ?? '' },
      passedOver: exported.python.passedOver.map((probe) => ({ path: probe.path, problem: probe.problem ?? '' })),
      inputsFrom: inputsFromInUi(exported.inputsFrom),
      inputs: exported.inputs,
      opset: exported.opset,
      parity: exported.parity,
      log: exported.log,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
