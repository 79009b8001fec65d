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
 * What onnx_facts.py prints for each file (its header documents the fields; the script's output
 * is one object keyed by the path given): opset, IR version, inputs (without initializer-backed
 * ones; dtype lower-case as float32/int64/bool, `sequence` for a sequence; a dim is its value, its
 * dim_param or null), outputs, parameters and the op histogram (subgraph bodies and Constant nodes
 * counted; an op outside the default domain as "domain.OpType"), and MACs from onnx's shape
 * inference where the graph has no control flow and every shape is known (null otherwise).
 */
export interface OnnxFacts {
  file: string;
  opset: number;
  irVersion: number;
  inputs: TensorFacts[];
  outputs: TensorFacts[];
  parameters: number;
  ops: Record<string, number>;
  macs: number | null;
}

/** The script's record for one file, as it prints it. */
interface ScriptFacts {
  error?: string;
  opset: number;
  ir_version: number;
  inputs: TensorFacts[];
  outputs: TensorFacts[];
  parameters: number;
  ops: Record<string, number>;
  macs: number | null;
}

/** python3-onnx's facts for each file, in the order given; throws with what to do when the script or python3-onnx is missing. */
export async function onnxFactsFromPython(files: string[]): Promise<OnnxFacts[]> {
  if (!existsSync(ONNX_FACTS_SCRIPT)) {
    throw new Error(`${ONNX_FACTS_SCRIPT} is missing: the table's ONNX facts are checked against python3-onnx through it.`);
  }
  if (!existsSync(DEBIAN_PYTHON)) throw new Error(`${DEBIAN_PYTHON} is missing: apt-get install python3-onnx (the table's ONNX facts are checked against it).`);
  const { stdout } = await run(DEBIAN_PYTHON, [ONNX_FACTS_SCRIPT, ...files], { maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
  const parsed = JSON.parse(stdout) as Record<string, ScriptFacts>;
  return files.map((file) => {
    const facts = parsed[file];
    if (!facts) throw new Error(`onnx_facts.py printed nothing for ${file}.`);
    if (facts.error !== undefined) throw new Error(`python3-onnx cannot read ${file}: ${facts.error}`);
    const { ir_version: irVersion, opset, inputs, outputs, parameters, ops, macs } = facts;
    return { file, opset, irVersion, inputs, outputs, parameters, ops, macs };
  });
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
