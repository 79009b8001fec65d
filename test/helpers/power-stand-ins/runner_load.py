"""
Shared by the STAND-IN power tools in this folder (tegrastats, vcgencmd): how much CPU the
benchmark runner used, so the stand-ins' power follows the work the board really did. The runner
is every process whose command line contains the text in the file `runner-mark` in the folder
the tool was started from (the test links the tools into a folder of its own, puts it first on the
board's PATH and writes its board's cache folder there, so other tests' runners do not count). These are test stand-ins, not meters: the power they print is a made-up function of CPU
time (BASE_W + PER_CORE_W per busy core) in the real tools' output formats.
"""
import json
import os
import sys
import time

# The folder the tool was started from (a link's folder, not this file's).
HERE = os.path.dirname(os.path.abspath(sys.argv[0]))
TICKS = os.sysconf('SC_CLK_TCK')


def runner_mark():
    with open(os.path.join(HERE, 'runner-mark')) as f:
        return f.read().strip()


def runner_ticks(mark):
    """Each runner process's CPU ticks (utime + stime) by pid."""
    found = {}
    for pid in os.listdir('/proc'):
        if not pid.isdigit():
            continue
        try:
            with open(f'/proc/{pid}/cmdline', 'rb') as f:
                if mark.encode() not in f.read():
                    continue
            with open(f'/proc/{pid}/stat') as f:
                fields = f.read().rsplit(')', 1)[1].split()
            found[pid] = int(fields[11]) + int(fields[12])
        except OSError:
            continue
    return found


def busy_cores(before, after, seconds):
    """Cores' worth of runner CPU between two readings (a pid new in `after` counts from zero)."""
    if seconds <= 0:
        return 0.0
    ticks = sum(max(0, t - before.get(pid, t)) for pid, t in after.items())
    return ticks / TICKS / seconds


def load_since_last_call(state_name):
    """For a tool started once per reading (vcgencmd): the runner's busy cores since its last call, from a state file."""
    mark = runner_mark()
    now = time.monotonic()
    ticks = runner_ticks(mark)
    path = os.path.join(HERE, state_name)
    try:
        with open(path) as f:
            last = json.load(f)
    except (OSError, ValueError):
        last = None
    with open(path, 'w') as f:
        json.dump({'t': now, 'ticks': ticks}, f)
    if last is None:
        return 0.0
    return busy_cores(last['ticks'], ticks, now - last['t'])
