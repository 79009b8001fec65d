/**
 * PyTorch in: a TorchScript file or a Python file defining an nn.Module, exported to ONNX by the
 * user's own Python and torch (find-python.ts picks the interpreter), then checked against torch:
 * the seeded inputs torch ran are fed to onnxruntime and every output compared (the parity check,
 * convert/parity.ts). The exporter's whole log is kept for the user; nothing of Python is needed
 * for anything else.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StudioError, type WordedMessage } from '../../shared/errors';
import { PYTORCH_EXTENSIONS, isPytorchFileName } from '../../shared/pytorch-files';
import { say, worded } from '../../shared/remedies';
import { compareOutputs, type ParityReport } from '../convert/parity';
import { parseNpy } from '../datasets/npy-format';
import { writeFileAtomic } from '../workspace/atomic-write';
import { loadRuntime } from '../runner/runtimes/index';
import type { FloatTensor } from '../runner/tensor-convert';
import { exportScriptPath, findPythonWithTorch, resultLine, type PythonChoice } from './find-python';

/** torch's TorchScript exporter handles opsets 7–17 in 1.13 and more later; 13 is what onnxruntime and the studio's quantizer read best. */
export const DEFAULT_EXPORT_OPSET = 13;
/** A large model's export takes minutes on a small machine; a hung interpreter must still end. */
const EXPORT_TIMEOUT_MS = 15 * 60_000;


export interface PytorchExportRequest {
  source: string;
  out: string;
  /** One shape per model input; from a Python file they may come from its example_inputs() instead. */
  inputShapes: number[][];
  /** The nn.Module class to build, when the file defines several. */
  module?: string;
  /** The interpreter to use; found when not given. */
  python?: string;
  opset?: number;
  seed?: number;
  signal?: AbortSignal;
  /** Each line the exporter writes (torch's warnings, the user's prints), as it comes. */
  onLog?: (line: string) => void;
  /** Folder the exporter runs in (a relative `source` is read from it): the studio's upload folder, so messages name the file, not a scratch path. */
  cwd?: string;
}

export interface PytorchExport {
  out: string;
  python: PythonChoice;
  kind: 'python' | 'torchscript';
  builtBy: string;
  inputsFrom: string;
  inputs: Array<{ name: string; shape: number[] }>;
  outputs: Array<{ name: string; shape: number[] }>;
  opset: number;
  /** Everything the exporter printed. */
  log: string[];
  parity: ParityReport;
}

interface ScriptResult {
  ok: boolean;
  badInput?: boolean;
  reason?: string;
  facts?: Record<string, unknown>;
  message?: string;
  kind?: 'python' | 'torchscript';
  builtBy?: string;
  inputsFrom?: string;
  opset?: number;
  inputs?: Array<{ name: string; shape: number[] }>;
  outputs?: Array<{ name: string; shape: number[] }>;
  torch?: string;
}

export async function exportPytorchToOnnx(request: PytorchExportRequest): Promise<PytorchExport> {
  if (!isPytorchFileName(request.source)) {
    throw new StudioError('BAD_INPUT', `'${request.source}' is not a PyTorch file the studio exports (${PYTORCH_EXTENSIONS.join(', ')}); give a TorchScript file or the .py file that defines the model.`, { file: request.source });
  }
  const python = await findPythonWithTorch(request.python, request.signal);
  const ioDir = mkdtempSync(join(tmpdir(), 'edgebench-torch-export-'));
  try {
    const opset = request.opset ?? DEFAULT_EXPORT_OPSET;
    // torch writes into the scratch folder; the file reaches `out` whole, only after torch and the check are done.
    const scratchModel = join(ioDir, 'model.onnx');
    const args = [exportScriptPath(), request.source, '--out', scratchModel, '--io-dir', ioDir, '--opset', String(opset), '--seed', String(request.seed ?? 0)];
    for (const shape of request.inputShapes) args.push('--input-shape', shape.join(','));
    if (request.module !== undefined) args.push('--module', request.module);
    const { stdout, log, code } = await runScript(python.chosen.path, args, request);
    const result = resultLine(stdout) as ScriptResult | undefined;
    if (result === undefined) {
      const last = log.filter((l) => l.trim() !== '').slice(-1)[0] ?? 'no output';
      throw new StudioError('RUNTIME', `The PyTorch export with ${python.chosen.path} ended (exit ${code ?? 'by signal'}) without a result; its last line: ${last}`);
    }
    if (!result.ok) {
      const message = result.message ?? 'the export failed';
      if (result.badInput) throw new StudioError('BAD_INPUT', badSourceMessage(result, message), { file: request.source });
      throw new StudioError('RUNTIME', `torch ${python.chosen.torch} could not export '${request.source}' to ONNX: ${message}. The exporter's log above says where.`, { file: request.source });
    }
    const parity = await checkAgainstTorch(scratchModel, ioDir, result.inputs ?? [], result.outputs ?? [], `torch ${result.torch ?? python.chosen.torch}`);
    await writeFileAtomic(request.out, readFileSync(scratchModel));
    return {
      out: request.out,
      python,
      kind: result.kind ?? 'python',
      builtBy: result.builtBy ?? '',
      inputsFrom: result.inputsFrom ?? '',
      inputs: result.inputs ?? [],
      outputs: result.outputs ?? [],
      opset: result.opset ?? opset,
      log,
      parity,
    };
  } finally {
    rmSync(ioDir, { recursive: true, force: true });
  }
}

