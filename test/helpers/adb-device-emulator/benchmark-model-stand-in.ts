/**
 * The emulator's benchmark_model: a LABELLED STAND-IN, not TensorFlow Lite. It reads the model
 * the studio pushed (its real operators, through the project's TFLite graph reader), models a
 * latency from the model's size, the delegate, the threads and the fastest CPU the affinity mask
 * allows, and prints it in the real tool's log format (flags echoed, delegate lines, the Stat
 * lines, "Inference timings in us", the memory footprint lines, and the op profiler's Run Order
 * table), so the studio's parsing is exercised on the format a phone prints. Its first line says
 * what it is.
 */
import { readTfliteGraph } from '../../../src/core/formats/graph/tflite-graph';
import type { ShellIo } from './userland';
import type { EmulatedAndroid } from './userland';

interface StandInFlags {
  graph: string;
  threads: number;
  runs: number;
  warmup: number;
  xnnpack: boolean;
  gpu: boolean;
  nnapi: boolean;
  opProfiling: boolean;
  peakMemory: boolean;
}

function parseFlags(args: string[]): StandInFlags | string {
  const values = new Map<string, string>();
  for (const arg of args) {
    const match = /^--([a-z_]+)=(.*)$/.exec(arg);
    if (match === null) return `ERROR: Unconsumed cmdline flags: ${arg}`;
    values.set(match[1] as string, match[2] as string);
  }
  const bool = (name: string, fallback: boolean): boolean => (values.has(name) ? ['1', 'true'].includes(values.get(name) as string) : fallback);
  const int = (name: string, fallback: number): number => (values.has(name) ? Number.parseInt(values.get(name) as string, 10) : fallback);
  const graph = values.get('graph');
  if (graph === undefined || graph === '') return 'ERROR: Please specify the name of your TF Lite input file with --graph';
  return {
    graph,
    threads: int('num_threads', -1),
    runs: Math.max(1, int('num_runs', 50)),
    warmup: Math.max(0, int('warmup_runs', 1)),
    xnnpack: bool('use_xnnpack', true),
    gpu: bool('use_gpu', false),
    nnapi: bool('use_nnapi', false),
    opProfiling: bool('enable_op_profiling', false),
    peakMemory: bool('report_peak_memory_footprint', false),
  };
}

/** A small seeded generator, so a run's jitter is the same every time the tests run. */
function generator(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x100000000;
  };
}

const OP_WEIGHT: Record<string, number> = { CONV_2D: 8, DEPTHWISE_CONV_2D: 3, FULLY_CONNECTED: 2, AVERAGE_POOL_2D: 0.5, MAX_POOL_2D: 0.5, RESHAPE: 0.05, SOFTMAX: 0.2 };
const XNNPACK_KERNEL: Record<string, string> = { CONV_2D: 'Convolution (NHWC, F32) IGEMM', DEPTHWISE_CONV_2D: 'Convolution (NHWC, F32) DWConv', FULLY_CONNECTED: 'Fully Connected (NC, F32) GEMM', RESHAPE: 'Copy (NC, X32)', SOFTMAX: 'Softmax (NC, F32)' };

