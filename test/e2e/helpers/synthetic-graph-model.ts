/**
 * Big synthetic ONNX models for the graph view's bench (scripts/bench-ui-graph.ts) and e2e tests,
 * written with the project's own ONNX writer, on a [1, 16] float tensor:
 * - chain: a network's trunk, every node feeding the next, every fifth also taking a skip
 *   connection from four back (the view lays such bands out without elk);
 * - branched: blocks of a two-way split joined by an Add (inception-like), laid out in layers
 *   without elk (layered-layout.ts);
 * - wide: blocks of a six-way split joined by a Sum, laid out in layers without elk too;
 * - looped: the wide blocks, every eighth block's first node also reading the block's own Sum (a cycle,
 *   as a TF.js while loop makes; not valid ONNX, but the graph reader takes it): a cycle in every
 *   band (elk's job until the layered layout broke cycles itself, cycle-break.ts).
 */
import { encodeOnnxModel, type OnnxNodeSpec } from '../../../src/core/formats/onnx/onnx-writer';

const WIDTH = 16;

export type SyntheticShape = 'chain' | 'branched' | 'wide' | 'looped';

/** A network-like chain of `count` nodes on a [1, 16] float tensor: Relu, Mul by a weight, Add of a skip. */
function chainNodes(count: number): { nodes: OnnxNodeSpec[]; last: string } {
  const nodes: OnnxNodeSpec[] = [];
  let last = 'x';
  for (let i = 0; i < count; i++) {
    const out = `t${i}`;
    if (i % 5 === 4 && i >= 5) nodes.push({ opType: 'Add', name: `add_${i}`, inputs: [last, `t${i - 4}`], outputs: [out] });
    else if (i % 2 === 0) nodes.push({ opType: 'Relu', name: `relu_${i}`, inputs: [last], outputs: [out] });
    else nodes.push({ opType: 'Mul', name: `scale_${i}`, inputs: [last, 'w'], outputs: [out] });
    last = out;
  }
  return { nodes, last };
}

/** Blocks of four nodes, `count` in all: a Relu, then a Mul and a Sigmoid both reading it, joined by an Add. */
function branchedNodes(count: number): { nodes: OnnxNodeSpec[]; last: string } {
  const nodes: OnnxNodeSpec[] = [];
  let last = 'x';
  for (let b = 0; nodes.length < count; b++) {
    const block: OnnxNodeSpec[] = [
      { opType: 'Relu', name: `relu_${b}`, inputs: [last], outputs: [`r${b}`] },
      { opType: 'Mul', name: `scale_${b}`, inputs: [`r${b}`, 'w'], outputs: [`m${b}`] },
      { opType: 'Sigmoid', name: `gate_${b}`, inputs: [`r${b}`], outputs: [`g${b}`] },
      { opType: 'Add', name: `join_${b}`, inputs: [`m${b}`, `g${b}`], outputs: [`a${b}`] },
    ];
    const room = count - nodes.length;
    nodes.push(...block.slice(0, room));
    last = block[Math.min(room, block.length) - 1]!.outputs[0]!;
  }
  return { nodes, last };
}

/** Every this many blocks of the looped shape has its cycle: one in each band, so every band's layout has a cycle to break. */
const LOOP_EVERY = 8;

const WIDE_BRANCHES = ['Mul', 'Sigmoid', 'Tanh', 'Abs', 'Neg', 'Exp'] as const;

/** Blocks of eight nodes, `count` in all: a Relu (when `looped`, in every LOOP_EVERY-th block an Add of the block's Sum too), six ops each reading it, joined by a Sum of all six. */
function wideNodes(count: number, looped = false): { nodes: OnnxNodeSpec[]; last: string } {
  const nodes: OnnxNodeSpec[] = [];
  let last = 'x';
  for (let b = 0; nodes.length < count; b++) {
    const branches = WIDE_BRANCHES.map((op, k): OnnxNodeSpec => ({ opType: op, name: `${op.toLowerCase()}_${b}`, inputs: op === 'Mul' ? [`r${b}`, 'w'] : [`r${b}`], outputs: [`b${b}_${k}`] }));
    const block: OnnxNodeSpec[] = [
      looped && b % LOOP_EVERY === 0 ? { opType: 'Add', name: `loop_${b}`, inputs: [last, `s${b}`], outputs: [`r${b}`] } : { opType: 'Relu', name: `relu_${b}`, inputs: [last], outputs: [`r${b}`] },
      ...branches,
      { opType: 'Sum', name: `sum_${b}`, inputs: branches.map((n) => n.outputs[0]!), outputs: [`s${b}`] },
    ];
    const room = count - nodes.length;
    nodes.push(...block.slice(0, room));
    last = block[Math.min(room, block.length) - 1]!.outputs[0]!;
  }
  return { nodes, last };
}

/** An ONNX model of `count` nodes plus an Identity output, in the given shape. */
export function syntheticGraphModel(count: number, shape: SyntheticShape): Uint8Array {
  const { nodes, last } = shape === 'chain' ? chainNodes(count) : shape === 'branched' ? branchedNodes(count) : wideNodes(count, shape === 'looped');
  nodes.push({ opType: 'Identity', name: 'output', inputs: [last], outputs: ['y'] });
  return encodeOnnxModel({
    irVersion: 8,
    opsetImports: [{ domain: '', version: 17 }],
    producerName: 'edgebench bench-ui-graph',
    producerVersion: '1',
    graphName: `synthetic-${shape}-${count}`,
    inputs: [{ name: 'x', elemType: 'FLOAT', shape: [1, WIDTH] }],
    outputs: [{ name: 'y', elemType: 'FLOAT', shape: [1, WIDTH] }],
    initializers: [{ name: 'w', dims: [WIDTH], dataType: 'FLOAT', data: new Float32Array(WIDTH).fill(0.5) }],
    nodes,
  });
}
