#!/usr/bin/env python3
"""EdgeBench's Python runner: the same "edgebench.runner/1" protocol as the Node runner
(src/core/runner/protocol.ts), for boards that have a Python inference runtime but no Node.

One JSON request per line on stdin, one JSON reply per line on stdout, logs on stderr. stdout's
file descriptor is moved aside at start and fd 1 pointed at stderr, so whatever a native runtime
prints can never corrupt the protocol. Standard library only; numpy is imported when a model is
loaded (every Python runtime needs it anyway). Python 3.6+ (JetPack 4 ships 3.6).

`python3 edgebench_runner.py --probe` prints one JSON object describing every Python runtime
module it finds (including the ones the runner would not pick) and the hardware, then exits.
"""
import json
import os
import platform
import re
import sys
import time
import traceback

PROTOCOL = 'edgebench.runner/1'
RUNNER = {'name': 'edgebench-python-runner', 'version': '0.1.0'}
RSS_SAMPLE_NS = 10000000
DEFAULT_MAX_RUNS = 100000
PROGRESS_MIN_GAP_MS, PROGRESS_MAX_GAP_MS = 50, 200
RANDOM_INT_LIMIT = 10
# Same list and order as INFERENCE_CPU_FEATURES in src/core/targets/local-target.ts.
CPU_FEATURES = ['avx', 'avx2', 'fma', 'avx512f', 'avx512_vnni', 'avx_vnni', 'avx512_bf16', 'avx512_fp16', 'amx_tile',
                'amx_int8', 'amx_bf16', 'asimd', 'asimddp', 'asimdhp', 'i8mm', 'sve', 'sve2', 'bf16']
# TFLite interpreters in order of preference: (module to import, package to name, how to install).
LITERT_MODULES = ['tflite_runtime', 'ai_edge_litert', 'tensorflow', 'pyarmnn']
LITERT_INSTALL = 'pip install tflite-runtime (or pip install ai-edge-litert), or apt install python3-pyarmnn'
# perf_counter_ns arrived in 3.7; 3.6 falls back to the float clock (sub-microsecond on Linux).
now_ns = getattr(time, 'perf_counter_ns', None) or (lambda: int(time.perf_counter() * 1e9))


class Failure(Exception):
    """An error reply: a protocol code (RunnerErrorCode) and a sentence for the user."""

    def __init__(self, code, message):
        Exception.__init__(self, message)
        self.code = code


# ---- request validation (mirrors the zod schemas; unknown fields are ignored like zod does) ----

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
        options = need(req, 'options', 'dict', default={})
        return {'type': kind, 'modelPath': need(req, 'modelPath', 'str'),
                'runtime': need(req, 'runtime', 'str', choices=['onnxruntime', 'tfjs', 'litert']),
                'threads': need(req, 'threads', 'int', minimum=0),
                'inputs': [parse_input_request(i) for i in need(req, 'inputs', 'list')],
                'options': {'graphOptimizationLevel': need(options, 'graphOptimizationLevel', 'str', 'all',
                                                           choices=['disabled', 'basic', 'extended', 'all']),
                            'executionMode': need(options, 'executionMode', 'str', 'sequential',
                                                  choices=['sequential', 'parallel']),
                            'interOpThreads': need(options, 'interOpThreads', 'int', 0, minimum=0)}}
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


# ---- this machine ----

def read_text(path):
    try:
        with open(path, encoding='utf-8', errors='replace') as handle:
            return handle.read()
    except OSError:
        return None  # a missing /proc file makes the profile less detailed, never wrong


