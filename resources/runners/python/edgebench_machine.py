"""This machine: its hardware profile (the same fields and names as the Node runner's), the clock,
and the process's memory. Standard library only; Python 3.6+."""
import os
import platform
import re
import sys
import time

# Same list and order as INFERENCE_CPU_FEATURES in src/core/targets/local-target.ts.
CPU_FEATURES = ['avx', 'avx2', 'fma', 'avx512f', 'avx512_vnni', 'avx_vnni', 'avx512_bf16', 'avx512_fp16', 'amx_tile',
                'amx_int8', 'amx_bf16', 'asimd', 'asimddp', 'asimdhp', 'i8mm', 'sve', 'sve2', 'bf16']
# perf_counter_ns arrived in 3.7; 3.6 falls back to the float clock (sub-microsecond on Linux).
now_ns = getattr(time, 'perf_counter_ns', None) or (lambda: int(time.perf_counter() * 1e9))


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
