"""Arm NN through pyarmnn's TFLite parser, on the backend asked for (CpuAcc: NEON, GpuAcc: Mali
OpenCL, CpuRef: the portable reference) or the best this build has. Python 3.6+."""
import sys

from edgebench_inputs import Model, accelerator
from edgebench_machine import now_ns
from edgebench_protocol import Failure

# 'auto' as before this choice existed: NEON where the build has it, else the reference backend.
AUTO_BACKENDS = ['CpuAcc', 'CpuRef']
BACKEND_PACKAGES = {'CpuAcc': 'libarmnn-cpuacc-backend', 'GpuAcc': 'libarmnn-gpuacc-backend', 'CpuRef': 'libarmnn-cpuref-backend'}


def chosen_backends(choice, supported):
    """(backends to hand Optimize, in preference order) for the option and the runtime's supported backends; Failure when none fits."""
    if choice == 'auto':
        chosen = [b for b in AUTO_BACKENDS if b in supported]
    else:
        chosen = [choice] if choice in supported else []
    if not chosen:
        wanted = AUTO_BACKENDS if choice == 'auto' else [choice]
        raise Failure('LOAD_FAILED', 'Arm NN here has the backends %s, not %s; install the backend (on Debian: %s), or choose another with --armnn-backend.'
                      % (', '.join(supported) or 'none', ' or '.join(wanted), ' or '.join(BACKEND_PACKAGES[b] + '<version>' for b in wanted)))
    return chosen


class ArmnnModel(Model):
    def __init__(self, np, path, threads, requests, backend='auto'):
        import pyarmnn as ann
        self.ann = ann
        types = {'Float32': 'float32', 'Float16': 'float16', 'QAsymmU8': 'uint8', 'QAsymmS8': 'int8', 'QSymmS8': 'int8',
                 'QSymmS16': 'int16', 'Signed32': 'int32', 'Boolean': 'bool'}
        type_names = dict((getattr(ann, 'DataType_' + k), v) for k, v in types.items() if hasattr(ann, 'DataType_' + k))
        start = now_ns()
        self.runtime = ann.IRuntime(ann.CreationOptions())
        supported = [str(b) for b in self.runtime.GetDeviceSpec().GetSupportedBackends()]
        chosen = chosen_backends(backend, supported)
        try:
            parser = ann.ITfLiteParser()
            network = parser.CreateNetworkFromBinaryFile(path)
            self.in_bindings = [parser.GetNetworkInputBindingInfo(0, n) for n in parser.GetSubgraphInputTensorNames(0)]
            out_bindings = [parser.GetNetworkOutputBindingInfo(0, n) for n in parser.GetSubgraphOutputTensorNames(0)]
            optimized, messages = ann.Optimize(network, [ann.BackendId(b) for b in chosen], self.runtime.GetDeviceSpec(), ann.OptimizerOptions())
            self.network_id, _ = self.runtime.LoadNetwork(optimized)
        except Exception as error:
            raise Failure('LOAD_FAILED', "pyarmnn could not load '%s': %s (backends tried: %s)" % (path, str(error).strip(), ', '.join(chosen)))
        self.initMs = (now_ns() - start) / 1e6
        # Optimize assigns each layer to the first backend in the list that supports it; with one backend
        # it refuses a layer that backend lacks, so what ran is the first of the list (its messages say which layers moved).
        self.backend = 'pyarmnn ' + chosen[0]
        notes = [str(m).strip() for m in (messages or []) if str(m).strip()]
        # Optimize's warnings name each layer it moved to the next backend in the list ("... falling back to the next backend").
        fell_back = [m for m in notes if 'falling back' in m.lower()]
        used = chosen if fell_back else chosen[:1]
        self.accelerator = accelerator([backend] if backend != 'auto' else AUTO_BACKENDS, used,
                                       [{'name': b, 'reason': 'not in this Arm NN build (it has %s)' % ', '.join(supported)}
                                        for b in ([backend] if backend != 'auto' else AUTO_BACKENDS) if b not in supported])
        if notes:
            self.accelerator['notes'] = notes
        if threads > 1:
            sys.stderr.write('pyarmnn: %d threads were asked; Arm NN picks its own threading.\n' % threads)
        specs = []
        for name, (_, info) in zip(parser.GetSubgraphInputTensorNames(0), self.in_bindings):
            shape = info.GetShape()
            dims = [int(shape[i]) for i in range(info.GetNumDimensions())]
            specs.append((name, type_names.get(info.GetDataType(), 'armnn type %s' % info.GetDataType()), dims))
        for name, _, dims in specs:
            req = [r for r in requests if r['name'] == name and r['shape'] is not None and r['shape'] != dims]
            if req:
                raise Failure('UNSUPPORTED_INPUT', "Input '%s' is %s in the model and pyarmnn cannot resize it, so the shape %s cannot be used." % (name, dims, req[0]['shape']))
        Model.__init__(self, np, specs, requests)
        self.outputs = ann.make_output_tensors(out_bindings)
        self.set_inputs()

    def set_inputs(self):
        self.feeds = self.ann.make_input_tensors(self.in_bindings, self.arrays)

    def run(self):
        self.runtime.EnqueueWorkload(self.network_id, self.feeds, self.outputs)

    def release(self):
        self.runtime.UnloadNetwork(self.network_id)
