/**
 * Readers of ONNX files that are not ours: Debian's python3-onnx (through
 * scripts/python/onnx_facts.py, run with /usr/bin/python3, never the pyenv python3 on the PATH)
 * and onnxruntime-node's own session metadata.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import ort from 'onnxruntime-node';
import { repoRoot } from '../../helpers/run-cli';

const run = promisify(execFile);

export const DEBIAN_PYTHON = '/usr/bin/python3';
export const ONNX_FACTS_SCRIPT = path.join(repoRoot, 'scripts/python/onnx_facts.py');

type Dim = number | string | null;
export interface TensorFacts {
  name: string;
  dtype: string | null;
  shape: Dim[] | null;
}

/**
 * What onnx_facts.py prints for each file, in the order given: `[{ file, opset, irVersion,
 * inputs, outputs, parameters, ops }]` (inputs without initializer-backed ones; dtype lower-case
 * as float32/int64/bool, `sequence` for a sequence; a dim is its value, its dim_param or null;
 * parameters and ops count subgraph bodies and Constant nodes).
 */
export interface OnnxFacts {
  file: string;
  opset: number;
  irVersion: number;
  inputs: TensorFacts[];
  outputs: TensorFacts[];
  parameters: number;
  ops: Record<string, number>;
}

/** python3-onnx's facts for each file; throws with what to do when the script or python3-onnx is missing. */
export async function onnxFactsFromPython(files: string[]): Promise<OnnxFacts[]> {
  if (!existsSync(ONNX_FACTS_SCRIPT)) {
    throw new Error(`${ONNX_FACTS_SCRIPT} is missing: the table's ONNX facts are checked against python3-onnx through it.`);
  }
  const { stdout } = await run(DEBIAN_PYTHON, [ONNX_FACTS_SCRIPT, ...files], { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
  const parsed = JSON.parse(stdout) as OnnxFacts[];
  if (!Array.isArray(parsed) || parsed.length !== files.length) {
    throw new Error(`onnx_facts.py printed ${Array.isArray(parsed) ? parsed.length : 'no array of'} results for ${files.length} files.`);
  }
  return parsed;
}

/**
 * Inputs and outputs as onnxruntime itself declares them (an unnamed dim comes back as '', here
 * null). onnxruntime does not say which kind a non-tensor is: its dtype is 'non-tensor'.
 */
export async function onnxRuntimeMetadata(file: string): Promise<{ inputs: TensorFacts[]; outputs: TensorFacts[] }> {
  const session = await ort.InferenceSession.create(file, { logSeverityLevel: 3 });
  try {
    const convert = (meta: ort.InferenceSession.ValueMetadata): TensorFacts =>
      meta.isTensor
        ? { name: meta.name, dtype: meta.type, shape: meta.shape.map((dim) => (dim === '' ? null : dim)) }
        : { name: meta.name, dtype: 'non-tensor', shape: null };
    return { inputs: session.inputMetadata.map(convert), outputs: session.outputMetadata.map(convert) };
  } finally {
    await session.release();
  }
}
