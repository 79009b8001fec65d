#!/usr/bin/python3
"""Facts about ONNX files, read by the onnx package (Debian's python3-onnx), as JSON.

An independent reader for the studio's ONNX inspection: tests compare what the studio reports
with what this prints. Run it with Debian's Python, which sees python3-onnx:

    /usr/bin/python3 scripts/python/onnx_facts.py MODEL.onnx [MODEL.onnx ...]

Prints one JSON object keyed by the path given, each with:
  opset        default-domain opset version (0 if none)
  ir_version   ModelProto.ir_version
  inputs       [{name, dtype, shape}] graph inputs that are not initializers; shape is null for an
               unknown rank, a dim is an int, a symbolic name, or null when unknown
  outputs      the same for graph outputs
  parameters   elements of every stored weight, subgraphs included: initializers, the values of
               sparse initializers, and Constant nodes' values (value, sparse_value, value_float(s),
               value_int(s)); external data is counted from the dims, without reading it
  ops          op histogram over the main graph and every If/Loop/Scan body, keyed by op type, or
               "domain.OpType" outside the default domain
  macs         multiply-accumulates of Conv, ConvInteger, QLinearConv, Gemm, MatMul, MatMulInteger
               and QLinearMatMul from onnx's shape inference (symbolic dims count as 1), or null when
               the graph has control flow or a shape stays unknown
  error        instead of the above, when the file cannot be read
"""
import json
import sys

import onnx
from onnx import shape_inference

DEFAULT_DOMAINS = ("", "ai.onnx")
DTYPE_NAMES = {
    "FLOAT": "float32", "DOUBLE": "float64", "FLOAT16": "float16", "BFLOAT16": "bfloat16", "BOOL": "bool",
    "STRING": "string", "UINT8": "uint8", "INT8": "int8", "UINT16": "uint16", "INT16": "int16", "INT32": "int32",
    "INT64": "int64", "UINT32": "uint32", "UINT64": "uint64", "COMPLEX64": "complex64", "COMPLEX128": "complex128",
    "UNDEFINED": "undefined",
}


def dtype_name(code):
    try:
        name = onnx.TensorProto.DataType.Name(code)
    except ValueError:
        return "onnx-type-%d" % code
    return DTYPE_NAMES.get(name, name.lower())


def value_info(info):
    kind = info.type.WhichOneof("value")
    if kind in ("sequence_type", "map_type", "optional_type"):
        return {"name": info.name, "dtype": kind[: -len("_type")], "shape": None}
    if kind is None:
        return {"name": info.name, "dtype": "unknown", "shape": None}
    tensor = getattr(info.type, kind)
    shape = None
    if tensor.HasField("shape"):
        shape = []
        for dim in tensor.shape.dim:
            which = dim.WhichOneof("value")
            if which == "dim_value":
                shape.append(dim.dim_value if dim.dim_value >= 0 else None)
            elif which == "dim_param":
                shape.append(dim.dim_param or None)
            else:
                shape.append(None)
    return {"name": info.name, "dtype": dtype_name(tensor.elem_type), "shape": shape}


def elements(dims):
    count = 1
    for d in dims:
        count *= max(d, 0)
    return count


def subgraphs(node):
    for attribute in node.attribute:
        if attribute.type == onnx.AttributeProto.GRAPH:
            yield attribute.g
        elif attribute.type == onnx.AttributeProto.GRAPHS:
            yield from attribute.graphs


def all_graphs(graph):
    yield graph
    for node in graph.node:
        for sub in subgraphs(node):
            yield from all_graphs(sub)


def parameters(graph):
    total = 0
    for g in all_graphs(graph):
        total += sum(elements(t.dims) for t in g.initializer)
        total += sum(elements(s.values.dims) for s in g.sparse_initializer)
        for node in g.node:
            if node.op_type != "Constant" or node.domain not in DEFAULT_DOMAINS:
                continue
            attrs = {a.name: a for a in node.attribute}
            if "value" in attrs:
                total += elements(attrs["value"].t.dims)
            elif "sparse_value" in attrs:
                total += elements(attrs["sparse_value"].sparse_tensor.values.dims)
            elif "value_float" in attrs or "value_int" in attrs:
                total += 1
            else:
                total += len(attrs["value_floats"].floats) if "value_floats" in attrs else 0
                total += len(attrs["value_ints"].ints) if "value_ints" in attrs else 0
    return total


def ops(graph):
    histogram = {}
    for g in all_graphs(graph):
        for node in g.node:
            key = node.op_type if node.domain in DEFAULT_DOMAINS else "%s.%s" % (node.domain, node.op_type)
            histogram[key] = histogram.get(key, 0) + 1
    return histogram


# Where each op counted for MACs keeps its data and weight operands.
MAC_OPERANDS = {"Conv": (0, 1), "ConvInteger": (0, 1), "QLinearConv": (0, 3), "Gemm": (0, 1), "MatMul": (0, 1), "MatMulInteger": (0, 1), "QLinearMatMul": (0, 3)}


def macs(model):
    graph = model.graph
    if any(node.op_type in ("If", "Loop", "Scan") for node in graph.node):
        return None
    try:
        inferred = shape_inference.infer_shapes(model)
    except Exception:  # noqa: BLE001 - onnx raises many kinds; no MACs then
        return None
    shapes = {}
    for info in list(inferred.graph.value_info) + list(inferred.graph.input) + list(inferred.graph.output):
        facts = value_info(info)
        if facts["shape"] is not None:
            shapes[info.name] = [d if isinstance(d, int) else 1 for d in facts["shape"]]
    for tensor in inferred.graph.initializer:
        shapes[tensor.name] = list(tensor.dims)
    total = 0
    for node in inferred.graph.node:
        operands = MAC_OPERANDS.get(node.op_type) if node.domain in DEFAULT_DOMAINS else None
        if operands is None:
            continue
        a, b = shapes.get(node.input[operands[0]]), shapes.get(node.input[operands[1]])
        out = shapes.get(node.output[0])
        if a is None or b is None or out is None:
            return None
        if node.op_type in ("Conv", "ConvInteger", "QLinearConv"):
            per_output = 1
            for d in b[1:]:
                per_output *= d
            total += elements(out) * per_output
        elif node.op_type == "Gemm":
            trans_a = next((x.i for x in node.attribute if x.name == "transA"), 0)
            k = a[0] if trans_a else a[1]
            total += elements(out) * k
        else:
            total += elements(out) * (a[-1] if len(a) > 1 else a[0])
    return total


def facts(path):
    try:
        model = onnx.load(path, load_external_data=False)
    except Exception as error:  # noqa: BLE001
        return {"error": str(error).splitlines()[0] if str(error) else type(error).__name__}
    graph = model.graph
    initializers = {t.name for t in graph.initializer}
    opset = next((o.version for o in model.opset_import if o.domain in DEFAULT_DOMAINS), 0)
    return {
        "opset": opset,
        "ir_version": model.ir_version,
        "inputs": [value_info(i) for i in graph.input if i.name not in initializers],
        "outputs": [value_info(o) for o in graph.output],
        "parameters": parameters(graph),
        "ops": ops(graph),
        "macs": macs(model),
    }


def main(paths):
    json.dump({path: facts(path) for path in paths}, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
