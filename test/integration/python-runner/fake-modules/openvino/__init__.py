"""FAKE openvino for tests (see ../README.md): Core, read_model, compile_model, EXECUTION_DEVICES."""
import os

import numpy as np

__version__ = '2024.4.0+fake'


class _Dim(object):
    def __init__(self, n):
        self.is_static, self._n = True, n

    def get_length(self):
        return self._n


class _Type(object):
    def to_dtype(self):
        return np.dtype('float32')


class _Port(object):
    def get_any_name(self):
        return 'x'

    def get_element_type(self):
        return _Type()

    def get_partial_shape(self):
        return [_Dim(1), _Dim(4)]


class _Model(object):
    inputs = [_Port()]

    def reshape(self, shapes):
        raise RuntimeError('the fake model keeps its shapes')


class _Request(object):
    def infer(self, feeds):
        return {'y': np.zeros((1, 2), dtype=np.float32)}


class _Compiled(object):
    inputs = [_Port()]

    def __init__(self, device, devices):
        self.device, self.devices = device, devices

    def get_property(self, name):
        assert name == 'EXECUTION_DEVICES'
        # AUTO picks the first accelerator it has, else the CPU, as OpenVINO's AUTO plugin prefers.
        return [next((d for d in self.devices if d != 'CPU'), 'CPU')] if self.device == 'AUTO' else [self.device]

    def create_infer_request(self):
        return _Request()


class Core(object):
    def __init__(self):
        self.available_devices = [d for d in os.environ.get('EDGEBENCH_FAKE_OPENVINO_DEVICES', 'CPU').split(',') if d]

    def read_model(self, path):
        if not os.path.isfile(path):
            raise RuntimeError('Model file %s cannot be opened!' % path)
        return _Model()

    def compile_model(self, model, device, config=None):
        return _Compiled(device, self.available_devices)