def probe_hardware():
    cpuinfo = read_text('/proc/cpuinfo') or ''
    machine = platform.machine().lower()
    # Node's names (os.arch()), so a board reports the same arch through either runner.
    arch = {'x86_64': 'x64', 'amd64': 'x64', 'aarch64': 'arm64', 'arm64': 'arm64', 'i386': 'ia32', 'i686': 'ia32',
            'ppc64le': 'ppc64'}.get(machine, 'arm' if machine.startswith('arm') else machine)
    model = re.search(r'^(?:model name|Model|Hardware)\s*:\s*(.+)$', cpuinfo, re.M)
    flags = re.search(r'^(?:flags|Features)\s*:(.*)$', cpuinfo, re.M)
    present = set(flags.group(1).split()) if flags else set()
    meminfo = re.search(r'^MemTotal:\s*(\d+) kB', read_text('/proc/meminfo') or '', re.M)
    if meminfo:
        memory = int(meminfo.group(1)) * 1024
    else:
        try:
            memory = os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES')
        except (ValueError, OSError, AttributeError):
            memory = 0
    pretty = re.search(r'^PRETTY_NAME="?([^"\n]*)"?$', read_text('/etc/os-release') or '', re.M)
    os_name = '%s %s' % (platform.system(), platform.release()) + (' (%s)' % pretty.group(1) if pretty else '')
    return {'arch': arch, 'cpuModel': model.group(1).strip() if model else (platform.processor() or 'unknown CPU'),
            'cores': os.cpu_count() or 1, 'memoryBytes': memory, 'os': os_name,
            'cpuFeatures': [f for f in CPU_FEATURES if f in present]}


def timer_resolution_ns():
    """Smallest non-zero step between back-to-back clock readings (see src/core/bench/timer-resolution.ts)."""
    smallest, steps, previous = None, 0, now_ns()
    for _ in range(100000):
        current = now_ns()
        if current > previous:
            steps += 1
            smallest = current - previous if smallest is None else min(smallest, current - previous)
            if steps >= 200:
                break
        previous = current
    return smallest or 1


def current_rss_bytes():
    statm = read_text('/proc/self/statm')
    if statm:
        return int(statm.split()[1]) * os.sysconf('SC_PAGE_SIZE')
    return os_peak_rss_bytes() or 0


def os_peak_rss_bytes():
    try:
        import resource
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == 'darwin' else peak * 1024  # Linux reports kilobytes, macOS bytes


# ---- runtimes ----

def module_version(name):
    module = __import__(name)
    if name == 'tensorflow':
        module.lite.Interpreter  # noqa: B018 -- a TensorFlow build without TFLite cannot serve
    if name in ('tflite_runtime', 'ai_edge_litert'):
        __import__(name + '.interpreter')
    return str(getattr(module, '__version__', 'unknown version'))


def import_problem(name, error):
    if isinstance(error, ImportError):
        return '%s is not installed for %s (%s)' % (name, sys.executable, error)
    return 'importing %s failed: %s: %s' % (name, type(error).__name__, error)


def detect_runtimes():
    """Protocol runtime name -> (version, module) or (None, why), importing as little as possible."""
    found = {'tfjs': (None, 'The Python runner does not run TF.js models; the studio runs them with its Node runner.')}
    try:
        found['onnxruntime'] = ('%s' % module_version('onnxruntime'), 'onnxruntime')
    except Exception as error:  # any import failure means "not usable here", with the reason kept
        found['onnxruntime'] = (None, '%s; install it on the board with: pip install onnxruntime' % import_problem('onnxruntime', error))
    problems = []
    for name in LITERT_MODULES:  # stop at the first: importing TensorFlow costs seconds and memory
        try:
            found['litert'] = ('%s %s' % (name, module_version(name)), name)
            break
        except Exception as error:
            problems.append(import_problem(name, error))
    else:
        found['litert'] = (None, 'No TFLite interpreter for Python is usable here (%s); install one on the board with: %s.'
                           % ('; '.join(problems), LITERT_INSTALL))
    return found


def fill_values(np, dtype, count, fill):
    if fill['kind'] == 'constant':
        value = fill['value']
        if dtype == 'bool':
            value = 1 if value != 0 else 0
        elif not dtype.startswith('float'):
            value = int(value)  # truncates toward zero, like the Node runner
        return np.full(count, value, dtype=dtype)
    # mulberry32, vectorised: the same values as seededRandom() in src/core/runner/input-data.ts.
    state = ((fill['seed'] & 0xffffffff) + np.arange(1, count + 1, dtype=np.uint64) * 0x6d2b79f5) & 0xffffffff
    t = state.astype(np.uint32)
    t = (t ^ (t >> np.uint32(15))) * (t | np.uint32(1))
    t ^= t + (t ^ (t >> np.uint32(7))) * (t | np.uint32(61))
    uniform = (t ^ (t >> np.uint32(14))).astype(np.float64) / 4294967296.0
    if dtype.startswith('float'):
        return uniform.astype(dtype)
    if dtype == 'bool':
        return uniform >= 0.5
    return np.floor(uniform * RANDOM_INT_LIMIT).astype(dtype)


