#!/usr/bin/python3
"""Statistics of every constant tensor of a TFLite model, from flatc's JSON of it, computed by numpy.

An independent check of the studio's TFLite weight statistics (src/core/formats/graph/tflite-graph.ts):
flatc (Debian's flatbuffers-compiler) decodes the model with TFLite's own schema.fbs into JSON
(`flatc --json --strict-json --raw-binary schema.fbs -- model.tflite`), and numpy (python3-numpy)
reads each buffer's bytes as the tensor's type, dequantized as (q - zero_point) * scale per
channel along quantized_dimension where the tensor carries scale and its type is an integer.

    /usr/bin/python3 test/real-models/independent/tflite_weight_stats.py MODEL.json

Prints {"<subgraph>:<tensor index>": {elements, min, max, mean, std, zeroShare}} for every tensor
whose buffer holds data and that is not stored sparse.
"""
import json
import sys

import numpy as np

DTYPES = {
    "FLOAT32": np.float32, "FLOAT16": np.float16, "FLOAT64": np.float64, "INT8": np.int8, "UINT8": np.uint8,
    "INT16": np.int16, "UINT16": np.uint16, "INT32": np.int32, "UINT32": np.uint32, "INT64": np.int64, "BOOL": np.uint8,
}


def stats(tensor, data):
    dtype = DTYPES.get(tensor.get("type", "FLOAT32"))
    if dtype is None:
        return None
    shape = tensor.get("shape", [])
    values = np.frombuffer(bytes(data), dtype=dtype).astype(np.float64)
    values = values[: int(np.prod(shape))] if shape else values
    quantization = tensor.get("quantization", {})
    scale = quantization.get("scale", [])
    if scale and np.issubdtype(dtype, np.integer):
        zero = quantization.get("zero_point", [0] * len(scale))
        axis = quantization.get("quantized_dimension", 0)
        grid = values.reshape(shape)
        broadcast = [1] * len(shape)
        broadcast[axis] = len(scale) if len(scale) > 1 else 1
        grid = (grid - np.array(zero, dtype=np.float64).reshape(broadcast)) * np.array(scale, dtype=np.float64).reshape(broadcast)
        values = grid.reshape(-1)
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return None
    return {
        "elements": int(values.size),
        "min": float(finite.min()),
        "max": float(finite.max()),
        "mean": float(finite.mean()),
        "std": float(finite.std()),
        "zeroShare": float(np.count_nonzero(finite == 0) / finite.size),
    }


def main(path):
    model = json.load(open(path))
    buffers = model.get("buffers", [])
    out = {}
    for s, subgraph in enumerate(model.get("subgraphs", [])):
        for t, tensor in enumerate(subgraph.get("tensors", [])):
            data = buffers[tensor.get("buffer", 0)].get("data", []) if tensor.get("buffer", 0) < len(buffers) else []
            if not data or "sparsity" in tensor:
                continue
            result = stats(tensor, data)
            if result is not None:
                out[f"{s}:{t}"] = result
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1])
