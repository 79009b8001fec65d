/**
 * The probe sent to a board: one POSIX sh script (run as `sh -s`, so the login shell does not
 * matter) printing `key=value` lines. Every probe is guarded, so a missing tool or file leaves
 * its key out instead of failing the script. Multi-line outputs are folded onto one line.
 */

/** Python modules that can run a model on the board, each with how to read its version. */
const PYTHON_RUNTIMES_SNIPPET = [
  'import importlib',
  'for name in ("onnxruntime", "tflite_runtime", "ai_edge_litert", "tensorflow", "pyarmnn"):',
  '    try:',
  '        module = importlib.import_module(name)',
  '    except Exception:',
  '        continue',
  '    version = getattr(module, "__version__", None) or getattr(module, "ARMNN_VERSION", None) or "unknown"',
  '    print("%s=%s" % (name, version))',
].join('\n');

export const PROBE_SCRIPT = `
kv() { printf '%s=%s\\n' "$1" "$(printf '%s' "$2" | tr '\\n\\r' '  ')"; }
kv probe edgebench-probe/1
kv home "$HOME"
kv uname_s "$(uname -s 2>/dev/null)"
kv machine "$(uname -m 2>/dev/null)"
kv kernel "$(uname -r 2>/dev/null)"
if [ -r /etc/os-release ]; then kv os_pretty "$(. /etc/os-release 2>/dev/null; printf '%s' "$PRETTY_NAME")"; fi
kv cores "$(getconf _NPROCESSORS_ONLN 2>/dev/null || nproc 2>/dev/null || grep -c '^processor' /proc/cpuinfo 2>/dev/null)"
kv mem_total_kb "$(awk '/^MemTotal:/ {print $2}' /proc/meminfo 2>/dev/null)"
if [ -r /proc/cpuinfo ]; then
  kv cpuinfo_model "$(grep -m1 -E '^(model name|Model|Hardware)[[:space:]]*:' /proc/cpuinfo 2>/dev/null | cut -d: -f2-)"
  kv cpuinfo_part "$(grep -m1 -E '^CPU part[[:space:]]*:' /proc/cpuinfo 2>/dev/null | cut -d: -f2-)"
  kv cpuinfo_implementer "$(grep -m1 -E '^CPU implementer[[:space:]]*:' /proc/cpuinfo 2>/dev/null | cut -d: -f2-)"
  kv cpu_flags "$(grep -m1 -E '^(flags|Features)[[:space:]]*:' /proc/cpuinfo 2>/dev/null | cut -d: -f2-)"
fi
# CPU clusters, governors and clocks (cpu-clusters.ts reads them); grep -H prints each file's path, globs that match nothing fail quietly.
C=/sys/devices/system/cpu
kv cpu_sysfs "$(grep -H . $C/online $C/cpu[0-9]*/cpufreq/cpuinfo_max_freq $C/cpu[0-9]*/cpufreq/scaling_cur_freq $C/cpu[0-9]*/cpufreq/scaling_max_freq $C/cpu[0-9]*/cpufreq/scaling_governor $C/cpu[0-9]*/cpu_capacity 2>/dev/null)"
if [ -r /proc/cpuinfo ]; then kv cpu_parts "$(grep -E '^(processor|CPU implementer|CPU part)[[:space:]]*:' /proc/cpuinfo 2>/dev/null)"; fi
if command -v taskset >/dev/null 2>&1; then kv taskset "$(command -v taskset)"; fi
if command -v lscpu >/dev/null 2>&1; then kv lscpu_model "$(LC_ALL=C lscpu 2>/dev/null | grep -m1 '^Model name:' | cut -d: -f2-)"; fi
if [ -r /proc/device-tree/model ]; then kv board_model "$(tr -d '\\000' < /proc/device-tree/model)"; fi
if command -v vcgencmd >/dev/null 2>&1; then
  kv pi_temp "$(vcgencmd measure_temp 2>/dev/null)"
  kv pi_throttled "$(vcgencmd get_throttled 2>/dev/null)"
fi
if command -v nvpmodel >/dev/null 2>&1; then kv jetson_nvpmodel "$(nvpmodel -q 2>/dev/null)"; fi
if command -v tegrastats >/dev/null 2>&1 || [ -x /usr/bin/tegrastats ]; then kv jetson_tegrastats yes; fi
if command -v node >/dev/null 2>&1; then kv node_path "$(command -v node)"; kv node_version "$(node --version 2>/dev/null)"; fi
seen=''
for py in "$(command -v python3 2>/dev/null)" /usr/bin/python3; do
  [ -n "$py" ] && [ -x "$py" ] || continue
  case " $seen " in *" $py "*) continue ;; esac
  seen="$seen $py"
  kv python_path "$py"
  kv python_version "$("$py" -c 'import platform; print(platform.python_version())' 2>/dev/null)"
  "$py" - 2>/dev/null <<'PY' | while IFS= read -r line; do kv "python_runtime" "$line"; done
${PYTHON_RUNTIMES_SNIPPET}
PY
done
for tool in benchmark_model trtexec onnxruntime_perf_test; do
  found="$(command -v "$tool" 2>/dev/null)"
  if [ -z "$found" ] && [ "$tool" = trtexec ] && [ -x /usr/src/tensorrt/bin/trtexec ]; then found=/usr/src/tensorrt/bin/trtexec; fi
  if [ -n "$found" ]; then kv "tool_$tool" "$found"; fi
done
kv probe_end ok
`;
