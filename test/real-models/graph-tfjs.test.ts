/**
 * The model graph of real TF.js graph models (@vladmandic/human) against model.json itself, read
 * with a plain JSON.parse here (node names, ops and inputs), and against numpy's reading of the
 * weight shards (test/real-models/independent/tfjs_weight_stats.py).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readModelGraphFile } from '../../src/core/formats/graph/model-graph';
import { repoRoot } from '../helpers/run-cli';
import { DEBIAN_PYTHON } from './independent/onnx-readers';

const MODELS = ['blazeface', 'handtrack', 'movenet-lightning', 'emotion', 'iris'].map((name) => path.join(repoRoot, `node_modules/@vladmandic/human/models/${name}.json`));

interface JsonNode {
  name: string;
  op: string;
  input?: string[];
}

describe('the graph of real TF.js models agrees with their model.json', () => {
  it.each(MODELS.map((file) => [path.basename(file), file]))('%s: every node, its op and data inputs, and every weight with numpy’s statistics', async (_name, file) => {
    const json = JSON.parse(readFileSync(file, 'utf8')) as {
      modelTopology: { node: JsonNode[]; library?: { function?: Array<{ nodeDef?: JsonNode[] }> } };
      weightsManifest: Array<{ weights: Array<{ name: string }> }>;
    };
    const expectedNodes = [...json.modelTopology.node, ...(json.modelTopology.library?.function ?? []).flatMap((fn) => fn.nodeDef ?? [])];
    const graph = await readModelGraphFile(file);
    expect(graph.nodes).toHaveLength(expectedNodes.length);
    expect(graph.nodes.map((n) => [n.name, n.op])).toEqual(expectedNodes.map((n) => [n.name, n.op]));
    // Data inputs as written, ":0" meaning the node itself; control inputs (^name) are not data.
    expect(graph.nodes.map((n) => n.inputs)).toEqual(expectedNodes.map((n) => (n.input ?? []).filter((i) => !i.startsWith('^')).map((i) => i.replace(/:0$/, ''))));
    expect(new Set(graph.nodes.map((n) => n.id)).size).toBe(graph.nodes.length);

    const numpy = JSON.parse(execFileSync(DEBIAN_PYTHON, [path.join(repoRoot, 'test/real-models/independent/tfjs_weight_stats.py'), file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })) as Record<string, Record<string, number>>;
    const names = json.weightsManifest.flatMap((group) => group.weights.map((w) => w.name));
    expect(Object.keys(numpy).length).toBe(names.length);
    for (const name of names) {
      const ours = graph.tensors[name];
      expect(ours?.role, name).toBe('weight');
      const stats = ours?.stats as Record<string, number>;
      const expected = numpy[name] as Record<string, number>;
      expect(stats.elements, name).toBe(expected.elements);
      for (const key of ['min', 'max', 'mean', 'std', 'zeroShare']) expect(stats[key], `${name} ${key}`).toBeCloseTo(expected[key] as number, 4);
    }
  });

  it('handtrack: weights stored as uint8 say so and are dequantized', async () => {
    const graph = await readModelGraphFile(MODELS[1] as string);
    const stored = Object.values(graph.tensors).filter((t) => t.storedAs === 'uint8');
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.every((t) => t.dtype === 'float32' || t.dtype === 'int32')).toBe(true);
    expect(graph.notes.join(' ')).toMatch(/stored as uint8 and dequantized when the model loads/);
  });

  it('edges join each node to the nodes that read its output', async () => {
    const graph = await readModelGraphFile(MODELS[0] as string);
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    expect(graph.edges.length).toBeGreaterThan(graph.nodes.length / 2);
    for (const edge of graph.edges) {
      expect(byId.get(edge.from)?.outputs).toContain(edge.tensor);
      expect(byId.get(edge.to)?.inputs).toContain(edge.tensor);
    }
  });
});
