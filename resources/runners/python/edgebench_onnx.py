"""onnxruntime for Python with the execution providers a board has (CUDA, TensorRT, OpenVINO, QNN),
and where its nodes were placed, read from onnxruntime's own verbose session log. Python 3.6+."""
import os
import re
import sys
import tempfile

from edgebench_inputs import Model, accelerator
from edgebench_machine import now_ns
from edgebench_protocol import Failure

PROVIDERS = {'cpu': 'CPUExecutionProvider', 'cuda': 'CUDAExecutionProvider', 'tensorrt': 'TensorrtExecutionProvider',
             'openvino': 'OpenVINOExecutionProvider', 'qnn': 'QNNExecutionProvider'}
# 'auto': the accelerators this build has, best first, then the CPU (onnxruntime assigns nodes in list order).
AUTO_ORDER = ['TensorrtExecutionProvider', 'CUDAExecutionProvider', 'QNNExecutionProvider', 'OpenVINOExecutionProvider']
PROVIDER_INSTALL = {
    'CUDAExecutionProvider': 'pip install onnxruntime-gpu (with CUDA and cuDNN installed)',
    'TensorrtExecutionProvider': 'pip install onnxruntime-gpu with TensorRT installed (JetPack has it)',
    'OpenVINOExecutionProvider': 'pip install onnxruntime-openvino',
    'QNNExecutionProvider': 'pip install onnxruntime-qnn (Snapdragon boards)',
}
TYPES = {'float': 'float32', 'double': 'float64', 'float16': 'float16', 'bool': 'bool'}

# onnxruntime's VERBOSE session log (session_state.cc, VerifyEachNodeIsAssignedToAnEp): a header per
# provider, then one '  OpType (node name)' line per node; or one line when every node went to one provider.
PLACED_ON = re.compile(r'Node\(s\) placed on \[(\w+)\]\. Number of nodes: (\d+)')
# 'All nodes placed on [X]. Number of nodes: N' since 1.14; 'All nodes have been placed on [X].' before.
ALL_PLACED = re.compile(r'All nodes (?:have been )?placed on \[(\w+)\](?:\. Number of nodes: (\d+))?')
NODE_LINE = re.compile(r'\]\s{3,}(\S+) \((.*)\)\s*$')
FORCED_CPU = re.compile(r'Force fallback to CPU execution for node: (\S+)')


def parse_placements(log):
    """{'providers': {provider: count}, 'nodes': {provider: [(op, name)]}, 'forcedCpu': [name]} from the log text; None when it has no placement lines."""
    providers, nodes, forced, current = {}, {}, [], None
    for line in log.splitlines():
        match = PLACED_ON.search(line)
        if match:
            current = match.group(1)
            providers[current] = int(match.group(2))
            nodes.setdefault(current, [])
            continue
        match = ALL_PLACED.search(line)
        if match:
            providers[match.group(1)] = int(match.group(2)) if match.group(2) else None  # older releases log no count
            current = None
            continue
        match = FORCED_CPU.search(line)
        if match:
            forced.append(match.group(1))
            continue
        match = NODE_LINE.search(line)
        if match and current is not None and 'VerifyEachNodeIsAssignedToAnEp' in line:
            nodes[current].append((match.group(1), match.group(2)))
        elif 'VerifyEachNodeIsAssignedToAnEp' not in line:
            current = None
    if not providers:
        return None
    return {'providers': providers, 'nodes': nodes, 'forcedCpu': forced}


def placement_ops(placements):
    """The accelerator record's ops: nodes on accelerators vs the CPU, the CPU ones by op type, with why where the log says."""
    if placements is None:
        return None
    counts = placements['providers']
    cpu_count = counts.get('CPUExecutionProvider')
    on_cpu = cpu_count if cpu_count is not None else 0
    on_accelerator = sum(c or 0 for p, c in counts.items() if p != 'CPUExecutionProvider')
    if cpu_count is None and 'CPUExecutionProvider' in counts:
        on_cpu = None  # "All nodes have been placed on [CPUExecutionProvider]": the count is not in the log
    by_type, forced = {}, set(placements['forcedCpu'])
    for op, name in placements['nodes'].get('CPUExecutionProvider', []):
        reason = 'onnxruntime put it on the CPU as faster there' if name in forced else 'no kernel on the accelerator'
        key = (op, reason)
        by_type[key] = by_type.get(key, 0) + 1
    return {'source': 'onnxruntime', 'onAccelerator': on_accelerator, 'onCpu': on_cpu,
            'cpuOps': [{'opType': op, 'count': n, 'reason': reason} for (op, reason), n in sorted(by_type.items())]}


