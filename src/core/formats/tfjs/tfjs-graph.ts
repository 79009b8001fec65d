import type { Dim, TensorInfo } from '../../../shared/model-info';
import { asArray, asRecord, asString, tfDtypeName } from './tfjs-common';

/**
 * TF.js graph models: modelTopology is a TensorFlow GraphDef in JSON
 * ({ node: [{ name, op, input, attr }], library: { function: [FunctionDef] } }); int64
 * attributes arrive as strings and string attributes as base64. Control flow v2 (If, While,
 * PartitionedCall) keeps its bodies in library.function; their Const weights sit in the weights
 * manifest under the body's node names, as tfjs-converter's mapFunction looks them up.
 */

export interface GraphNode {
  name: string;
  op: string;
  /** Data inputs as written ("x", "x:1", in function bodies "conv:output:0"); control inputs (^x) dropped. */
  inputs: string[];
  attr: Record<string, unknown>;
}

export interface GraphFunction {
  name: string;
  /** Argument names, which body nodes use as input names. */
  args: string[];
  /** Argument shapes the converter recorded (arg_attr _output_shapes), when it did. */
  argShapes: Array<Dim[] | null>;
  /** Body tensor of each output argument, in signature order ("conv:output:0"). */
  returns: string[];
  nodes: GraphNode[];
}

export interface GraphTopology {
  nodes: GraphNode[];
  functions: Map<string, GraphFunction>;
}

export function readGraphNodes(nodeList: unknown): GraphNode[] {
  return asArray(nodeList).map((value) => {
    const node = asRecord(value);
    return {
      name: asString(node.name),
      op: asString(node.op),
      inputs: asArray(node.input).map(asString).filter((input) => !input.startsWith('^')),
      attr: asRecord(node.attr),
    };
  });
}

export function readGraphTopology(topology: Record<string, unknown>): GraphTopology {
  const functions = new Map<string, GraphFunction>();
  for (const value of asArray(asRecord(topology.library).function)) {
    const fn = asRecord(value);
    const signature = asRecord(fn.signature);
    const name = asString(signature.name);
    if (name === '') continue;
    const args = asArray(signature.inputArg).map((arg) => asString(asRecord(arg).name));
    const argAttr = asRecord(fn.argAttr);
    const ret = asRecord(fn.ret);
    functions.set(name, {
      name,
      args,
      argShapes: args.map((_, index) => {
        const shapes = asArray(asRecord(asRecord(asRecord(asRecord(argAttr[String(index)]).attr)._output_shapes).list).shape);
        return shapes.length > 0 ? tensorShape(shapes[0]) : null;
      }),
      returns: asArray(signature.outputArg).map((arg) => asString(ret[asString(asRecord(arg).name)])),
      nodes: readGraphNodes(fn.nodeDef),
    });
  }
  return { nodes: readGraphNodes(topology.node), functions };
}

/** An endpoint as inspection names it, with the graph node that carries it. */
export interface GraphEndpoint {
  info: TensorInfo;
  /** Node name (signature tensor name without ":0"); what TF.js's model.inputs / outputs call it. */
  node: string;
}

/**
 * Inputs and outputs from `signature` (named by signature key, as the converter's users feed
 * them), else Placeholder nodes and the nodes nobody consumes.
 */
export function graphEndpoints(nodes: GraphNode[], signature: unknown): { inputs: GraphEndpoint[]; outputs: GraphEndpoint[] } {
  const sig = asRecord(signature);
  const fromSignature = (side: unknown): GraphEndpoint[] =>
    Object.entries(asRecord(side)).map(([key, value]) => {
      const entry = asRecord(value);
      return {
        info: { name: key, dtype: tfDtypeName(asString(entry.dtype)), shape: tensorShape(entry.tensorShape) },
        node: tensorKey(asString(entry.name) || key),
      };
    });
  const inputs = Object.keys(asRecord(sig.inputs)).length > 0
    ? fromSignature(sig.inputs)
    : nodes.filter((node) => node.op === 'Placeholder').map((node) => ({ info: placeholderInfo(node), node: node.name }));
  let outputs = fromSignature(sig.outputs);
  if (outputs.length === 0) {
    const consumed = new Set(nodes.flatMap((node) => node.inputs.map(tensorKey)));
    outputs = nodes
      .filter((node) => !consumed.has(node.name) && node.op !== 'Const' && node.op !== 'NoOp' && node.op !== 'Placeholder')
      .map((node) => ({ info: { name: node.name, dtype: tfDtypeName(asString(asRecord(node.attr.T).type)), shape: null }, node: node.name }));
  }
  return { inputs, outputs };
}

function placeholderInfo(node: GraphNode): TensorInfo {
  return {
    name: node.name,
    dtype: tfDtypeName(asString(asRecord(node.attr.dtype).type)),
    shape: tensorShape(asRecord(node.attr.shape).shape),
  };
}

/**
 * TensorShapeProto JSON: { dim: [{ size: "-1" }], unknownRank }. A -1 dim is unknown and has no
 * name in the file (tfjs-converter reads it as null too), so it is null here: two inputs' open
 * dims are not the same dim just because both are first.
 */
export function tensorShape(value: unknown): Dim[] | null {
  const shape = asRecord(value);
  if (shape.unknownRank === true) return null;
  return asArray(shape.dim).map((dim) => {
    const size = Number(asRecord(dim).size ?? 0);
    return size >= 0 ? size : null;
  });
}

/**
 * One key per tensor: "conv", "conv:0" and, in function bodies, "conv:output:0" all name the
 * first output of node conv (the first output argument of the ops whose shapes we infer);
 * other outputs keep their suffix and so stay apart.
 */
export function tensorKey(input: string): string {
  const parts = input.split(':');
  return parts.length > 1 && parts[parts.length - 1] === '0' ? (parts[0] as string) : input;
}

/** Ops that run function bodies, the attributes naming them, and where the body's arguments start among the inputs. */
const CALL_OPS: Readonly<Record<string, { attrs: readonly string[]; firstArg: number; loop: boolean }>> = {
  PartitionedCall: { attrs: ['f'], firstArg: 0, loop: false },
  StatefulPartitionedCall: { attrs: ['f'], firstArg: 0, loop: false },
  If: { attrs: ['then_branch', 'else_branch'], firstArg: 1, loop: false },
  StatelessIf: { attrs: ['then_branch', 'else_branch'], firstArg: 1, loop: false },
  Case: { attrs: ['branches'], firstArg: 1, loop: false },
  StatelessCase: { attrs: ['branches'], firstArg: 1, loop: false },
  While: { attrs: ['cond', 'body'], firstArg: 0, loop: true },
  StatelessWhile: { attrs: ['cond', 'body'], firstArg: 0, loop: true },
};

export interface FunctionCall {
  functions: string[];
  /** Node inputs that become the bodies' arguments. */
  args: string[];
  /** While loops: outputs are the loop variables, shaped like the inputs. */
  loop: boolean;
}

/** The function bodies a node runs, or undefined for an ordinary op. */
export function functionCall(node: GraphNode): FunctionCall | undefined {
  const call = CALL_OPS[node.op];
  if (!call) return undefined;
  const functions = call.attrs.flatMap((attr) => {
    const value = asRecord(node.attr[attr]);
    const list = asArray(asRecord(value.list).func);
    return (list.length > 0 ? list : [value.func]).map((func) => asString(asRecord(func).name)).filter(Boolean);
  });
  return { functions, args: node.inputs.slice(call.firstArg), loop: call.loop };
}
