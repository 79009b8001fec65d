"""OpenVINO's runtime, which reads ONNX and TFLite files itself, on the device asked for (CPU, GPU,
NPU, or AUTO, which picks one). What really ran is the compiled model's EXECUTION_DEVICES. Python 3.6+."""
from edgebench_inputs import Model, accelerator
from edgebench_machine import now_ns
from edgebench_protocol import Failure


def openvino_core():
    try:
        import openvino as ov
        if hasattr(ov, 'Core'):
            return ov.Core()
    except ImportError:
        pass
    from openvino.runtime import Core  # releases before 2023.1 keep it here
    return Core()


def dim_of(dim):
    return dim.get_length() if dim.is_static else None


class OpenvinoModel(Model):
    def __init__(self, np, path, threads, requests, device='CPU'):
        core = openvino_core()
        available = list(core.available_devices)
        if device != 'AUTO' and not any(d == device or d.startswith(device + '.') for d in available):
            raise Failure('LOAD_FAILED', "OpenVINO here has the devices %s, not %s; install that device's OpenVINO plugin and driver, or choose another with --openvino-device."
                          % (', '.join(available) or 'none', device))
        start = now_ns()
        try:
            model = core.read_model(path)
            requested = dict((r['name'], r['shape']) for r in requests if r['shape'] is not None)
            shapes = dict((port.get_any_name(), requested[port.get_any_name()]) for port in model.inputs if port.get_any_name() in requested)
            if shapes:
                model.reshape(shapes)
            config = {'INFERENCE_NUM_THREADS': threads} if threads > 0 and device in ('CPU', 'AUTO') else {}
            self.compiled = core.compile_model(model, device, config)
            self.request = self.compiled.create_infer_request()
        except Failure:
            raise
        except Exception as error:
            raise Failure('LOAD_FAILED', "OpenVINO could not load '%s' on %s: %s" % (path, device, str(error).strip()))
        self.initMs = (now_ns() - start) / 1e6
        try:
            used = [str(d) for d in self.compiled.get_property('EXECUTION_DEVICES')]
        except Exception:  # older releases lack the property: say only what was asked
            used = [device]
        self.backend = 'openvino ' + ', '.join(used)
        self.accelerator = accelerator([device], used)
        specs = []
        for port in self.compiled.inputs:
            specs.append((port.get_any_name(), np.dtype(port.get_element_type().to_dtype()).name,
                          [dim_of(d) for d in port.get_partial_shape()]))
        Model.__init__(self, np, specs, requests)
        self.set_inputs()

    def set_inputs(self):
        self.feeds = dict((spec['name'], array) for spec, array in zip(self.inputs, self.arrays))

    def run(self):
        self.request.infer(self.feeds)
