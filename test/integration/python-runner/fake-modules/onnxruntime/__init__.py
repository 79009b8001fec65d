"""FAKE onnxruntime for tests (see ../README.md): the calls the EdgeBench Python runner makes."""
import os

__version__ = '1.20.1+fake'


def get_available_providers():
    extra = [p for p in os.environ.get('EDGEBENCH_FAKE_ORT_PROVIDERS', '').split(',') if p]
    return extra + ['CPUExecutionProvider']


class GraphOptimizationLevel(object):
    ORT_DISABLE_ALL, ORT_ENABLE_BASIC, ORT_ENABLE_EXTENDED, ORT_ENABLE_ALL = 0, 1, 2, 99


class ExecutionMode(object):
    ORT_SEQUENTIAL, ORT_PARALLEL = 0, 1


class SessionOptions(object):
    def __init__(self):
        self.intra_op_num_threads = 0
        self.inter_op_num_threads = 0
        self.graph_optimization_level = GraphOptimizationLevel.ORT_ENABLE_ALL
        self.execution_mode = ExecutionMode.ORT_SEQUENTIAL
        self.log_severity_level = 2  # WARNING, onnxruntime's default


class _Meta(object):
    def __init__(self, name, type_, shape):
        self.name, self.type, self.shape = name, type_, shape


class InferenceSession(object):
    def __init__(self, path, sess_options=None, providers=None):
        if not os.path.isfile(path):
            raise RuntimeError('[ONNXRuntimeError] : 3 : NO_SUCHFILE : Load model from %s failed. File doesn\'t exist' % path)
        available = get_available_providers()
        for p in providers or []:
            if p not in available:
                raise ValueError("Specified provider '%s' is not in available provider names.Available providers: '%s'" % (p, ', '.join(available)))
        dropped = os.environ.get('EDGEBENCH_FAKE_ORT_DROP', '')
        self._providers = [p for p in (providers or ['CPUExecutionProvider']) if p != dropped]
        if dropped and dropped in (providers or []):
            os.write(2, ('[W:onnxruntime:Default, onnxruntime_pybind_state.cc:965 CreateExecutionProviderInstance] Failed to create %s. Require cuDNN 9.* and CUDA 12.*.\n' % dropped).encode())
        log = os.environ.get('EDGEBENCH_FAKE_ORT_LOG')
        if log and sess_options is not None and sess_options.log_severity_level == 0:
            with open(log, 'rb') as handle:
                os.write(2, handle.read())  # onnxruntime's C++ logger writes to the process's stderr, not sys.stderr
        self.options = sess_options

    def get_providers(self):
        return list(self._providers)

    def get_inputs(self):
        return [_Meta('x', 'tensor(float)', [1, 4])]

    def run(self, outputs, feeds):
        return [feeds['x'] * 0]
