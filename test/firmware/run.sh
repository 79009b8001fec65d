#!/bin/sh
# Builds the firmware's portable protocol core and its tests with g++ (the flags CI holds the
# core to) and runs them against test/fixtures/serial-vectors. Exits non-zero on any failure.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
core="$root/resources/firmware/esp32-tflm/components/edgebench_protocol"
cxx=${CXX:-g++}
if ! command -v "$cxx" >/dev/null 2>&1; then
  echo "run.sh: '$cxx' was not found; install g++ (Debian: apt-get install g++) or set CXX." >&2
  exit 127
fi
out=${EDGEBENCH_FIRMWARE_BUILD:-$(mktemp -d)}
mkdir -p "$out"
"$cxx" -std=c++17 -Wall -Wextra -Werror -Wshadow -O1 -g \
  -I"$core/include" \
  "$core"/src/*.cpp "$here"/*.cpp \
  -o "$out/edgebench-core-tests"
"$out/edgebench-core-tests" "$root/test/fixtures/serial-vectors"
