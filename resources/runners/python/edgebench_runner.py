#!/usr/bin/env python3
"""EdgeBench's Python runner: the same "edgebench.runner/1" protocol as the Node runner
(src/core/runner/protocol.ts), for boards that have a Python inference runtime but no Node, and
for this computer's own native Python runtimes (the 'python:*' runtimes).

One JSON request per line on stdin, one JSON reply per line on stdout, logs on stderr. stdout's
file descriptor is moved aside at start and fd 1 pointed at stderr, so whatever a native runtime
prints can never corrupt the protocol. Standard library only; numpy is imported when a model is
loaded (every Python runtime needs it anyway). Python 3.6+ (JetPack 4 ships 3.6).

The runner is this file and the edgebench_*.py modules beside it (the studio deploys them together):
edgebench_protocol (requests), edgebench_machine (hardware, clock, memory), edgebench_session (the
measuring loop), edgebench_runtimes (which modules serve which runtime), and one module per engine:
edgebench_tflite, edgebench_onnx, edgebench_armnn, edgebench_openvino.

`python3 edgebench_runner.py --probe` prints one JSON object describing every Python runtime
module it finds (including the ones the runner would not pick), what each can accelerate with, the
protocol runtimes this interpreter serves, and the hardware, then exits.
"""
import json
import os
import platform
import sys
import traceback

# The modules sit beside this file; a runner started by path (python3 /cache/.../edgebench_runner.py) finds them there.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from edgebench_inputs import fill_values  # noqa: E402,F401 -- tests compare these values with the Node runner's
from edgebench_machine import probe_hardware  # noqa: E402
from edgebench_protocol import RUNNER, Failure, parse_request  # noqa: E402
from edgebench_runtimes import PROBED_MODULES, accelerators_of, detect_runtimes, import_problem, module_version  # noqa: E402
from edgebench_session import Session  # noqa: E402


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
    runtimes, unavailable, accelerators = {}, {}, {}
    for name in PROBED_MODULES:
        try:
            runtimes[name] = module_version(name)
            accelerators[name] = accelerators_of(name)
        except Exception as error:
            unavailable[name] = import_problem(name, error)
    serves = dict((k, v[0]) for k, v in detect_runtimes().items() if v[0] is not None)
    return {'python': platform.python_version(), 'executable': sys.executable, 'runner': RUNNER,
            'runtimes': runtimes, 'unavailable': unavailable, 'accelerators': accelerators, 'serves': serves,
            'hardware': probe_hardware()}


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