FILLABLE = {'float32', 'float64', 'float16', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'bool'}


class Model(object):
    """A loaded model with its inputs built; subclasses set the arrays into their runtime."""

    def __init__(self, np, specs, requests):
        """specs: (name, dtype, declaredShape) per model input, in the model's order."""
        self.np = np
        requested = dict((r['name'], r) for r in requests)
        self.inputs = []
        for index, (name, dtype, declared) in enumerate(specs):
            req = requested.get(name)
            shape = req['shape'] if req and req['shape'] is not None else [d if isinstance(d, int) else 1 for d in declared]
            if dtype not in FILLABLE:
                raise Failure('UNSUPPORTED_INPUT', "Input '%s' has element type '%s', which the benchmark cannot fill with generated data yet." % (name, dtype))
            # Seeds differ per input so two inputs of the same shape do not get the same data.
            fill = req['fill'] if req else {'kind': 'random', 'seed': index + 1}
            self.inputs.append({'name': name, 'dtype': dtype, 'shape': shape, 'fill': fill, 'declaredShape': declared})
        self.arrays = [self.make_array(i, i['fill']) for i in self.inputs]

    def make_array(self, spec, fill):
        count = 1
        for d in spec['shape']:
            count *= d
        return fill_values(self.np, spec['dtype'], count, fill).reshape(spec['shape'])

    def refresh(self, seed):
        for index, spec in enumerate(self.inputs):
            if spec['fill']['kind'] == 'random':  # inputs given a constant keep it
                mixed = ((seed * 0x9e3779b1) ^ ((index + 1) * 0x85ebca6b)) & 0xffffffff
                self.arrays[index] = self.make_array(spec, {'kind': 'random', 'seed': mixed})
        self.set_inputs()

    def set_inputs(self):
        pass

    def release(self):
        pass


class OrtModel(Model):
    TYPES = {'float': 'float32', 'double': 'float64', 'float16': 'float16', 'bool': 'bool'}

    def __init__(self, np, path, threads, requests, options):
        import onnxruntime as ort
        so = ort.SessionOptions()
        if threads > 0:
            so.intra_op_num_threads = threads
        if options['interOpThreads'] > 0:
            so.inter_op_num_threads = options['interOpThreads']
        so.graph_optimization_level = getattr(ort.GraphOptimizationLevel, {
            'disabled': 'ORT_DISABLE_ALL', 'basic': 'ORT_ENABLE_BASIC', 'extended': 'ORT_ENABLE_EXTENDED',
            'all': 'ORT_ENABLE_ALL'}[options['graphOptimizationLevel']])
        so.execution_mode = ort.ExecutionMode.ORT_PARALLEL if options['executionMode'] == 'parallel' else ort.ExecutionMode.ORT_SEQUENTIAL
        start = now_ns()
        try:
            self.session = ort.InferenceSession(path, sess_options=so, providers=['CPUExecutionProvider'])
        except Exception as error:
            raise Failure('LOAD_FAILED', "onnxruntime could not load '%s': %s" % (path, str(error).strip()))
        self.initMs = (now_ns() - start) / 1e6
        self.backend = 'cpu'
        specs = []
        for meta in self.session.get_inputs():
            kind = re.sub(r'^tensor\((.*)\)$', r'\1', meta.type)
            declared = [None if d is None or d == '' or (isinstance(d, int) and d < 0) else d for d in (meta.shape or [])]
            specs.append((meta.name, self.TYPES.get(kind, kind), declared))
        Model.__init__(self, np, specs, requests)
        self.set_inputs()

    def set_inputs(self):
        self.feeds = dict((spec['name'], array) for spec, array in zip(self.inputs, self.arrays))

    def run(self):
        self.session.run(None, self.feeds)


