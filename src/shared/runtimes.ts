/** The runtimes and which formats each loads: derived from the runtime registry (src/shared/plugins/runtimes). */
import { z } from 'zod';
import { RuntimeName } from './plugins/runtimes';

export { RUNTIME_LABELS, RUNTIMES_FOR_FORMAT } from './plugins/runtimes';

/** The Python runner's own runtimes: 'python:<engine>' names an engine of the user's Python (src/shared/plugins/runtimes/python-runtimes.ts). */
export const PYTHON_RUNTIME_PREFIX = 'python:';

export function isPythonRuntime(name: string): name is Extract<RuntimeName, `python:${string}`> {
  return name.startsWith(PYTHON_RUNTIME_PREFIX);
}

/** Where the model's ops ran, as the runtime or a tool reported it; counts absent where the source does not give them. */
export const AcceleratorOps = z.object({
  /** Who said so: edgetpu_compiler's log, onnxruntime's node placements (its verbose session log), the TFLite interpreter's execution plan. */
  source: z.enum(['edgetpu_compiler', 'onnxruntime', 'interpreter']),
  onAccelerator: z.number().int().nullable(),
  onCpu: z.number().int().nullable(),
  /** The ops left on the CPU, by op type, with the reason the source gives. */
  cpuOps: z.array(z.object({ opType: z.string(), count: z.number().int(), reason: z.string().optional() })),
});
export type AcceleratorOps = z.infer<typeof AcceleratorOps>;

/**
 * What a Python-runner engine was asked to accelerate with and what really ran: a TFLite delegate,
 * onnxruntime's execution providers (session.get_providers()), an Arm NN backend, an OpenVINO device.
 */
export const RunAccelerator = z.object({
  requested: z.array(z.string()),
  used: z.array(z.string()),
  /** Asked for and not used, each with why (not in this build, dropped at start, took no op). */
  unavailable: z.array(z.object({ name: z.string(), reason: z.string() })).default([]),
  ops: AcceleratorOps.optional(),
  /** The engine's own words about placement (Arm NN's Optimize warnings). */
  notes: z.array(z.string()).optional(),
});
export type RunAccelerator = z.infer<typeof RunAccelerator>;

/** What lists of runs carry of the accelerator record: enough for the results grid's badge (what ran, what was asked, where the ops went and who said so). */
export const RunAcceleratorSummary = RunAccelerator.pick({ requested: true, used: true, ops: true });
export type RunAcceleratorSummary = z.infer<typeof RunAcceleratorSummary>;

export function acceleratorSummary(accelerator: RunAccelerator): RunAcceleratorSummary {
  return { requested: accelerator.requested, used: accelerator.used, ...(accelerator.ops !== undefined ? { ops: accelerator.ops } : {}) };
}

const OPS_SOURCES: Record<AcceleratorOps['source'], string> = {
  edgetpu_compiler: "edgetpu_compiler's log",
  onnxruntime: "onnxruntime's node placements",
  interpreter: "the interpreter's execution plan",
};

/** How many ops ran where, in words: "10 ops on the accelerator, 4 on the CPU (edgetpu_compiler's log)". */
export function acceleratorOpsText(ops: AcceleratorOps): string {
  const count = (n: number | null): string => (n === null ? 'all' : String(n));
  return `${count(ops.onAccelerator)} ops on the accelerator, ${count(ops.onCpu)} on the CPU (${OPS_SOURCES[ops.source]})`;
}

/** The ops left on the CPU, one phrase each: "TRANSPOSE ×2 (Operation not supported)". */
export function cpuOpPhrases(ops: AcceleratorOps): string[] {
  return ops.cpuOps.map((op) => `${op.opType} ×${op.count}${op.reason !== undefined ? ` (${op.reason})` : ''}`);
}

/** The record as lines of text, for the CLI and reports: what ran, what was asked and not used, where the ops went. */
export function acceleratorLines(accelerator: RunAccelerator): string[] {
  const lines = [`ran on ${accelerator.used.join(', ') || 'nothing reported'} (asked for ${accelerator.requested.join(', ')})`];
  for (const missing of accelerator.unavailable) lines.push(`${missing.name} not used: ${missing.reason}`);
  if (accelerator.ops !== undefined) {
    const cpu = cpuOpPhrases(accelerator.ops);
    lines.push(acceleratorOpsText(accelerator.ops) + (cpu.length > 0 ? `; on the CPU: ${cpu.join(', ')}` : ''));
  }
  for (const note of accelerator.notes ?? []) lines.push(note);
  return lines;
}

/** A 'python:*' runtime this computer's own Python offers (the bench form lists them after a probe). */
export const PythonRuntimeOffer = z.object({
  runtime: RuntimeName,
  label: z.string(),
  /** "<module> <version>", as the run will record it. */
  version: z.string(),
  /** The interpreter that serves it. */
  python: z.string(),
  pythonVersion: z.string(),
  /** What its module can accelerate with here: execution providers, Arm NN backends, OpenVINO devices, delegate libraries found. */
  accelerators: z.array(z.string()),
});
export type PythonRuntimeOffer = z.infer<typeof PythonRuntimeOffer>;
