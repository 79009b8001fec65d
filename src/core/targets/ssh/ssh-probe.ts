/**
 * What a board has, and which runner the studio will use there. The probe is one script over one
 * exec (see probe-script.ts); choosing a runner is pure, so the UI can say what it picked.
 */
import { MODEL_FORMAT_WITH_ARTICLE, type ModelFormat } from '../../../shared/model-info';
import { PROBE_SCRIPT } from './probe-script';
import { parseProbeOutput, type SshProbe } from './probe-parse';
import type { SshConnection } from './ssh-connection';
import { sshError } from './ssh-errors';

export type { SshProbe };

export const PROBE_TIMEOUT_MS = 30_000;

/** Architectures onnxruntime-node ships Linux binaries for (bin/napi-v6/linux/<arch>). */
export const NODE_RUNNER_ARCHES = ['x64', 'arm64'] as const;
export const MIN_NODE_MAJOR = 18;

export async function probeSshTarget(conn: SshConnection): Promise<SshProbe> {
  const result = await conn.exec('sh -s', { stdin: PROBE_SCRIPT, timeoutMs: PROBE_TIMEOUT_MS, what: 'the probe script' });
  if (!result.stdout.includes('probe_end=ok')) {
    const why = result.stderr.trim().split('\n').slice(-2).join(' ') || `exit code ${result.code ?? result.signal ?? 'unknown'}`;
    throw sshError(conn.target, 'unreachable', `The probe script did not finish on ${conn.target.name} (${why}); check that the login shell of '${conn.target.user}' can run /bin/sh.`);
  }
  return parseProbeOutput(result.stdout);
}

/** One runtime the board can use, for the probe's summary (`edgebench targets probe --json`). */
export interface BoardRuntime {
  name: string;
  version: string;
  /** 'python' (a module of the board's Python), 'node-runner' (the studio's own runner) or 'native-tool'. */
  via: 'python' | 'node-runner' | 'native-tool';
}

export function boardRuntimes(probe: SshProbe, onnxruntimeNodeVersion: string): BoardRuntime[] {
  const runtimes: BoardRuntime[] = [];
  if (nodeRunnerFits(probe)) runtimes.push({ name: 'onnxruntime', version: onnxruntimeNodeVersion, via: 'node-runner' });
  for (const [name, version] of Object.entries(probe.python?.runtimes ?? {})) runtimes.push({ name, version, via: 'python' });
  for (const [name, path] of Object.entries(probe.nativeTools)) runtimes.push({ name, version: path, via: 'native-tool' });
  return runtimes;
}

/** Node ≥ 18 on linux x64 or arm64: the studio's own runner with onnxruntime-node's binaries can run there. */
export function nodeRunnerFits(probe: SshProbe): boolean {
  const major = Number(probe.node?.version.match(/^v?(\d+)/)?.[1] ?? 0);
  return major >= MIN_NODE_MAJOR && (NODE_RUNNER_ARCHES as readonly string[]).includes(probe.hardware.arch) && probe.hardware.os.startsWith('Linux');
}

/** Python modules that can run each model format, best first. */
const PYTHON_MODULES_FOR_FORMAT: Record<ModelFormat, string[]> = {
  onnx: ['onnxruntime'],
  tflite: ['ai_edge_litert', 'tflite_runtime', 'tensorflow', 'pyarmnn'],
  tfjs: [],
};


export type RunnerChoice =
  | { kind: 'node'; reason: string }
  | { kind: 'python'; python: string; module: string; reason: string };

/** Which runner to try first where both could run a model; 'python' is for comparing with the board's own Python runtime. */
export type RunnerPreference = 'node' | 'python';

/**
 * The runner for a model format on this board: the Node runner for ONNX where Node 18+ runs on
 * x64/arm64 Linux, else a Python runtime that can load the format (the Python runner first when
 * preferred and able). Nothing usable → one sentence.
 */
export function chooseRunner(probe: SshProbe, format: ModelFormat, target: SshConnection['target'], prefer: RunnerPreference = 'node'): RunnerChoice {
  const node: RunnerChoice | null =
    format === 'onnx' && nodeRunnerFits(probe)
      ? { kind: 'node', reason: `the studio's Node runner (onnxruntime-node on Node ${probe.node?.version ?? '?'}, ${probe.hardware.arch})` }
      : null;
  if (node !== null && prefer === 'node') return node;
  // The first interpreter that has a module for the format (the probe lists python3 on the PATH first).
  for (const python of probe.pythons) {
    const module = PYTHON_MODULES_FOR_FORMAT[format].find((name) => python.runtimes[name] !== undefined);
    if (module !== undefined) {
      return { kind: 'python', python: python.path, module, reason: `the Python runner (${module} ${python.runtimes[module] ?? ''} on Python ${python.version} at ${python.path})` };
    }
  }
  if (node !== null) return node;
  throw sshError(
    target,
    { kind: 'no-runtime', format },
    `${target.name} has no runtime that can run ${MODEL_FORMAT_WITH_ARTICLE[format]} model: install onnxruntime with pip on the board, or install Node 18+ and the studio will use its own runner.`,
    { format, node: probe.node?.version ?? 'none', python: probe.python?.version ?? 'none', arch: probe.hardware.arch },
  );
}
