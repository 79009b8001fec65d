/** onnxruntime-node on the CPU execution provider. */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceSession, Tensor, env } from 'onnxruntime-node';
import { StudioError } from '../../../shared/errors';
import type { RuntimeOptionsMap } from '../../../shared/run-schema';
import { elementCount, freshSeed, makeInputData, planInput } from '../input-data';
import type { InputRequest, InputUsed } from '../protocol';
import { floatToDtype, outputToFloat32, type FloatTensor } from '../tensor-convert';
import type { LoadedModel, RuntimeLoadOptions, RuntimeModule, RuntimeProfile } from './index';
import { nodeTotals, parseOrtProfile } from './onnxruntime-profile';

export const onnxruntimeModule: RuntimeModule<'onnxruntime'> = {
  name: 'onnxruntime',
  version: () => env.versions.node ?? env.versions.common,
  load,
};

/** The profile file's name starts with this inside its own temp folder; onnxruntime appends "_<timestamp>.json". */
const PROFILE_PREFIX = 'ort-profile';

/** The session options a benchmark asks for; the profile session uses the same ones, plus profiling. */
export function sessionOptionsFor(threads: number, options: RuntimeOptionsMap['onnxruntime']): InferenceSession.SessionOptions {
  const sessionOptions: InferenceSession.SessionOptions = {
    executionProviders: ['cpu'],
    graphOptimizationLevel: options.graphOptimizationLevel,
    executionMode: options.executionMode,
  };
  // Left unset, onnxruntime picks one intra-op thread per physical core, and sizes its inter-op
  // pool (used only by the parallel execution mode) itself.
  if (threads > 0) sessionOptions.intraOpNumThreads = threads;
  if (options.interOpThreads > 0) sessionOptions.interOpNumThreads = options.interOpThreads;
  return sessionOptions;
}

async function load({ modelPath, threads, inputs, options }: RuntimeLoadOptions<'onnxruntime'>): Promise<LoadedModel> {
  const sessionOptions = sessionOptionsFor(threads, options);
  const startNs = process.hrtime.bigint();
  const session = await InferenceSession.create(modelPath, sessionOptions);
  const initMs = Number(process.hrtime.bigint() - startNs) / 1e6;

  const requested = new Map(inputs.map((input) => [input.name, input]));
  const used: InputUsed[] = [];
  const feeds: Record<string, Tensor> = {};
  const tensorTypes = new Map<string, Tensor.Type>();
  session.inputMetadata.forEach((meta, index) => {
    if (!meta.isTensor) {
      throw new StudioError('RUNTIME', `Input '${meta.name}' is not a tensor (a sequence or map); the benchmark can only feed tensors.`, {
        runnerCode: 'UNSUPPORTED_INPUT',
        input: meta.name,
      });
    }
    const input = buildInput(meta, requested.get(meta.name), index);
    used.push(input);
    tensorTypes.set(input.name, meta.type);
    const data = makeInputData(input.name, input.dtype, elementCount(input.shape), input.fill);
    feeds[meta.name] = new Tensor(meta.type, data, input.shape);
  });

  return {
    initMs,
    inputs: used,
    backend: 'cpu',
    // Returned as is: an extra async wrapper would add its own ticks to every timed run.
    run: () => session.run(feeds),
    refreshInputs(seed) {
      used.forEach((input, index) => {
        // Inputs given a --value keep it: only generated (random) inputs are refreshed.
        const type = tensorTypes.get(input.name);
        if (input.fill.kind !== 'random' || type === undefined) return;
        const fill = { kind: 'random' as const, seed: freshSeed(seed, index) };
        feeds[input.name] = new Tensor(type, makeInputData(input.name, input.dtype, elementCount(input.shape), fill), input.shape);
      });
    },
    outputNames: session.outputNames,
    infer: (given) => inferWithOutputs(session, tensorTypes, given),
    profile: (runs) => profileSession(modelPath, sessionOptions, feeds, runs),
    release: () => session.release(),
  };
}

/** One inference on given float values, each converted to its input's type; every output read back as float32. */
async function inferWithOutputs(
  session: InferenceSession,
  tensorTypes: ReadonlyMap<string, Tensor.Type>,
  given: Record<string, FloatTensor>,
): Promise<Record<string, FloatTensor>> {
  const feeds: Record<string, Tensor> = {};
  for (const [name, type] of tensorTypes) {
    const value = given[name];
    if (value === undefined) {
      throw new StudioError('RUNTIME', `No values were given for the model's input '${name}'; every input needs data.`, { runnerCode: 'UNSUPPORTED_INPUT', input: name });
    }
    feeds[name] = new Tensor(type, floatToDtype(name, type, value.data), value.dims);
  }
  const results = await session.run(feeds);
  const outputs: Record<string, FloatTensor> = {};
  session.outputMetadata.forEach((meta) => {
    const tensor = results[meta.name];
    if (tensor === undefined) return;
    outputs[meta.name] = { dims: [...tensor.dims], data: outputToFloat32(meta.name, tensor.type, tensor.data) };
  });
  return outputs;
}


/**
 * Profiles `runs` inferences in a second session created with enableProfiling, so the profiler's
 * overhead never reaches the measured session. One extra first run warms the new session up and
 * is left out of the result, as the first inference is everywhere else.
 */
async function profileSession(
  modelPath: string,
  sessionOptions: InferenceSession.SessionOptions,
  feeds: Record<string, Tensor>,
  runs: number,
): Promise<RuntimeProfile> {
  const dir = mkdtempSync(join(tmpdir(), 'edgebench-ort-profile-'));
  try {
    const session = await InferenceSession.create(modelPath, { ...sessionOptions, enableProfiling: true, profileFilePrefix: join(dir, PROFILE_PREFIX) });
    const wallRunMs: number[] = [];
    try {
      await session.run(feeds);
      for (let i = 0; i < runs; i++) {
        const startNs = process.hrtime.bigint();
        await session.run(feeds);
        wallRunMs.push(Number(process.hrtime.bigint() - startNs) / 1e6);
      }
      // onnxruntime-node's endProfiling returns nothing (the C API's file name is dropped), so
      // the file is found by its prefix in the folder that holds nothing else.
      session.endProfiling();
    } finally {
      await session.release();
    }
    const file = readdirSync(dir).find((name) => name.startsWith(PROFILE_PREFIX) && name.endsWith('.json'));
    if (file === undefined) {
      throw new StudioError('RUNTIME', `onnxruntime wrote no profile file into '${dir}' (expected ${PROFILE_PREFIX}_<time>.json); the per-node profile is missing.`, {
        runnerCode: 'RUN_FAILED',
      });
    }
    const path = join(dir, file);
    const profiled = parseOrtProfile(JSON.parse(readFileSync(path, 'utf8')), path);
    // The warm-up run is the first model_run; anything before the last `runs` is dropped.
    const kept = profiled.slice(Math.max(0, profiled.length - runs));
    return { runs: wallRunMs.length, runtimeRunMs: kept.map((run) => run.runtimeMs), wallRunMs, nodes: nodeTotals(kept) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function buildInput(meta: InferenceSession.TensorValueMetadata, request: InputRequest | undefined, index: number): InputUsed {
  // onnxruntime reports a dim with neither value nor name as '' (and may use -1).
  const declaredShape = meta.shape.map((dim) => (dim === '' || (typeof dim === 'number' && dim < 0) ? null : dim));
  return planInput(meta.name, meta.type, declaredShape, request, index);
}