/**
 * The exporter's sentence is in the CLI's words; where it names a flag, the studio's dialog names
 * its field instead (the script sends the reason and its facts for that).
 */
function badSourceMessage(result: ScriptResult, message: string): string | WordedMessage {
  const facts = result.facts ?? {};
  const list = (value: unknown): string => (Array.isArray(value) ? value.map(String).join(', ') : '');
  switch (result.reason) {
    case 'no-input-sizes':
      return worded`The input sizes are not known: ${say('pass --input-shape (one per input, like 1,3,224,224)', 'fill in the Input sizes field (one per input, like 1,3,224,224)')} or define example_inputs() in the file.`;
    case 'bad-input-shape':
      return worded`${say('--input-shape', 'The Input sizes field')} '${String(facts.shape ?? '')}' is not a list of positive sizes; write it like 1,3,224,224.`;
    case 'module-not-found':
      return worded`The file defines no nn.Module named ${String(facts.module ?? '')} (it defines: ${list(facts.modules)}); ${say('pass one of those with --module', 'type one of those in the Module class field')}.`;
    case 'several-modules':
      return worded`The file defines several nn.Modules (${list(facts.modules)}); ${say('say which with --module', 'type which one in the Module class field')}, or add create_model().`;
    default:
      return `${capitalize(message)}.`;
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function runScript(python: string, args: string[], request: PytorchExportRequest): Promise<{ stdout: string; log: string[]; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, ['-u', ...args], { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true, ...(request.cwd !== undefined ? { cwd: request.cwd } : {}) });
    let stdout = '';
    let pending = '';
    const log: string[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), EXPORT_TIMEOUT_MS);
    const onAbort = (): void => {
      child.kill('SIGTERM');
    };
    request.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        log.push(line);
        request.onLog?.(line);
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new StudioError('BAD_INPUT', worded`The Python interpreter '${python}' could not be started (${error.message}); ${say('pass another with --python', 'choose another in the Python interpreter field')}.`, { flag: 'python' }));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      if (pending !== '') {
        log.push(pending);
        request.onLog?.(pending);
      }
      if (request.signal?.aborted) reject(new StudioError('CANCELLED', 'The PyTorch export was cancelled; nothing was written.'));
      else resolve({ stdout, log, code });
    });
  });
}

function readNpyTensor(path: string): FloatTensor {
  const array = parseNpy(new Uint8Array(readFileSync(path)), path);
  return { dims: array.shape, data: array.data instanceof Float32Array ? array.data : Float32Array.from(array.data as ArrayLike<number>) };
}

/** Runs the ONNX file in onnxruntime on torch's inputs and compares with torch's outputs. */
async function checkAgainstTorch(onnxPath: string, ioDir: string, inputs: Array<{ name: string }>, outputs: Array<{ name: string }>, torchLabel: string): Promise<ParityReport> {
  const runtime = await loadRuntime('onnxruntime');
  const model = await runtime.load({ modelPath: onnxPath, threads: 1, inputs: [], options: {} });
  try {
    const feeds = Object.fromEntries(inputs.map((input, i) => [input.name, readNpyTensor(join(ioDir, `input_${i}.npy`))]));
    const produced = await model.infer(feeds);
    const reference = outputs.map((_, i) => readNpyTensor(join(ioDir, `output_${i}.npy`)));
    const test = model.outputNames.map((name) => ({ name, ...(produced[name] as FloatTensor) }));
    return compareOutputs(reference, test, { reference: torchLabel, test: `onnxruntime ${runtime.version()}` });
  } finally {
    await model.release();
  }
}
