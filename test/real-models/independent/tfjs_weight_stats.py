#!/usr/bin/python3
"""Statistics of every weight of a TF.js model.json, read from its shards by numpy.

An independent check of the studio's TF.js weight statistics (src/core/formats/graph/tfjs-graph.ts):
the manifest's weights lie one after another over the group's shards joined end to end; numpy
(python3-numpy) reads each as its stored type and decodes it as TF.js does: uint8/uint16 codes
as code * scale + min (rounded for int32 weights), float16 as IEEE halves.

    /usr/bin/python3 test/real-models/independent/tfjs_weight_stats.py model.json

Prints {"<weight name>": {elements, min, max, mean, std, zeroShare}}.
"""
import json
import os
import sys

import numpy as np

DTYPES = {"float32": np.float32, "int32": np.int32, "bool": np.uint8, "uint8": np.uint8, "uint16": np.uint16, "float16": np.float16, "int8": np.int8, "int16": np.int16, "int64": np.int64}


def main(path):
    model = json.load(open(path))
    folder = os.path.dirname(path)
    out = {}
    for group in model.get("weightsManifest", []):
        data = b"".join(open(os.path.join(folder, p), "rb").read() for p in group["paths"])
        offset = 0
        for weight in group["weights"]:
            quantization = weight.get("quantization")
            stored = DTYPES[(quantization or {}).get("dtype", weight["dtype"])]
            count = int(np.prod(weight["shape"])) if weight["shape"] else 1
            size = count * np.dtype(stored).itemsize
            values = np.frombuffer(data[offset:offset + size], dtype=stored).astype(np.float64)
            offset += size
            if quantization and quantization["dtype"] in ("uint8", "uint16"):
                values = values * quantization["scale"] + quantization["min"]
                if weight["dtype"] == "int32":
                    values = np.round(values)
            finite = values[np.isfinite(values)]
            if finite.size == 0:
                continue
            out[weight["name"]] = {
                "elements": int(values.size),
                "min": float(finite.min()),
                "max": float(finite.max()),
                "mean": float(finite.mean()),
                "std": float(finite.std()),
                "zeroShare": float(np.count_nonzero(finite == 0) / finite.size),
            }
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1])
