#!/usr/bin/python3
# EdgeBench adb emulator (test-only): relays one run of the benchmark_model stand-in to the
# emulator, which runs it (its modelled timings need the emulator's state: clusters, heat) and
# sends back frames: 1 stdout, 2 stderr, 3 exit status; each a type byte, a little-endian
# u32 length, then the bytes. Usage: stand-in-client.py PATH ARGS... (what the device's exec passes).
import json, os, socket, struct, sys

SOCKET = "/dev/socket/edgebench-stand-in"

def main():
    request = {
        "path": sys.argv[1],
        "args": sys.argv[2:],
        "cwd": os.getcwd(),
        "cpus": os.environ.get("EDGEBENCH_EMULATED_AFFINITY", ""),
    }
    link = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    link.connect(SOCKET)
    link.sendall((json.dumps(request) + "\n").encode())
    pending = b""
    while True:
        chunk = link.recv(65536)
        if not chunk:
            return 1
        pending += chunk
        while len(pending) >= 5:
            kind, length = struct.unpack("<BI", pending[:5])
            if len(pending) < 5 + length:
                break
            body, pending = pending[5:5 + length], pending[5 + length:]
            if kind == 3:
                return body[0]
            out = sys.stdout.buffer if kind == 1 else sys.stderr.buffer
            out.write(body)
            out.flush()

sys.exit(main())
