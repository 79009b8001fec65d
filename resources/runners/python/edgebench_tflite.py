"""TFLite interpreters for Python (ai_edge_litert, tflite_runtime and tf.lite share one Interpreter
API), with the delegates a board may have: the Edge TPU (libedgetpu) and the TFLite GPU delegate.
Python 3.6+."""
import sys

from edgebench_inputs import Model, accelerator
from edgebench_machine import now_ns
from edgebench_protocol import Failure

# The delegates' shared libraries by platform, as their runtimes install them.
DELEGATE_LIBRARIES = {
    'edgetpu': {'linux': 'libedgetpu.so.1', 'darwin': 'libedgetpu.1.dylib', 'win32': 'edgetpu.dll'},
    'gpu': {'linux': 'libtensorflowlite_gpu_delegate.so', 'darwin': 'libtensorflowlite_gpu_delegate.dylib',
            'win32': 'tensorflowlite_gpu_delegate.dll'},
}
DELEGATE_NAMES = {'edgetpu': 'Edge TPU', 'gpu': 'TFLite GPU'}
DELEGATE_INSTALL = {
    'edgetpu': 'install the Edge TPU runtime (apt install libedgetpu1-std) and plug in the accelerator',
    'gpu': 'build or install libtensorflowlite_gpu_delegate.so where the loader finds it (LD_LIBRARY_PATH)',
}
# The op a model compiled by edgetpu_compiler runs on the TPU; a delegate's kernel shows as DELEGATE.
ACCELERATOR_OPS = {'edgetpu-custom-op', 'DELEGATE', 'TfLiteGpuDelegateV2', 'TfLiteGpuDelegate'}


def delegate_library(kind, platform=None):
    table = DELEGATE_LIBRARIES[kind]
    platform = platform or sys.platform
    return table['linux' if platform.startswith('linux') else platform if platform in table else 'linux']


def interpreter_api(module):
    """(Interpreter class, load_delegate function) of the module."""
    if module == 'tensorflow':
        import tensorflow
        return tensorflow.lite.Interpreter, tensorflow.lite.experimental.load_delegate
    api = __import__(module + '.interpreter', fromlist=['Interpreter', 'load_delegate'])
    return api.Interpreter, api.load_delegate


def op_placement(interpreter):
    """Ops of the execution plan on the accelerator vs the CPU, where the interpreter lists them (TF 2.5+); else None."""
    details = getattr(interpreter, '_get_ops_details', None)
    if details is None:
        return None
    try:
        ops = details()
    except Exception:  # a private listing that this build lacks: placement stays unknown, never guessed
        return None
    on_accelerator, cpu = 0, {}
    for op in ops:
        name = str(op.get('op_name', 'unknown'))
        if name in ACCELERATOR_OPS:
            on_accelerator += 1
        else:
            cpu[name] = cpu.get(name, 0) + 1
    return {'source': 'interpreter', 'onAccelerator': on_accelerator, 'onCpu': sum(cpu.values()),
            'cpuOps': [{'opType': k, 'count': v} for k, v in sorted(cpu.items())]}


class TfliteModel(Model):
    def __init__(self, np, module, path, threads, requests, delegate='none'):
        interpreter_class, load_delegate = interpreter_api(module)
        start = now_ns()
        delegates = []
        if delegate != 'none':
            library = delegate_library(delegate)
            try:
                delegates.append(load_delegate(library))
            except Exception as error:  # ValueError "Failed to load delegate from ..." is what the API raises
                raise Failure('LOAD_FAILED', "The %s delegate (%s) could not be loaded by %s: %s; %s, or run without the delegate (--tflite-delegate none)."
                              % (DELEGATE_NAMES[delegate], library, module, str(error).strip().rstrip('.'), DELEGATE_INSTALL[delegate]))
        try:
            kwargs = {'model_path': path, 'num_threads': threads if threads > 0 else None}
            if delegates:
                kwargs['experimental_delegates'] = delegates
            self.interpreter = interpreter_class(**kwargs)
            details = self.interpreter.get_input_details()
            requested = dict((r['name'], r) for r in requests)
            for detail in details:
                shape = (requested.get(detail['name']) or {}).get('shape')
                if shape is not None and list(shape) != list(detail['shape']):
                    self.interpreter.resize_tensor_input(detail['index'], shape)
            self.interpreter.allocate_tensors()
        except Exception as error:
            raise Failure('LOAD_FAILED', "%s could not load '%s': %s" % (module, path, str(error).strip()))
        self.initMs = (now_ns() - start) / 1e6
        label = 'tf.lite' if module == 'tensorflow' else module
        self.backend = '%s %s' % (label, DELEGATE_NAMES[delegate] + ' delegate' if delegates else 'cpu')
        if delegates:
            placement = op_placement(self.interpreter)
            self.accelerator = accelerator([delegate], [delegate] if placement is None or placement['onAccelerator'] > 0 else ['cpu'], ops=placement)
            if placement is not None and placement['onAccelerator'] == 0:
                self.accelerator['unavailable'].append({'name': delegate, 'reason': 'the delegate loaded but took no op of this model (for the Edge TPU, compile the model with edgetpu_compiler first)'})
        self.indices = [d['index'] for d in details]
        self.outputs = [d['index'] for d in self.interpreter.get_output_details()]
        specs = []
        for d in details:
            signature = d.get('shape_signature', d['shape'])
            specs.append((d['name'], np.dtype(d['dtype']).name, [None if x < 0 else int(x) for x in signature]))
        Model.__init__(self, np, specs, requests)
        self.set_inputs()

    def set_inputs(self):
        for index, array in zip(self.indices, self.arrays):
            self.interpreter.set_tensor(index, array)

    def run(self):
        self.interpreter.invoke()
        for index in self.outputs:  # copying the outputs out, as an application would
            self.interpreter.get_tensor(index)
