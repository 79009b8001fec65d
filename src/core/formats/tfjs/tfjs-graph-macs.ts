import type { Dim } from '../../../shared/model-info';
import { matMulShapes, product } from '../shape-math';
import { asRecord, type TfjsEstimate } from './tfjs-common';
import { functionCall, tensorKey, tensorShape, type FunctionCall, type GraphEndpoint, type GraphFunction, type GraphNode, type GraphTopology } from './tfjs-graph';
import { boolAttr, inferShape, sameShapeOutputs, stringAttr, windowOutput } from './tfjs-graph-shapes';
import { readInt32Weight, type WeightLocation } from './tfjs-manifest';

const CONVS = new Set(['Conv2D', '_FusedConv2D']);
const DEPTHWISE = new Set(['DepthwiseConv2dNative', 'FusedDepthwiseConv2dNative']);
const MATMULS = new Set(['MatMul', '_FusedMatMul', 'BatchMatMul', 'BatchMatMulV2', 'BatchMatMulV3']);
const TRANSPOSED = 'Conv2DBackpropInput';

export function isMacOp(op: string): boolean {
  return CONVS.has(op) || DEPTHWISE.has(op) || MATMULS.has(op) || op === TRANSPOSED;
}

export interface GraphEstimate extends TfjsEstimate {
  /** Inferred shapes of the main graph's tensors, by tensorKey. */
  shapes: ReadonlyMap<string, number[]>;
  /** Function bodies analysed (each once), and how many of them are loop bodies or branches. */
  functionsCounted: number;
  conditionalOrLoopBodies: number;
}

type Shapes = Map<string, number[]>;

/**
 * MACs of the main graph and of every function body, each body counted once: a loop body for
 * one iteration, each branch of an If as if it ran. Bodies get their argument shapes from the
 * first call whose input shapes are known, else from the converter's arg_attr shapes. The graph's
 * inputs run with their open dims at `openDimSize` (1 for MACs: a leading unknown batch counts as 1).
 */
export function estimateGraphMacs(graph: GraphTopology, inputs: GraphEndpoint[], weights: Map<string, WeightLocation>, openDimSize = 1): GraphEstimate {
  const estimate: GraphEstimate = { macs: 0, macsByOp: {}, skipped: [], shapes: new Map(), functionsCounted: 0, conditionalOrLoopBodies: 0 };
  const constOf = (input: string | undefined): number[] | undefined => (input === undefined ? undefined : readInt32Weight(weights.get(tensorKey(input))));
  const analyzed = new Set<string>();

  const runBody = (fn: GraphFunction, argShapes: Array<number[] | undefined>, branchOrLoop: boolean): Array<number[] | undefined> => {
    analyzed.add(fn.name);
    estimate.functionsCounted += 1;
    if (branchOrLoop) estimate.conditionalOrLoopBodies += 1;
    const shapes: Shapes = new Map();
    fn.args.forEach((arg, index) => {
      const shape = argShapes[index] ?? numeric(fn.argShapes[index] ?? null);
      if (shape) shapes.set(arg, shape);
    });
    walk(fn.nodes, shapes, `${fn.name}/`);
    return fn.returns.map((ret) => shapes.get(tensorKey(ret)));
  };

  const walk = (nodes: GraphNode[], shapes: Shapes, prefix: string): void => {
    const shapeOf = (input: string | undefined): number[] | undefined => {
      if (input === undefined) return undefined;
      const key = tensorKey(input);
      return shapes.get(key) ?? weights.get(key)?.entry.shape;
    };
    for (const node of nodes) {
      if (node.op === 'Placeholder' || node.op === 'Const') {
        const declared = node.op === 'Placeholder' ? asRecord(node.attr.shape).shape : asRecord(asRecord(node.attr.value).tensor).tensorShape;
        const shape = weights.get(node.name)?.entry.shape ?? numeric(tensorShape(declared));
        if (shape && !shapes.has(node.name)) shapes.set(node.name, shape);
        continue;
      }
      const call = functionCall(node);
      if (call) {
        const outputs = callOutputs(call, shapeOf);
        outputs.forEach((shape, index) => shape && shapes.set(index === 0 ? node.name : `${node.name}:${index}`, shape));
        continue;
      }
      const mac = isMacOp(node.op) ? macNode(node, shapeOf, constOf) : undefined;
      if (isMacOp(node.op) && !mac) estimate.skipped.push(`${node.op} '${prefix}${node.name}'`);
      if (mac) {
        estimate.macs += mac.macs;
        estimate.macsByOp[node.op] = (estimate.macsByOp[node.op] ?? 0) + mac.macs;
      }
      const output = mac?.output ?? inferShape(node, shapeOf, constOf);
      if (output) {
        shapes.set(node.name, output);
        for (let index = 1; index < sameShapeOutputs(node); index += 1) shapes.set(`${node.name}:${index}`, output);
      }
    }
  };

  const callOutputs = (call: FunctionCall, shapeOf: (input: string | undefined) => number[] | undefined): Array<number[] | undefined> => {
    const argShapes = call.args.map(shapeOf);
    let outputs: Array<number[] | undefined> | undefined;
    for (const name of call.functions) {
      const fn = graph.functions.get(name);
      if (!fn || analyzed.has(name)) continue;
      const returned = runBody(fn, argShapes, call.loop || call.functions.length > 1);
      outputs ??= returned;
    }
    // A loop's outputs are its loop variables; a call's are its body's returns.
    return call.loop ? argShapes : (outputs ?? []);
  };

  const main: Shapes = new Map();
  for (const input of inputs) {
    const shape = numeric(input.info.shape, openDimSize);
    if (shape) main.set(input.node, shape);
  }
  walk(graph.nodes, main, '');
  // Bodies no analysed node calls (or only other bodies do, before their shapes were known) still count once.
  for (const fn of graph.functions.values()) if (!analyzed.has(fn.name)) runBody(fn, [], false);
  estimate.shapes = main;
  return estimate;
}

