"""One runner session: answers hello, load, warmup, measure, profile and bye (src/core/runner/protocol.ts)
with the same measuring loop and progress rules as the Node runner (src/core/runner/runner-main.ts). Python 3.6+."""
import json
import platform

from edgebench_machine import current_rss_bytes, now_ns, os_peak_rss_bytes, probe_hardware, timer_resolution_ns
from edgebench_protocol import PROTOCOL, RUNNER, Failure
from edgebench_runtimes import detect_runtimes, load_model

RSS_SAMPLE_NS = 10000000
DEFAULT_MAX_RUNS = 100000
PROGRESS_MIN_GAP_MS, PROGRESS_MAX_GAP_MS = 50, 200


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
            loaded = {'type': 'loaded', 'backend': self.model.backend, 'initMs': self.model.initMs,
                      'rssBeforeBytes': before, 'rssAfterBytes': current_rss_bytes(), 'inputs': self.model.inputs}
            if self.model.accelerator is not None:
                loaded['accelerator'] = self.model.accelerator
            self.send(loaded)
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
        return load_model(req, self.detected())

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
