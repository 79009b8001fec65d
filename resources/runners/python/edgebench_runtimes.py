"""Which Python inference modules this interpreter has, which protocol runtimes they serve, and
loading a model into the one a load request names. Modules are imported on first need and at most
once. Python 3.6+."""
import os
import sys

from edgebench_protocol import Failure

# TFLite interpreters for the format runtime 'litert' (boards), in order of preference.
LITERT_MODULES = ['tflite_runtime', 'ai_edge_litert', 'tensorflow', 'pyarmnn']
LITERT_INSTALL = 'pip install tflite-runtime (or pip install ai-edge-litert), or apt install python3-pyarmnn'
# Each 'python:*' runtime (src/shared/plugins/runtimes/python-*.ts): the modules that serve it, best first, and how to get one.
PYTHON_RUNTIMES = {
    'python:litert': (['ai_edge_litert', 'tflite_runtime', 'tensorflow'], 'pip install ai-edge-litert (or tflite-runtime)'),
    'python:onnxruntime': (['onnxruntime'], 'pip install onnxruntime (onnxruntime-gpu, -openvino or -qnn for their providers)'),
    'python:openvino': (['openvino'], 'pip install openvino'),
    'python:pyarmnn': (['pyarmnn'], 'apt install python3-pyarmnn and a backend (libarmnn-cpuacc-backend on Arm, libarmnn-cpuref-backend anywhere)'),
}
PROBED_MODULES = ['onnxruntime', 'tflite_runtime', 'ai_edge_litert', 'tensorflow', 'pyarmnn', 'openvino']
TFJS_REASON = 'The Python runner does not run TF.js models; the studio runs them with its Node runner.'

_versions = {}


def module_version(name):
    """The module's version, importing it (and what it needs to serve) once; raises what the import raised."""
    if name in _versions:
        if isinstance(_versions[name], Exception):
            raise _versions[name]
        return _versions[name]
    try:
        module = __import__(name)
        if name == 'tensorflow':
            module.lite.Interpreter  # noqa: B018 -- a TensorFlow build without TFLite cannot serve
        if name in ('tflite_runtime', 'ai_edge_litert'):
            __import__(name + '.interpreter')
        version = getattr(module, '__version__', None)
        if version is None and hasattr(module, 'get_version'):
            version = module.get_version()  # openvino before 2023 has only get_version()
        _versions[name] = str(version or 'unknown version')
    except Exception as error:  # any import failure means "not usable here", with the reason kept
        _versions[name] = error
        raise
    return _versions[name]


def import_problem(name, error):
    if isinstance(error, ImportError):
        return '%s is not installed for %s (%s)' % (name, sys.executable, error)
    return 'importing %s failed: %s: %s' % (name, type(error).__name__, error)


def first_module(names, version_of=None):
    """(module, version) of the first importable name, or (None, [problems])."""
    problems = []
    for name in names:  # stop at the first: importing TensorFlow costs seconds and memory
        try:
            return name, (version_of or module_version)(name)
        except Exception as error:
            problems.append(import_problem(name, error))
    return None, problems


def installed_version(name):
    """A module's version without importing it (its package metadata), for modules only one runtime uses: importing
    OpenVINO at hello would add its memory to every run's peak RSS. Raises ImportError when it is not installed."""
    import importlib.util
    if importlib.util.find_spec(name) is None:
        raise ImportError("No module named '%s'" % name)
    try:
        from importlib.metadata import version  # 3.8+
        return version(name)
    except Exception:  # 3.6/3.7, or a build without metadata: import it after all
        return module_version(name)


def detect_runtimes():
    """Protocol runtime name -> (version, module) or (None, why)."""
    found = {'tfjs': (None, TFJS_REASON)}
    try:
        found['onnxruntime'] = (module_version('onnxruntime'), 'onnxruntime')
    except Exception as error:
        found['onnxruntime'] = (None, '%s; install it on the board with: pip install onnxruntime' % import_problem('onnxruntime', error))
    module, version = first_module(LITERT_MODULES)
    found['litert'] = ('%s %s' % (module, version), module) if module else \
        (None, 'No TFLite interpreter for Python is usable here (%s); install one on the board with: %s.' % ('; '.join(version), LITERT_INSTALL))
    for runtime, (modules, install) in sorted(PYTHON_RUNTIMES.items()):
        module, version = first_module(modules, installed_version if runtime == 'python:openvino' else module_version)
        found[runtime] = ('%s %s' % (module, version), module) if module else \
            (None, '%s; install it for %s with: %s.' % ('; '.join(version), sys.executable, install))
    return found


def accelerators_of(module):
    """What the module can accelerate with here (for --probe): providers, backends, devices, delegate libraries that load."""
    try:
        if module == 'onnxruntime':
            import onnxruntime
            return list(onnxruntime.get_available_providers())
        if module == 'pyarmnn':
            import pyarmnn as ann
            runtime = ann.IRuntime(ann.CreationOptions())  # kept alive while its device spec is read
            return [str(b) for b in runtime.GetDeviceSpec().GetSupportedBackends()]
        if module == 'openvino':
            from edgebench_openvino import openvino_core
            return list(openvino_core().available_devices)
        if module in ('tflite_runtime', 'ai_edge_litert', 'tensorflow'):
            import ctypes
            from edgebench_tflite import DELEGATE_LIBRARIES, delegate_library
            present = []
            for kind in sorted(DELEGATE_LIBRARIES):
                try:
                    ctypes.CDLL(delegate_library(kind))
                    present.append(kind)
                except OSError:
                    pass  # the library is not installed: that delegate is not offered
            return present
    except Exception as error:
        sys.stderr.write('listing what %s can accelerate with failed: %s\n' % (module, error))
    return []


def load_model(req, detected):
    name, path, options = req['runtime'], req['modelPath'], req['options']
    version, module = detected[name]
    if version is None:
        raise Failure('UNKNOWN_RUNTIME', "The runtime '%s' cannot be loaded on this machine: %s" % (name, module))
    if not os.path.isfile(path):
        raise Failure('LOAD_FAILED', "%s could not load '%s': the file does not exist; check the path." % (module, path))
    import numpy as np
    threads, inputs = req['threads'], req['inputs']
    if module == 'onnxruntime':
        from edgebench_onnx import OrtModel
        if name == 'onnxruntime':
            options = dict(options, ortProvider='cpu')  # the format runtime keeps to the CPU, as it always did
        return OrtModel(np, path, threads, inputs, options)
    if module == 'pyarmnn':
        from edgebench_armnn import ArmnnModel
        return ArmnnModel(np, path, threads, inputs, options['armnnBackend'] if name == 'python:pyarmnn' else 'auto')
    if module == 'openvino':
        from edgebench_openvino import OpenvinoModel
        return OpenvinoModel(np, path, threads, inputs, options['openvinoDevice'])
    from edgebench_tflite import TfliteModel
    return TfliteModel(np, module, path, threads, inputs, options['tfliteDelegate'] if name == 'python:litert' else 'none')
