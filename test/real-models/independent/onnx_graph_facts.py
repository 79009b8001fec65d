#!/usr/bin/python3
"""The graph of each ONNX file as the onnx package (Debian's python3-onnx) reads it, as JSON.

An independent reader for the studio's model graph (src/core/formats/graph/onnx-graph.ts):
test/unit/formats/graph/onnx-graph.real.test.ts compares what the studio builds with this.
Run it with Debian's Python, which sees python3-onnx:

    /usr/bin/python3 test/real-models/independent/onnx_graph_facts.py MODEL.onnx [MODEL.onnx ...]

Prints one JSON object keyed by the path given, each with:
  nodes          nodes of the main graph and of every graph held by a node's attributes
                 (If/Loop/Scan bodies, nested to any depth), in the file's order, depth first
                 (a node, then the nodes of its subgraphs); each {name, op, inputs, outputs, depth}
                 where op is the op type, or "domain.OpType" outside the default domain
  subgraphs      how many graphs the nodes' attributes hold, at every depth
  initializers   names of every initializer, subgraphs included
  error          instead of the above, when the file cannot be read
"""
import json
import sys

import onnx


def op_name(node):
    return node.op_type if node.domain in ("", "ai.onnx") else node.domain + "." + node.op_type


def walk(graph, depth, out):
    out["initializers"].extend(init.name for init in graph.initializer)
    for node in graph.node:
        out["nodes"].append({
            "name": node.name,
            "op": op_name(node),
            "inputs": list(node.input),
            "outputs": list(node.output),
            "depth": depth,
        })
        for attribute in node.attribute:
            held = ([attribute.g] if attribute.HasField("g") else []) + list(attribute.graphs)
            for sub in held:
                out["subgraphs"] += 1
                walk(sub, depth + 1, out)


def facts(path):
    try:
        model = onnx.load(path, load_external_data=False)
    except Exception as error:  # any reason the onnx package cannot read it is reported, not raised
        return {"error": str(error)}
    out = {"nodes": [], "subgraphs": 0, "initializers": []}
    walk(model.graph, 0, out)
    return out


if __name__ == "__main__":
    print(json.dumps({path: facts(path) for path in sys.argv[1:]}))
