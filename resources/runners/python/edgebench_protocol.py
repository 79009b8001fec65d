"""The runner protocol's requests, validated as the zod schemas in src/core/runner/protocol.ts do
(unknown fields are ignored, like zod does). Python 3.6+."""
import json

PROTOCOL = 'edgebench.runner/1'
RUNNER = {'name': 'edgebench-python-runner', 'version': '0.1.0'}
# The registry runtimes a Python runner can be asked for (src/shared/plugins/runtimes): the format
# runtimes pick a module by themselves; each 'python:*' runtime names the engine it must use.
RUNTIME_NAMES = ['onnxruntime', 'tfjs', 'litert', 'python:litert', 'python:onnxruntime', 'python:openvino', 'python:pyarmnn']
# Each accelerator option's values, as the runtimes' descriptors declare them (src/shared/plugins/runtimes/python-*.ts).
TFLITE_DELEGATES = ['none', 'edgetpu', 'gpu']
ORT_PROVIDERS = ['cpu', 'auto', 'cuda', 'tensorrt', 'openvino', 'qnn']
OPENVINO_DEVICES = ['CPU', 'GPU', 'NPU', 'AUTO']
ARMNN_BACKENDS = ['auto', 'CpuAcc', 'GpuAcc', 'CpuRef']


class Failure(Exception):
    """An error reply: a protocol code (RunnerErrorCode) and a sentence for the user."""

    def __init__(self, code, message):
        Exception.__init__(self, message)
        self.code = code


def need(obj, key, kind, default=None, required=True, minimum=None, choices=None):
    if key not in obj or obj[key] is None and not required:
        if required and default is None:
            raise Failure('BAD_REQUEST', "field '%s' is missing" % key)
        return default
    value = obj[key]
    ok = {'str': isinstance(value, str), 'bool': isinstance(value, bool), 'list': isinstance(value, list),
          'dict': isinstance(value, dict),
          'num': isinstance(value, (int, float)) and not isinstance(value, bool),
          'int': isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer()}[kind]
    if not ok:
        raise Failure('BAD_REQUEST', "field '%s' must be %s, not %s" % (key, kind, json.dumps(value)[:60]))
    if kind == 'int':
        value = int(value)
    if minimum is not None and value < minimum:
        raise Failure('BAD_REQUEST', "field '%s' must be at least %s, not %s" % (key, minimum, value))
    if choices is not None and value not in choices:
        raise Failure('BAD_REQUEST', "field '%s' must be one of %s, not '%s'" % (key, ', '.join(choices), value))
    return value


def parse_input_request(raw):
    if not isinstance(raw, dict):
        raise Failure('BAD_REQUEST', 'every entry of inputs must be an object')
    fill = need(raw, 'fill', 'dict')
    kind = need(fill, 'kind', 'str', choices=['random', 'constant'])
    fill = {'kind': 'random', 'seed': need(fill, 'seed', 'int')} if kind == 'random' else \
        {'kind': 'constant', 'value': need(fill, 'value', 'num')}
    shape = need(raw, 'shape', 'list', required=False)
    if shape is not None:
        shape = [need({'shape': d}, 'shape', 'int', minimum=0) for d in shape]
    return {'name': need(raw, 'name', 'str'), 'shape': shape, 'fill': fill}


def parse_options(options):
    """The flat runtime options record: onnxruntime's session options and each Python runtime's accelerator."""
    return {'graphOptimizationLevel': need(options, 'graphOptimizationLevel', 'str', 'all',
                                           choices=['disabled', 'basic', 'extended', 'all']),
            'executionMode': need(options, 'executionMode', 'str', 'sequential', choices=['sequential', 'parallel']),
            'interOpThreads': need(options, 'interOpThreads', 'int', 0, minimum=0),
            'tfliteDelegate': need(options, 'tfliteDelegate', 'str', 'none', choices=TFLITE_DELEGATES),
            'ortProvider': need(options, 'ortProvider', 'str', 'cpu', choices=ORT_PROVIDERS),
            'openvinoDevice': need(options, 'openvinoDevice', 'str', 'CPU', choices=OPENVINO_DEVICES),
            'armnnBackend': need(options, 'armnnBackend', 'str', 'auto', choices=ARMNN_BACKENDS)}


def parse_request(line):
    try:
        req = json.loads(line)
    except ValueError as error:
        raise Failure('BAD_REQUEST', 'it is not JSON (%s)' % error)
    if not isinstance(req, dict):
        raise Failure('BAD_REQUEST', 'a request must be a JSON object')
    kind = need(req, 'type', 'str')
    if kind == 'hello':
        return {'type': kind, 'protocol': need(req, 'protocol', 'str')}
    if kind == 'load':
        return {'type': kind, 'modelPath': need(req, 'modelPath', 'str'),
                'runtime': need(req, 'runtime', 'str', choices=RUNTIME_NAMES),
                'threads': need(req, 'threads', 'int', minimum=0),
                'inputs': [parse_input_request(i) for i in need(req, 'inputs', 'list')],
                'options': parse_options(need(req, 'options', 'dict', default={}))}
    if kind == 'warmup':
        return {'type': kind, 'runs': need(req, 'runs', 'int', minimum=0),
                'minTimeMs': need(req, 'minTimeMs', 'num', 0, minimum=0)}
    if kind == 'measure':
        return {'type': kind, 'runs': need(req, 'runs', 'int', minimum=1),
                'minTimeMs': need(req, 'minTimeMs', 'num', minimum=0),
                'maxTimeMs': need(req, 'maxTimeMs', 'num', 0, minimum=0),
                'freshInputs': need(req, 'freshInputs', 'bool', False),
                'progressEvery': need(req, 'progressEvery', 'int', minimum=1),
                'maxRuns': need(req, 'maxRuns', 'int', required=False, minimum=1)}
    if kind == 'profile':
        return {'type': kind, 'runs': need(req, 'runs', 'int', minimum=1)}
    if kind == 'bye':
        return {'type': kind}
    raise Failure('BAD_REQUEST', "'%s' is not a request type of %s" % (kind, PROTOCOL))
