"""Classifies the first held-out demo digits with the Python runner's own pyarmnn model class.

usage: classify_digits.py RUNNER_DIR MODEL.tflite DIGITS_DIR COUNT -> prints {"predicted": [...], "labels": [...]}
"""
import json
import sys

sys.path.insert(0, sys.argv[1])
import numpy as np  # noqa: E402
from edgebench_armnn import ArmnnModel  # noqa: E402

PIXELS = 28 * 28
model = ArmnnModel(np, sys.argv[2], 0, [])
samples = np.fromfile(sys.argv[3] + '/samples.u8', dtype=np.uint8)
labels = np.fromfile(sys.argv[3] + '/labels.u8', dtype=np.uint8)
predicted = []
for i in range(int(sys.argv[4])):
    model.arrays = [(samples[i * PIXELS:(i + 1) * PIXELS].astype(np.float32) / 255).reshape(1, 28, 28, 1)]
    model.set_inputs()
    model.run()
    predicted.append(int(np.argmax(model.ann.workload_tensors_to_ndarray(model.outputs)[0])))
print(json.dumps({'predicted': predicted, 'labels': labels[:len(predicted)].tolist()}))