def chosen_providers(choice, available):
    """(providers to ask for, unavailable [{name, reason}]) for the option's value and the build's get_available_providers()."""
    if choice == 'cpu':
        return ['CPUExecutionProvider'], []
    if choice == 'auto':
        return [p for p in AUTO_ORDER if p in available] + ['CPUExecutionProvider'], []
    wanted = PROVIDERS[choice]
    if wanted not in available:
        return None, [{'name': wanted, 'reason': 'this onnxruntime build has %s only; %s' % (', '.join(available), PROVIDER_INSTALL[wanted])}]
    return [wanted, 'CPUExecutionProvider'], []


class captured_stderr(object):
    """Points fd 2 at a temporary file while onnxruntime builds a session (its C++ logger writes there), then
    copies what was written to the real stderr, so the runner's log keeps it and the placement lines can be read.
    Only where an accelerator was asked for: a CPU session's log goes straight to stderr, as it always did."""

    def __init__(self, active):
        self.active, self.text = active, ''

    def __enter__(self):
        if not self.active:
            return self
        sys.stderr.flush()
        self.saved = os.dup(2)
        self.file = tempfile.TemporaryFile()
        os.dup2(self.file.fileno(), 2)
        return self

    def __exit__(self, *exc):
        if not self.active:
            return False
        sys.stderr.flush()
        os.dup2(self.saved, 2)
        os.close(self.saved)
        self.file.seek(0)
        self.text = self.file.read().decode('utf-8', 'replace')
        self.file.close()
        sys.stderr.write(self.text)
        return False


class OrtModel(Model):
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
        choice = options.get('ortProvider', 'cpu')
        available = list(ort.get_available_providers())
        providers, unavailable = chosen_providers(choice, available)
        if providers is None:
            raise Failure('LOAD_FAILED', 'onnxruntime cannot use %s here: %s, or choose another provider (--ort-provider auto uses what this build has).'
                          % (unavailable[0]['name'], unavailable[0]['reason']))
        accelerated = providers != ['CPUExecutionProvider']
        if accelerated:
            so.log_severity_level = 0  # VERBOSE: the session log then says where each node was placed
        start = now_ns()
        try:
            with captured_stderr(accelerated) as log:
                self.session = ort.InferenceSession(path, sess_options=so, providers=providers)
        except Exception as error:
            raise Failure('LOAD_FAILED', "onnxruntime could not load '%s': %s" % (path, str(error).strip()))
        self.initMs = (now_ns() - start) / 1e6
        # A provider that fails to initialise (no GPU, a missing CUDA library) is dropped with only a warning: what really runs is get_providers().
        used = list(self.session.get_providers())
        short = dict((v, k) for k, v in PROVIDERS.items())
        if accelerated:
            dropped = [{'name': p, 'reason': 'onnxruntime could not start it and dropped it (see the runner log)'} for p in providers if p not in used]
            placements = parse_placements(log.text)
            if placements is not None:
                # get_providers() lists the providers registered; the placements say which of them got nodes.
                placed = placements['providers']
                idle = [p for p in used if p not in placed]
                dropped += [{'name': p, 'reason': 'registered, but onnxruntime placed no node on it'} for p in idle if p != 'CPUExecutionProvider']
                used = [p for p in used if p in placed]
            self.accelerator = accelerator(providers, used, unavailable + dropped, placement_ops(placements))
        # What ran, shortly: the accelerators that got nodes, or the CPU when none did.
        self.backend = ', '.join(short.get(p, p) for p in used if p != 'CPUExecutionProvider') or 'cpu'
        specs = []
        for meta in self.session.get_inputs():
            kind = re.sub(r'^tensor\((.*)\)$', r'\1', meta.type)
            declared = [None if d is None or d == '' or (isinstance(d, int) and d < 0) else d for d in (meta.shape or [])]
            specs.append((meta.name, TYPES.get(kind, kind), declared))
        Model.__init__(self, np, specs, requests)
        self.set_inputs()

    def set_inputs(self):
        self.feeds = dict((spec['name'], array) for spec, array in zip(self.inputs, self.arrays))

    def run(self):
        self.session.run(None, self.feeds)