class TfliteModel(Model):
    """tflite_runtime, ai_edge_litert and tf.lite share one Interpreter API."""

    def __init__(self, np, module, path, threads, requests):
        if module == 'tensorflow':
            import tensorflow
            interpreter_class = tensorflow.lite.Interpreter
        else:
            interpreter_class = __import__(module + '.interpreter', fromlist=['Interpreter']).Interpreter
        start = now_ns()
        try:
            self.interpreter = interpreter_class(model_path=path, num_threads=threads if threads > 0 else None)
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
        self.backend = ('tf.lite' if module == 'tensorflow' else module) + ' cpu'
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


class ArmnnModel(Model):
    """Arm NN's TFLite parser; the first of CpuAcc (NEON) and CpuRef this build supports runs it."""

    def __init__(self, np, path, threads, requests):
        import pyarmnn as ann
        self.ann = ann
        types = {'Float32': 'float32', 'Float16': 'float16', 'QAsymmU8': 'uint8', 'QAsymmS8': 'int8', 'QSymmS8': 'int8',
                 'QSymmS16': 'int16', 'Signed32': 'int32', 'Boolean': 'bool'}
        type_names = dict((getattr(ann, 'DataType_' + k), v) for k, v in types.items() if hasattr(ann, 'DataType_' + k))
        start = now_ns()
        try:
            parser = ann.ITfLiteParser()
            network = parser.CreateNetworkFromBinaryFile(path)
            self.in_bindings = [parser.GetNetworkInputBindingInfo(0, n) for n in parser.GetSubgraphInputTensorNames(0)]
            out_bindings = [parser.GetNetworkOutputBindingInfo(0, n) for n in parser.GetSubgraphOutputTensorNames(0)]
            self.runtime = ann.IRuntime(ann.CreationOptions())
            supported = [str(b) for b in self.runtime.GetDeviceSpec().GetSupportedBackends()]
            chosen = [b for b in ('CpuAcc', 'CpuRef') if b in supported]
            optimized, _ = ann.Optimize(network, [ann.BackendId(b) for b in chosen], self.runtime.GetDeviceSpec(), ann.OptimizerOptions())
            self.network_id, _ = self.runtime.LoadNetwork(optimized)
        except Exception as error:
            raise Failure('LOAD_FAILED', "pyarmnn could not load '%s': %s" % (path, str(error).strip()))
        self.initMs = (now_ns() - start) / 1e6
        self.backend = 'pyarmnn ' + (chosen[0] if chosen else 'none')
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


# ---- the session ----

