/**
 * Makes tensors of any graph visible as outputs of the main graph, so onnxruntime returns them
 * (as its calibrator does by adding graph outputs). A tensor inside an If/Loop/Scan body climbs
 * one level at a time: it becomes an extra output of the body and of the node that holds it.
 *  - If: both branches must have the same outputs, so the other branch gives an empty float
 *    tensor in that place (statistics over it see no values).
 *  - Loop and Scan: the extra body output is a scan output, the tensor of every iteration
 *    stacked, which calibration statistics cover all at once.
 * The probed model is a copy; the original is not touched.
 */
import { create } from '@bufbuild/protobuf';
import { type GraphProto, type ModelProto, type NodeProto, ValueInfoProtoSchema } from '../formats/onnx/generated/onnx_pb';
import { attributeOf } from '../formats/onnx/onnx-attributes';
import { decodeModelProto, encodeModelProto, forEachGraph, nodeSubgraphs } from '../formats/onnx/onnx-codec';
import { OnnxDataType } from '../formats/onnx/onnx-types';
import { makeNode, NameScope } from './graph';

export interface Probe {
  /** The graph that computes the tensor (the main graph or a body of the model being quantized). */
  graph: GraphProto;
  tensor: string;
}

export interface ProbedModel {
  model: ModelProto;
  /** Main-graph output names carrying each probe, in probe order (undefined: it cannot be surfaced). */
  outputs: Array<string | undefined>;
}

function floatOutput(name: string) {
  return create(ValueInfoProtoSchema, { name, type: { value: { case: 'tensorType', value: { elemType: OnnxDataType.FLOAT } } } });
}

function defines(graph: GraphProto, name: string): boolean {
  return graph.input.some((i) => i.name === name) || graph.initializer.some((t) => t.name === name) || graph.node.some((n) => n.output.includes(name));
}

export function withProbes(original: ModelProto, probes: Probe[]): ProbedModel {
  // A copy through the codec: byte fields stay views of one buffer, so weights are not copied twice.
  const model = decodeModelProto(encodeModelProto(original), 'probed model');
  const originals: GraphProto[] = [];
  const copies: GraphProto[] = [];
  forEachGraph(original.graph as GraphProto, (graph) => originals.push(graph));
  const holder = new Map<GraphProto, { node: NodeProto; attribute: string; parent: GraphProto }>();
  forEachGraph(model.graph as GraphProto, (graph) => {
    copies.push(graph);
    for (const node of graph.node) for (const { attribute, graph: body } of nodeSubgraphs(node)) holder.set(body, { node, attribute, parent: graph });
  });
  const copyOf = new Map(originals.map((graph, i) => [graph, copies[i] as GraphProto]));
  const names = new NameScope(model);
  const done = new Map<string, string | undefined>();
  const main = model.graph as GraphProto;

  const surface = (graph: GraphProto, tensor: string): string | undefined => {
    const up = holder.get(graph);
    if (graph === main) {
      if (!main.output.some((o) => o.name === tensor)) main.output.push(floatOutput(tensor));
      return tensor;
    }
    if (!up) return undefined;
    if (!defines(graph, tensor)) return surface(up.parent, tensor);
    const { node, parent } = up;
    const lifted = names.fresh(`${tensor}_probe`);
    // The body gives a fresh name (through an Identity), never the tensor's own: the same name may be
    // a body output already, or be defined in both branches of an If (onnxruntime 1.30 crashed on
    // silero VAD when both branches output one name at different places).
    const own = (): string => {
      const out = names.fresh(`${tensor}_out`);
      graph.node.push(makeNode('Identity', names.fresh(`${tensor}_out_id`), [tensor], [out]));
      return out;
    };
    if (node.opType === 'If') {
      for (const branch of nodeSubgraphs(node).map((s) => s.graph)) {
        if (branch === graph) branch.output.push(floatOutput(own()));
        else {
          const empty = names.fresh(`${tensor}_none`);
          branch.node.push(makeNode('Constant', names.fresh(`${tensor}_none_c`), [], [empty], { value: { tensor: { name: empty, dims: [0], dataType: 'FLOAT', data: new Float32Array(0) } } }));
          branch.output.push(floatOutput(empty));
        }
      }
    } else if (node.opType === 'Loop' || node.opType === 'Scan') {
      graph.output.push(floatOutput(own()));
      for (const list of ['scan_output_axes', 'scan_output_directions']) {
        const attribute = attributeOf(node, list);
        if (attribute) attribute.ints.push(0n);
      }
    } else return undefined;
    node.output.push(lifted);
    return surface(parent, lifted);
  };

  const outputs = probes.map((probe) => {
    const graph = copyOf.get(probe.graph);
    if (!graph) return undefined;
    const key = `${copies.indexOf(graph)}|${probe.tensor}`;
    if (!done.has(key)) done.set(key, surface(graph, probe.tensor));
    return done.get(key);
  });
  return { model, outputs };
}
