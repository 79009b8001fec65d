"""FAKE tflite_runtime.interpreter: load_delegate and the Interpreter calls the EdgeBench Python runner makes."""
import os

import numpy as np


class Delegate(object):
    def __init__(self, library):
        self.library = library


def load_delegate(library, options=None):
    loadable = [d for d in os.environ.get('EDGEBENCH_FAKE_TFLITE_DELEGATES', '').split(',') if d]
    if library not in loadable:
        # The real API's words when the shared library is missing or finds no device.
        raise ValueError('Failed to load delegate from %s\n' % library)
    return Delegate(library)


class Interpreter(object):
    def __init__(self, model_path=None, num_threads=None, experimental_delegates=None):
        if not os.path.isfile(model_path):
            raise ValueError('Could not open \'%s\'.' % model_path)
        self.delegates = list(experimental_delegates or [])
        self.threads = num_threads
        self.tensors = {}

    def get_input_details(self):
        return [{'name': 'x', 'index': 0, 'shape': np.array([1, 4], dtype=np.int32),
                 'shape_signature': np.array([1, 4], dtype=np.int32), 'dtype': np.float32}]

    def get_output_details(self):
        return [{'name': 'y', 'index': 1, 'shape': np.array([1, 2], dtype=np.int32), 'dtype': np.float32}]

    def resize_tensor_input(self, index, shape):
        raise ValueError('the fake interpreter keeps its shapes')

    def allocate_tensors(self):
        pass

    def _get_ops_details(self):
        # The execution plan: an Edge TPU-compiled model runs its TPU part as one custom op; the rest stays on the CPU.
        if any('edgetpu' in d.library for d in self.delegates):
            return [{'index': 0, 'op_name': 'edgetpu-custom-op'}, {'index': 1, 'op_name': 'SOFTMAX'}]
        if self.delegates:
            return [{'index': 0, 'op_name': 'DELEGATE'}]
        return [{'index': 0, 'op_name': 'FULLY_CONNECTED'}, {'index': 1, 'op_name': 'SOFTMAX'}]

    def set_tensor(self, index, value):
        self.tensors[index] = value

    def invoke(self):
        self.tensors[1] = np.zeros((1, 2), dtype=np.float32)

    def get_tensor(self, index):
        return self.tensors.get(index)