function numeric(shape: Dim[] | null, openDimSize = 1): number[] | undefined {
  return shape ? shape.map((dim) => (typeof dim === 'number' && dim >= 0 ? dim : openDimSize)) : undefined;
}

/**
 * Output shapes the file leaves out, inferred through the graph. With every input dim fixed they
 * are the inferred shapes. With open input dims, the graph is walked twice, the open dims at 1 and
 * at 2: a dim that comes out the same both times does not follow them and is kept, one that
 * changes follows them and is null (unknown, as TensorFlow's shape inference leaves it), and a
 * rank that changes (a Squeeze of a size-1 batch) leaves the whole shape unknown.
 */
export function inferredOutputShapes(
  graph: GraphTopology,
  inputs: GraphEndpoint[],
  weights: Map<string, WeightLocation>,
  atOne: GraphEstimate,
): (node: string) => Dim[] | undefined {
  const open = inputs.some(({ info }) => info.shape === null || info.shape.some((dim) => typeof dim !== 'number' || dim < 0));
  let atTwo: ReadonlyMap<string, number[]> | undefined;
  return (node) => {
    const first = atOne.shapes.get(tensorKey(node));
    if (!first || !open) return first;
    atTwo ??= estimateGraphMacs(graph, inputs, weights, 2).shapes;
    const second = atTwo.get(tensorKey(node));
    if (!second || second.length !== first.length) return undefined;
    return first.map((dim, index) => (dim === second[index] ? dim : null));
  };
}

function macNode(
  node: GraphNode,
  shapeOf: (input: string | undefined) => number[] | undefined,
  constOf: (input: string | undefined) => number[] | undefined,
): { macs: number; output: number[] } | undefined {
  if (node.op === TRANSPOSED) return transposedConv(node, shapeOf, constOf);
  const x = shapeOf(node.inputs[0]);
  const w = shapeOf(node.inputs[1]);
  if (!x || !w) return undefined;
  if (MATMULS.has(node.op)) {
    const transposeA = boolAttr(node, 'transpose_a') || boolAttr(node, 'adj_x');
    const transposeB = boolAttr(node, 'transpose_b') || boolAttr(node, 'adj_y');
    return matMulShapes(x, w, transposeA, transposeB);
  }
  if (x.length !== 4 || w.length !== 4) return undefined;
  const nchw = stringAttr(node, 'data_format') === 'NCHW';
  const [n, c] = nchw ? [x[0] as number, x[1] as number] : [x[0] as number, x[3] as number];
  const spatial = windowOutput(node, nchw ? x.slice(2) : x.slice(1, 3), w.slice(0, 2), nchw);
  if (!spatial) return undefined;
  const [kh, kw, , last] = w as [number, number, number, number];
  const depthwise = DEPTHWISE.has(node.op);
  const channels = depthwise ? c * last : last;
  const output = nchw ? [n, channels, ...spatial] : [n, ...spatial, channels];
  // Conv2D filter [kh, kw, Cin, Cout]: kh*kw*Cin MACs per output element; depthwise [kh, kw, Cin, mult]: kh*kw.
  const perOutput = depthwise ? kh * kw : kh * kw * (w[2] as number);
  return { macs: product(output) * perOutput, output };
}

/**
 * Conv2DBackpropInput (a transposed convolution): inputs are the output size, the filter
 * [kh, kw, Cout, Cin] and the data [N, H, W, Cin]; every input element meets kh*kw*Cout weights.
 */
function transposedConv(
  node: GraphNode,
  shapeOf: (input: string | undefined) => number[] | undefined,
  constOf: (input: string | undefined) => number[] | undefined,
): { macs: number; output: number[] } | undefined {
  const output = constOf(node.inputs[0]);
  const w = shapeOf(node.inputs[1]);
  const x = shapeOf(node.inputs[2]);
  if (!output || !w || !x || w.length !== 4 || output.some((dim) => dim <= 0)) return undefined;
  return { macs: product(x) * (w[0] as number) * (w[1] as number) * (w[2] as number), output };
}