function stat(samples: number[]): string {
  const n = samples.length;
  const mean = samples.reduce((a, b) => a + b, 0) / n;
  const std = Math.sqrt(samples.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  const round = (v: number): string => String(Math.round(v));
  return `count=${n} first=${round(samples[0] as number)} curr=${round(samples[n - 1] as number)} min=${round(Math.min(...samples))} max=${round(Math.max(...samples))} avg=${mean.toFixed(1).replace(/\.0$/, '')} std=${round(std)}`;
}

const column = (text: string, width: number): string => text.padStart(width);

function runOrderTable(rows: Array<{ type: string; firstMs: number; avgMs: number; name: string }>): string[] {
  const total = rows.reduce((sum, row) => sum + row.avgMs, 0) || 1;
  let cdf = 0;
  const header = `${column('[node type]', 48)}${column('[first]', 17)}${column('[avg ms]', 16)}${column('[%]', 15)}${column('[cdf%]', 16)}${column('[mem KB]', 18)}${column('[times called]', 22)}  [Name]`;
  const lines = rows.map((row) => {
    const share = (row.avgMs / total) * 100;
    cdf += share;
    return `${column(row.type, 48)}${column(row.firstMs.toFixed(3), 17)}${column(row.avgMs.toFixed(3), 16)}${column(`${share.toFixed(3)}%`, 15)}${column(`${cdf.toFixed(3)}%`, 16)}${column('0.000', 18)}${column('1', 22)}       ${row.name}`;
  });
  return ['============================== Run Order ==============================', header, ...lines, ''];
}

/** Runs the stand-in; resolves with its exit status after a short real delay (so a link can drop mid-run). */
export async function runStandInBenchmarkModel(device: EmulatedAndroid, args: string[], cwd: string, cpus: number[], io: ShellIo): Promise<number> {
  const out: string[] = [`INFO: ${'EDGEBENCH ADB EMULATOR'}: this benchmark_model is a labelled stand-in; its timings are modelled, not measured.`];
  const fail = (message: string): number => {
    io.stdout(`${out.join('\n')}\n${message}\n`);
    return 1;
  };
  const flags = parseFlags(args);
  if (typeof flags === 'string') return fail(flags);
  out.push(
    'INFO: STARTING!',
    'INFO: Log parameter values verbosely: [0]',
    `INFO: Min num runs: [${flags.runs}]`,
    `INFO: Min warmup runs: [${flags.warmup}]`,
    `INFO: Num threads: [${flags.threads}]`,
    `INFO: Graph: [${flags.graph}]`,
    `INFO: Enable op profiling: [${flags.opProfiling ? 1 : 0}]`,
    `INFO: Report the peak memory footprint: [${flags.peakMemory ? 1 : 0}]`,
    ...(flags.gpu ? ['INFO: Use gpu: [1]'] : []),
    ...(flags.nnapi ? ['INFO: Use NNAPI: [1]'] : []),
    `INFO: Use xnnpack: [${flags.xnnpack && !flags.gpu && !flags.nnapi ? 1 : 0}]`,
  );
  const data = device.root.read(flags.graph, cwd);
  if (data === undefined) return fail(`ERROR: Could not open '${flags.graph}'.\nERROR: Benchmarking failed.`);
  let nodes: Array<{ op: string; outputs: string[] }>;
  try {
    nodes = readTfliteGraph({ main: { name: flags.graph, data: new Uint8Array(data) }, companions: new Map() }).nodes.filter((node) => node.subgraph === null);
  } catch {
    return fail(`ERROR: Model provided has model identifier '${data.subarray(4, 8).toString('latin1')}', should be 'TFL3'\n\nERROR: Benchmarking failed.`);
  }
  out.push(`INFO: Loaded model ${flags.graph}`);
  const threads = flags.threads > 0 ? Math.min(flags.threads, cpus.length) : cpus.length;
  out.push(`INFO: #threads used for CPU inference: [${threads}]`);
  let delegate: 'xnnpack' | 'gpu' | 'nnapi' | 'none' = 'none';
  if (flags.gpu) {
    if (!device.spec.gpuDelegate) return fail('ERROR: Failed to apply GPU delegate.\nERROR: Benchmarking failed.');
    out.push('INFO: Created TensorFlow Lite delegate for GPU.', 'INFO: GPU delegate created.', 'INFO: Explicitly applied GPU delegate, and the model graph will be completely executed by the delegate.');
    delegate = 'gpu';
  } else if (flags.nnapi) {
    if (!device.spec.nnapiDelegate) return fail('ERROR: Failed to apply NNAPI delegate.\nERROR: Benchmarking failed.');
    out.push('INFO: Created TensorFlow Lite delegate for NNAPI.', 'INFO: NNAPI delegate created.', 'INFO: Explicitly applied NNAPI delegate, and the model graph will be completely executed by the delegate.');
    delegate = 'nnapi';
  } else if (flags.xnnpack) {
    out.push('INFO: Created TensorFlow Lite XNNPACK delegate for CPU.', 'INFO: XNNPACK delegate created.', 'INFO: Explicitly applied XNNPACK delegate, and the model graph will be completely executed by the delegate.');
    delegate = 'xnnpack';
  }
  out.push(`INFO: The input model file size (MB): ${(data.length / 1e6).toFixed(6)}`);

  // The model: µs per inference on one 2 GHz core from the file's size, then the device's factors.
  const fastestKHz = Math.max(...device.spec.clusters.filter((c) => c.cpus.some((cpu) => cpus.includes(cpu))).map((c) => c.maxKHz));
  const factor = { none: 1, xnnpack: 0.55, gpu: 0.35, nnapi: 0.45 }[delegate];
  const threadGain = delegate === 'gpu' || delegate === 'nnapi' ? 1 : threads ** 0.7;
  const throttle = device.throttled ? 1.6 : 1;
  const baseUs = ((40 + data.length / 60) * factor * (2_000_000 / fastestKHz) * throttle) / threadGain;
  const initMs = { none: 1.1, xnnpack: 3.4, gpu: 310, nnapi: 84 }[delegate] + data.length / 50_000;
  const random = generator(data.length * 31 + flags.runs + threads * 7 + device.benchmarkRuns * 101);
  const sample = (slow = 1): number => baseUs * slow * (0.97 + random() * 0.06);
  out.push(`INFO: Initialized session in ${initMs.toFixed(3)}ms.`);
  const warmup = Array.from({ length: Math.max(1, flags.warmup) }, (_, i) => sample(i === 0 ? 1.4 : 1.05));
  out.push(`INFO: Running benchmark for at least ${flags.warmup} iterations and at least 0 seconds but terminate if exceeding 150 seconds.`, `INFO: ${stat(warmup)}`, '');
  const runs = Array.from({ length: flags.runs }, () => sample());
  out.push(`INFO: Running benchmark for at least ${flags.runs} iterations and at least 0 seconds but terminate if exceeding 150 seconds.`, `INFO: ${stat(runs)}`, '');
  const avg = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
  out.push(
    `INFO: Inference timings in us: Init: ${Math.round(initMs * 1000)}, First inference: ${Math.round(warmup[0] as number)}, Warmup (avg): ${avg(warmup).toFixed(1).replace(/\.0$/, '')}, Inference (avg): ${avg(runs).toFixed(1).replace(/\.0$/, '')}`,
    'INFO: Note: as the benchmark tool itself affects memory footprint, the following is only APPROXIMATE to the actual memory footprint of the model at runtime. Take the information at your discretion.',
    `INFO: Memory footprint delta from the start of the tool (MB): init=${(1 + data.length / 1e6).toFixed(4)} overall=${(1.4 + (data.length * 1.3) / 1e6).toFixed(4)}`,
  );
  if (flags.peakMemory) out.push(`INFO: Overall peak memory footprint (MB) via periodic monitoring: ${(4 + (data.length * 1.5) / 1e6).toFixed(4)}`);
  if (flags.opProfiling) {
    const name = (outputs: string[], index: number): string => `[${outputs.join(', ')}]:${index}`;
    const weights = nodes.map((node) => OP_WEIGHT[node.op] ?? 0.3);
    const total = weights.reduce((a, b) => a + b, 0) || 1;
    const meanMs = avg(runs) / 1000;
    let rows: Array<{ type: string; firstMs: number; avgMs: number; name: string }>;
    if (delegate === 'gpu' || delegate === 'nnapi') {
      const last = nodes.at(-1);
      rows = [{ type: delegate === 'gpu' ? 'TfLiteGpuDelegateV2' : 'TfLiteNnapiDelegate', firstMs: meanMs * 1.3, avgMs: meanMs, name: name(last?.outputs ?? ['output'], nodes.length) }];
    } else if (delegate === 'xnnpack') {
      rows = nodes.map((node, i) => ({ type: XNNPACK_KERNEL[node.op] ?? node.op, firstMs: (meanMs * 1.3 * (weights[i] as number)) / total, avgMs: (meanMs * (weights[i] as number)) / total, name: `Delegate/${XNNPACK_KERNEL[node.op] ?? node.op}:${i}` }));
    } else {
      rows = nodes.map((node, i) => ({ type: node.op, firstMs: (meanMs * 1.3 * (weights[i] as number)) / total, avgMs: (meanMs * (weights[i] as number)) / total, name: name(node.outputs, i) }));
    }
    out.push('INFO: Operator-wise Profiling Info for Regular Benchmark Runs:', ...runOrderTable(rows), `Timings (microseconds): ${stat(runs)}`, 'Memory (bytes): count=0', `${rows.length} nodes observed`, '');
  }
  // Some real time passes, 50 to 150 ms, so a device can vanish while its tool runs; the device's simulated power follows it.
  const realMs = Math.min(150, Math.max(50, ((warmup.length + runs.length) * baseUs) / 1000));
  const busyUs = [...warmup, ...runs].reduce((a, b) => a + b, 0);
  const ended = device.power.startActivity({ cpus, threads, delegate, busyUs, realMs, opProfiling: flags.opProfiling });
  try {
    await new Promise((resolve) => setTimeout(resolve, realMs));
  } finally {
    ended();
  }
  io.stdout(`${out.join('\n')}\n`);
  return 0;
}
