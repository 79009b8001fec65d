/**
 * TensorFlow.js: layers and graph models (model.json + shards) on the tensorflow backend
 * (tfjs-node, where the user installed it), else wasm, else cpu; RuntimeOptions.tfjsBackend
 * can force one. This file stays light: TF.js itself is imported on the first load.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { StudioError } from '../../../shared/errors';
import { remedy, say, worded } from '../../../shared/remedies';
import { elementCount, freshSeed, makeInputData, planInput } from '../input-data';
import type { InputRequest, InputUsed } from '../protocol';
import { floatToDtype, outputToFloat32, type FloatTensor } from '../tensor-convert';
import type { LoadedModel, RuntimeLoadOptions, RuntimeModule } from './index';
import { loadTfjsCore, tfjsVersion, useTfjsBackend, type TfjsCore } from './tfjs-backend';
import { openTfjsModel, type TfjsInputSpec, type TfjsModel } from './tfjs-model';

export const tfjsModule: RuntimeModule<'tfjs'> = {
  name: 'tfjs',
  version: tfjsVersion,
  load,
};

async function load({ modelPath, threads, inputs, options }: RuntimeLoadOptions<'tfjs'>): Promise<LoadedModel> {
  await loadTfjsCore();
  const startNs = process.hrtime.bigint();
  const backend = await useTfjsBackend(options.tfjsBackend, threads);
  const model = await openTfjsModel(modelPath, backend.tf);
  const initMs = Number(process.hrtime.bigint() - startNs) / 1e6;
  logBackendChoice(backend.name, backend.skipped, threads, backend.threads);

  const { tf } = backend;
  try {
    const requested = new Map(inputs.map((input) => [input.name, input]));
    const used = model.inputs.map((spec, index) => planTfjsInput(spec, requested.get(spec.name), index));
    const tensorDtypes = model.inputs.map((spec) => spec.tensorDtype);
    const tensors = used.map((input, index) => makeTensor(tf, input, tensorDtypes[index] as string, input.fill));
    return {
      initMs,
      inputs: used,
      backend: backend.name,
      run: () => runOnce(model, tensors),
      outputNames: model.outputs,
      infer: (given) => inferWithOutputs(tf, model, given),
      refreshInputs(seed) {
        used.forEach((input, index) => {
          // Inputs given a --value keep it: only generated (random) inputs are refreshed.
          if (input.fill.kind !== 'random') return;
          tensors[index]?.dispose();
          tensors[index] = makeTensor(tf, input, tensorDtypes[index] as string, { kind: 'random', seed: freshSeed(seed, index) });
        });
      },
      release: async () => {
        for (const tensor of tensors) tensor.dispose();
        model.dispose();
      },
    };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/**
 * One inference, reading every output back (dataSync) so the time includes all the work even on
 * a backend that computes lazily, then freeing the outputs so nothing accumulates across runs.
 * Resolves with the outputs' values, in the model's output order.
 */
export async function runOnce(model: TfjsModel, inputs: Tensor[]): Promise<TypedArrayOutput[]> {
  const result = model.execute(inputs);
  // Awaiting only when the model ran asynchronously spares synchronous models a microtask per run.
  const outputs = Array.isArray(result) ? result : await result;
  return outputs.map((output) => {
    const values = output.dataSync();
    // An identity model hands an input back as its output; that one stays alive.
    if (!inputs.includes(output)) output.dispose();
    return values;
  });
}

type TypedArrayOutput = ReturnType<Tensor['dataSync']>;