class Session(object):
    def __init__(self, out):
        self.out = out
        self.model = None
        self.runtime_name = None
        self.runtimes = None
        self.peak_rss = current_rss_bytes()
        self.rss_sampled_at = 0
        self.next_fresh_seed = 1  # fresh inputs keep drawing new seeds across measure requests

    def send(self, reply):
        self.out.write(json.dumps(reply, separators=(',', ':'), allow_nan=False) + '\n')
        self.out.flush()

    def sample_rss(self, force=False):
        # Reading /proc after every run of a microsecond model would cost measurable time; ru_maxrss catches the rest.
        now = now_ns()
        if force or now - self.rss_sampled_at >= RSS_SAMPLE_NS:
            self.rss_sampled_at = now
            self.peak_rss = max(self.peak_rss, current_rss_bytes())

    def detected(self):
        if self.runtimes is None:
            self.runtimes = detect_runtimes()
        return self.runtimes

    def require_model(self, action):
        if self.model is None:
            raise Failure('OUT_OF_ORDER', 'The runner was asked to %s before a model was loaded; send load first.' % action)
        return self.model

    def handle(self, req):
        """Answers one request; returns True when the runner should exit."""
        kind = req['type']
        if kind == 'hello':
            if req['protocol'] != PROTOCOL:
                raise Failure('PROTOCOL_MISMATCH', 'This runner speaks %s, not %s; update the runner or the studio so they match.' % (PROTOCOL, req['protocol']))
            found = self.detected()
            self.send({'type': 'hello', 'protocol': PROTOCOL, 'runner': RUNNER, 'node': 'Python ' + platform.python_version(),
                       'runtimes': dict((k, v[0]) for k, v in found.items() if v[0] is not None),
                       'unavailable': dict((k, v[1]) for k, v in found.items() if v[0] is None),
                       'hardware': probe_hardware(), 'timerResolutionNs': timer_resolution_ns()})
        elif kind == 'load':
            self.release()
            before = current_rss_bytes()
            self.model = self.load(req)
            self.runtime_name = req['runtime']
            self.sample_rss(True)
            self.send({'type': 'loaded', 'backend': self.model.backend, 'initMs': self.model.initMs,
                       'rssBeforeBytes': before, 'rssAfterBytes': current_rss_bytes(), 'inputs': self.model.inputs})
        elif kind == 'warmup':
            model = self.require_model('warm up')
            first = self.time_run(model, 'INPUTS_REJECTED')
            self.sample_rss(True)
            self.send({'type': 'first', 'firstInferenceMs': first})
            self.send({'type': 'warmedUp', 'runs': self.warmup(model, req)})
        elif kind == 'measure':
            latencies, max_time_reached = self.measure(self.require_model('measure'), req)
            self.sample_rss(True)
            self.send({'type': 'samples', 'latencyMs': latencies, 'peakRssBytes': self.peak_rss,
                       'osPeakRssBytes': os_peak_rss_bytes(), 'maxTimeReached': max_time_reached})
        elif kind == 'profile':
            self.require_model('profile')
            raise Failure('UNSUPPORTED', '%s has no per-node profiler in the Python runner, so no profile was taken.' % self.runtime_name)
        elif kind == 'bye':
            self.release()
            self.send({'type': 'bye', 'peakRssBytes': self.peak_rss, 'osPeakRssBytes': os_peak_rss_bytes()})
            return True
        return False

    def release(self):
        if self.model is not None:
            model, self.model = self.model, None
            model.release()

    def load(self, req):
        name, path = req['runtime'], req['modelPath']
        version, module = self.detected()[name]
        if version is None:
            raise Failure('UNKNOWN_RUNTIME', "The runtime '%s' cannot be loaded on this machine: %s" % (name, module))
        if not os.path.isfile(path):
            raise Failure('LOAD_FAILED', "%s could not load '%s': the file does not exist; check the path." % (module, path))
        import numpy as np
        if name == 'onnxruntime':
            return OrtModel(np, path, req['threads'], req['inputs'], req['options'])
        if module == 'pyarmnn':
            return ArmnnModel(np, path, req['threads'], req['inputs'])
        return TfliteModel(np, module, path, req['threads'], req['inputs'])

    def time_run(self, model, code):
        start = now_ns()
        try:
            model.run()
        except Exception as error:
            raise Failure(code, '%s: %s' % (type(error).__name__, str(error).strip()))
        return (now_ns() - start) / 1e6

    def warmup(self, model, req):
        due = progress_gate(max(1, int(round(req['runs'] / 50.0))))
        completed, spent = 0, 0.0
        while completed < req['runs'] or spent < req['minTimeMs']:
            spent += self.time_run(model, 'RUN_FAILED')
            completed += 1
            self.sample_rss()
            done = completed >= req['runs'] and spent >= req['minTimeMs']
            if due(completed, done):
                total = completed if done else planned_runs(req['runs'], req['minTimeMs'], completed, spent, 2 ** 53)
                self.send({'type': 'progress', 'phase': 'warmup', 'completed': completed, 'total': total})
        return completed

    def measure(self, model, req):
        """At least `runs`, more until the latencies add up to minTimeMs (up to maxRuns), never past maxTimeMs of wall time."""
        max_runs = max(req['runs'], req['maxRuns'] or DEFAULT_MAX_RUNS)
        max_time_ns = int(round(req['maxTimeMs'] * 1e6))
        due = progress_gate(req['progressEvery'])
        latencies, measured, reported = [], 0.0, 0
        start = now_ns()
        while True:
            if req['freshInputs']:
                model.refresh(self.next_fresh_seed)
                self.next_fresh_seed += 1
            ms = self.time_run(model, 'RUN_FAILED')
            latencies.append(ms)
            measured += ms
            self.sample_rss()
            completed = len(latencies)
            enough = completed >= req['runs'] and (measured >= req['minTimeMs'] or completed >= max_runs)
            elapsed = now_ns() - start if max_time_ns > 0 else 0
            done = enough or (max_time_ns > 0 and elapsed >= max_time_ns)
            if due(completed, done):
                total = completed if done else planned_runs(req['runs'], req['minTimeMs'], completed, measured, max_runs)
                if not done and max_time_ns > 0:
                    fit = int(max_time_ns // (elapsed / float(completed)))  # runs that fit in maxTimeMs at this pace
                    total = min(total, max(completed + 1, fit))
                # The runs since the last progress travel with it: a parent that loses us mid-measure keeps them.
                self.send({'type': 'progress', 'phase': 'measuring', 'completed': completed, 'total': total,
                           'latencyMs': latencies[reported:]})
                reported = completed
            if done:
                return latencies, not enough


def progress_gate(every):
    """Progress after `every` runs or 200 ms, never twice within 50 ms, always at the end (as runner-main.ts)."""
    state = {'sent': 0, 'at': now_ns()}

    def due(completed, last):
        now = now_ns()
        since_ms = (now - state['at']) / 1e6
        ok = last or (since_ms >= PROGRESS_MIN_GAP_MS and (completed - state['sent'] >= every or since_ms >= PROGRESS_MAX_GAP_MS))
        if ok:
            state['sent'], state['at'] = completed, now
        return ok
    return due


def planned_runs(runs, min_time_ms, completed, spent_ms, max_runs):
    if spent_ms >= min_time_ms or spent_ms <= 0:
        return max(runs, completed)
    estimate = int(-(-min_time_ms // (spent_ms / completed)))
    return int(min(max_runs, max(runs, completed + 1, estimate)))


def protocol_stream():
    """Keeps the real stdout for protocol lines and points fd 1 (and sys.stdout) at stderr."""
    try:
        out = os.fdopen(os.dup(1), 'w', encoding='utf-8')
        os.dup2(2, 1)
    except OSError:
        out = sys.stdout
    sys.stdout = sys.stderr
    return out


def probe():
    runtimes, unavailable = {}, {}
    for name in ['onnxruntime'] + LITERT_MODULES:
        try:
            runtimes[name] = module_version(name)
        except Exception as error:
            unavailable[name] = import_problem(name, error)
    return {'python': platform.python_version(), 'executable': sys.executable, 'runner': RUNNER,
            'runtimes': runtimes, 'unavailable': unavailable, 'hardware': probe_hardware()}


def main():
    out = protocol_stream()
    if sys.argv[1:] == ['--probe']:
        out.write(json.dumps(probe()) + '\n')
        out.flush()
        return 0
    session = Session(out)
    stdin = sys.stdin.buffer
    while True:
        raw = stdin.readline()
        if not raw:
            return 0  # the parent closed our stdin: everything asked was answered
        line = raw.decode('utf-8', 'replace').strip()
        if not line:
            continue
        req = None
        try:
            req = parse_request(line)
            if session.handle(req):
                return 0
        except Failure as failure:
            message = str(failure) if req is not None else 'The runner could not read the request %s: %s.' % (json.dumps(line[:200]), failure)
            session.send({'type': 'error', 'code': failure.code, 'message': message})
        except Exception as error:
            traceback.print_exc()
            session.send({'type': 'error', 'code': 'LOAD_FAILED' if req and req['type'] == 'load' else 'INTERNAL',
                          'message': '%s: %s' % (type(error).__name__, str(error).strip())})


if __name__ == '__main__':
    try:
        sys.exit(main())
    except (BrokenPipeError, KeyboardInterrupt):
        sys.exit(1)  # the parent went away; nobody is left to answer
