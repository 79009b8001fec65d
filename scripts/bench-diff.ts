/**
 * How long the model diff (src/shared/graph/diff.ts) takes, as the Diff page runs it in the
 * renderer: real third-party models against the studio's own int8 static variants, and a
 * 5,000-node synthetic graph against itself (matched by name) and against a renamed copy (every
 * node and activation renamed, so the positional pass aligns all of them). Median of 5 runs each.
 *   npx tsx scripts/bench-diff.ts
 */
import { readModelGraph } from '../src/core/formats/graph/model-graph';
import { quantizeOnnx } from '../src/core/quantize';
import { diffModels } from '../src/shared/graph/diff';
import type { GraphNode, ModelGraph } from '../src/shared/model-graph';
import { medianOf } from '../src/shared/numeric/quantile';
import { chainGraph } from '../test/unit/renderer/graph/synthetic-graph';
import { modelBytes, REAL_ONNX_MODELS } from '../test/unit/quantize/real-onnx-models';

const REPEATS = 5;

function timeDiff(a: ModelGraph, b: ModelGraph): { medianMs: number; matched: number } {
  const times: number[] = [];
  let matched = 0;
  for (let i = 0; i < REPEATS; i++) {
    const start = performance.now();
    const diff = diffModels({ graph: a, parameters: null, sizeBytes: null }, { graph: b, parameters: null, sizeBytes: null });
    times.push(performance.now() - start);
    matched = diff.aToB.size;
  }
  return { medianMs: medianOf(times), matched };
}

function renamed(graph: ModelGraph): ModelGraph {
  const t = (name: string): string => (graph.tensors[name]?.role === 'activation' ? `r_${name}` : name);
  const ids = new Map(graph.nodes.map((n, i) => [n.id, `renamed_${i}`]));
  const nodes: GraphNode[] = graph.nodes.map((n) => ({ ...n, id: ids.get(n.id) as string, name: ids.get(n.id) as string, inputs: n.inputs.map(t), outputs: n.outputs.map(t) }));
  return {
    ...graph,
    nodes,
    edges: graph.edges.map((e) => ({ from: ids.get(e.from) as string, to: ids.get(e.to) as string, tensor: t(e.tensor) })),
    tensors: Object.fromEntries(Object.entries(graph.tensors).map(([k, v]) => [t(k), { ...v, name: t(k) }])),
  };
}

const graphOf = (data: Uint8Array): ModelGraph => readModelGraph({ main: { name: 'model.onnx', data }, companions: new Map() }, 'onnx');

async function main(): Promise<void> {
  const rows: string[] = [];
  for (const name of ['PP-OCR mobile v2 cls', 'PP-OCRv4 rec', 'silero_vad_v5', 'openwakeword hello_deepa']) {
    const model = REAL_ONNX_MODELS.find((m) => m.name === name);
    if (!model) continue;
    const bytes = modelBytes(model);
    const int8 = await quantizeOnnx(bytes, { mode: 'static', perChannel: true }, { inputs: [1, 2, 3, 4].map((i) => model.feed(i)) });
    const a = graphOf(bytes);
    const b = graphOf(int8.bytes);
    const { medianMs, matched } = timeDiff(a, b);
    rows.push(`${name.padEnd(28)} ${`${a.nodes.length} → ${b.nodes.length}`.padEnd(14)} ${medianMs.toFixed(1).padStart(8)} ms   ${matched} pairs`);
  }
  const big = chainGraph(5000);
  const same = timeDiff(big, big);
  rows.push(`${'synthetic, same names'.padEnd(28)} ${`${big.nodes.length} → ${big.nodes.length}`.padEnd(14)} ${same.medianMs.toFixed(1).padStart(8)} ms   ${same.matched} pairs`);
  const copy = renamed(big);
  const moved = timeDiff(big, copy);
  rows.push(`${'synthetic, all renamed'.padEnd(28)} ${`${big.nodes.length} → ${copy.nodes.length}`.padEnd(14)} ${moved.medianMs.toFixed(1).padStart(8)} ms   ${moved.matched} pairs`);
  console.log(`${'model'.padEnd(28)} ${'nodes A → B'.padEnd(14)} ${'median'.padStart(8)}      matched\n${rows.join('\n')}`);
}

await main();