/** One inference on given float values (converted to each input's dtype); every output read back as float32 with its shape. */
async function inferWithOutputs(tf: TfjsCore, model: TfjsModel, given: Record<string, FloatTensor>): Promise<Record<string, FloatTensor>> {
  const inputs: Tensor[] = [];
  try {
    for (const spec of model.inputs) {
      const value = given[spec.name];
      if (value === undefined) {
        throw new StudioError('RUNTIME', `No values were given for the model's input '${spec.name}'; every input needs data.`, { runnerCode: 'UNSUPPORTED_INPUT', input: spec.name });
      }
      inputs.push(makeTensorFrom(tf, spec.name, spec.dtype, value));
    }
    const result = model.execute(inputs);
    const outputs = Array.isArray(result) ? result : await result;
    const values: Record<string, FloatTensor> = {};
    outputs.forEach((output, i) => {
      const name = model.outputs[i] ?? `output_${i}`;
      values[name] = { dims: [...output.shape], data: outputToFloat32(name, output.dtype, output.dataSync()) };
      if (!inputs.includes(output)) output.dispose();
    });
    return values;
  } finally {
    for (const tensor of inputs) tensor.dispose();
  }
}

function makeTensorFrom(tf: TfjsCore, name: string, dtype: string, value: FloatTensor): Tensor {
  if (dtype === 'float32') return tf.tensor(value.data, value.dims, 'float32');
  if (dtype === 'bool') return tf.tensor(floatToDtype(name, 'bool', value.data) as Uint8Array, value.dims, 'bool');
  // TF.js has no narrow integer tensors: values are rounded and clamped to the declared type, then held as int32.
  if (['int8', 'uint8', 'int16', 'uint16', 'int32'].includes(dtype)) {
    return tf.tensor(Int32Array.from(floatToDtype(name, dtype, value.data) as ArrayLike<number>), value.dims, 'int32');
  }
  throw new StudioError('RUNTIME', `Input '${name}' has element type '${dtype}', which TF.js tensors cannot hold.`, { runnerCode: 'UNSUPPORTED_INPUT', input: name });
}

function planTfjsInput(spec: TfjsInputSpec, request: InputRequest | undefined, index: number): InputUsed {
  if (request?.shape === undefined && spec.shape === null) {
    throw new StudioError('RUNTIME', worded`Input '${spec.name}' has no declared shape; ${say('give one with', 'set one under')} ${remedy('shape', `${spec.name}=1x...`)}${say('', '.')}`, {
      runnerCode: 'UNSUPPORTED_INPUT',
      input: spec.name,
    });
  }
  // Unknown dims (the batch of layers models, -1 in graph models) become 1 unless a shape is given.
  return planInput(spec.name, spec.dtype, spec.shape, request, index);
}

/** Data in the declared dtype's range (0..9 for integers), held in the tensor type TF.js takes (int32 for uint8 inputs). */
function makeTensor(tf: TfjsCore, input: InputUsed, tensorDtype: string, fill: InputUsed['fill']): Tensor {
  const data = makeInputData(input.name, input.dtype, elementCount(input.shape), fill);
  if (tensorDtype === 'int32' && !(data instanceof Int32Array) && !(data instanceof Float32Array)) {
    return tf.tensor(Int32Array.from(data as Iterable<number | bigint>, (value) => Number(value)), input.shape, 'int32');
  }
  if (!(data instanceof Float32Array || data instanceof Int32Array || data instanceof Uint8Array)) {
    throw new StudioError('RUNTIME', `Input '${input.name}' has element type '${input.dtype}', which TF.js tensors cannot hold.`, {
      runnerCode: 'UNSUPPORTED_INPUT',
      input: input.name,
    });
  }
  return tf.tensor(data, input.shape, tensorDtype as Tensor['dtype']);
}

/** One line on the runner's log (stderr): which backend runs, why others were passed over, and threads. */
function logBackendChoice(name: string, skipped: string[], threadsAsked: number, threadsUsed: number | null): void {
  const parts = [`tfjs: running on the '${name}' backend`];
  if (skipped.length > 0) parts.push(`skipped ${skipped.join('; ')}`);
  if (threadsAsked > 0 && threadsUsed !== null && threadsUsed !== threadsAsked) {
    parts.push(`${threadsAsked} threads were asked but this backend computes on ${threadsUsed} here`);
  }
  process.stderr.write(`${parts.join('; ')}.\n`);
}
