/** onnxruntime-node on the CPU execution provider. */
import { InferenceSession, Tensor, env } from 'onnxruntime-node';
import { StudioError } from '../../../shared/errors';
import { elementCount, makeInputData } from '../input-data';
import type { InputRequest, InputUsed } from '../protocol';
import type { LoadedModel, RuntimeLoadOptions, RuntimeModule } from './index';

export const onnxruntimeModule: RuntimeModule = {
  name: 'onnxruntime',
  version: () => env.versions.node ?? env.versions.common,
  load,
};

async function load({ modelPath, threads, inputs }: RuntimeLoadOptions): Promise<LoadedModel> {
  const options: InferenceSession.SessionOptions = {
    executionProviders: ['cpu'],
    // One inference at a time: parallelism inside operators, none across them.
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  };
  // Left unset, onnxruntime picks one intra-op thread per physical core.
  if (threads > 0) options.intraOpNumThreads = threads;

  const startNs = process.hrtime.bigint();
  const session = await InferenceSession.create(modelPath, options);
  const initMs = Number(process.hrtime.bigint() - startNs) / 1e6;

  const requested = new Map(inputs.map((input) => [input.name, input]));
  const used: InputUsed[] = [];
  const feeds: Record<string, Tensor> = {};
  session.inputMetadata.forEach((meta, index) => {
    if (!meta.isTensor) {
      throw new StudioError('RUNTIME', `Input '${meta.name}' is not a tensor (a sequence or map); the benchmark can only feed tensors.`, {
        runnerCode: 'UNSUPPORTED_INPUT',
        input: meta.name,
      });
    }
    const request = requested.get(meta.name);
    const input = buildInput(meta, request, index);
    used.push(input);
    const data = makeInputData(input.name, input.dtype, elementCount(input.shape), input.fill);
    feeds[meta.name] = new Tensor(meta.type, data, input.shape);
  });

  return {
    initMs,
    inputs: used,
    // Returned as is: an extra async wrapper would add its own ticks to every timed run.
    run: () => session.run(feeds),
    release: () => session.release(),
  };
}

function buildInput(meta: InferenceSession.TensorValueMetadata, request: InputRequest | undefined, index: number): InputUsed {
  // onnxruntime reports a dim with neither value nor name as '' (and may use -1).
  const declaredShape = meta.shape.map((dim) => (dim === '' || (typeof dim === 'number' && dim < 0) ? null : dim));
  // Symbolic and unknown dims become 1 unless the user gave a shape.
  const shape = request?.shape ?? declaredShape.map((dim) => (typeof dim === 'number' ? dim : 1));
  return {
    name: meta.name,
    dtype: meta.type,
    shape,
    // Seeds differ per input so two inputs of the same shape do not get the same data.
    fill: request?.fill ?? { kind: 'random', seed: index + 1 },
    declaredShape,
  };
}
