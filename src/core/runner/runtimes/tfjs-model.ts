/**
 * A TF.js model (layers or graph) loaded from disk behind one small interface: its inputs as the
 * model declares them, and one inference from input tensors to output tensors. The runtime and
 * the accuracy tests both use it, so what is tested is what is benchmarked.
 */
import type { GraphModel } from '@tensorflow/tfjs-converter';
import type { io, NamedTensorMap, Tensor } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Dim } from '../../../shared/model-info';
import { asRecord } from '../../formats/tfjs/tfjs-common';
import { graphEndpoints, readGraphNodes } from '../../formats/tfjs/tfjs-graph';
import { analyzeLayers, readLayersModel } from '../../formats/tfjs/tfjs-layers';
import { readTfjsArtifacts, tfjsLoadError, type TfjsModelKind } from './tfjs-artifacts';
import type { TfjsCore } from './tfjs-backend';

export interface TfjsInputSpec {
  /** As model inspection names it (a graph model's signature key), which is what --shape and --value use. */
  name: string;
  /** As the model declares it (uint8 for a DT_UINT8 signature input); generated data follows its range. */
  dtype: string;
  /** The dtype of the tensor TF.js takes: it has no narrow integer tensors, so uint8 inputs are fed as int32. */
  tensorDtype: string;
  /** As declared: null for an unknown dim (layers' batch), -1 as graph models write it becomes null too. */
  shape: Array<number | null> | null;
}

export interface TfjsModel {
  kind: TfjsModelKind;
  inputs: TfjsInputSpec[];
  /** Output names, in the order `execute` returns the outputs. */
  outputs: string[];
  /** One inference; inputs in the order of `inputs`. The caller disposes the outputs. */
  execute(inputs: Tensor[]): Tensor[] | Promise<Tensor[]>;
  dispose(): void;
}

/** Loads model.json (+ shards) into the backend that is current; throws RUNTIME/LOAD_FAILED naming the file. */
export async function openTfjsModel(modelPath: string, tf: TfjsCore): Promise<TfjsModel> {
  const { kind, artifacts } = readTfjsArtifacts(modelPath);
  const handler = tf.io.fromMemory(artifacts);
  try {
    if (kind === 'layers') {
      const layers = await import('@tensorflow/tfjs-layers');
      const analysis = analyzeLayers(readLayersModel(artifacts.modelTopology as Record<string, unknown>));
      const names = { inputs: analysis.inputs.map((input) => input.name), outputs: analysis.outputs.map((output) => output.name) };
      return layersModel(await layers.loadLayersModel(handler, { strict: true }), names);
    }
    const converter = await import('@tensorflow/tfjs-converter');
    return graphModel(await converter.loadGraphModel(handler), artifacts);
  } catch (error) {
    throw tfjsLoadError(modelPath, `${error instanceof Error ? error.message : String(error)} (it was read as a ${kind} model)`);
  }
}

/** Dims TF.js knows win; a dim it leaves open takes the signature's size where the signature has one. */
function mergeShapes(runtime: Array<number | null> | null, signature: Dim[] | null): Array<number | null> | null {
  const known = (dim: Dim | undefined): number | null => (typeof dim === 'number' && dim >= 0 ? dim : null);
  if (runtime === null) return signature === null ? null : signature.map(known);
  if (signature === null || signature.length !== runtime.length) return runtime;
  return runtime.map((dim, i) => dim ?? known(signature[i]));
}

function declared(shape: ReadonlyArray<number | null> | undefined): Array<number | null> | null {
  return shape === undefined ? null : shape.map((dim) => (dim === null || dim < 0 ? null : dim));
}

function asList(output: Tensor | Tensor[] | NamedTensorMap): Tensor[] {
  if (Array.isArray(output)) return output;
  return 'dataId' in output ? [output as Tensor] : Object.values(output);
}

/**
 * TF.js makes layer names unique per process (a second load of the same model gets
 * 'conv1_input_1'), so inputs and outputs are named as model inspection names them, from the file.
 */
function layersModel(model: LayersModel, fileNames: { inputs: string[]; outputs: string[] }): TfjsModel {
  return {
    kind: 'layers',
    inputs: model.inputs.map((input, i) => ({ name: fileNames.inputs[i] ?? input.name, dtype: input.dtype, tensorDtype: input.dtype, shape: declared(input.shape) })),
    outputs: model.outputs.map((output, i) => fileNames.outputs[i] ?? output.name),
    execute: (inputs) => asList(model.predict(inputs.length === 1 ? (inputs[0] as Tensor) : inputs)),
    dispose: () => model.dispose(),
  };
}

/**
 * Graph models are fed and named as inspection names them: by signature key where the file has a
 * signature (TF.js's model.inputs name the Placeholder nodes), with the signature's shape filling
 * dims the Placeholder leaves open (handtrack's Placeholder is [1, -1, -1, 3], its signature
 * [1, 320, 320, 3]), so a run uses the sizes `inspect` shows instead of guessing 1.
 */
function graphModel(model: GraphModel, artifacts: io.ModelArtifacts): TfjsModel {
  const topology = asRecord(artifacts.modelTopology);
  const endpoints = graphEndpoints(readGraphNodes(topology.node), artifacts.signature);
  const inputsByNode = new Map(endpoints.inputs.map((endpoint) => [endpoint.node, endpoint.info]));
  const outputsByNode = new Map(endpoints.outputs.map((endpoint) => [endpoint.node, endpoint.info.name]));
  const specs: TfjsInputSpec[] = model.inputs.map((input) => {
    const info = inputsByNode.get(input.name);
    const tensorDtype = input.dtype ?? 'float32';
    return {
      name: info?.name ?? input.name,
      dtype: info && info.dtype !== 'unknown' ? info.dtype : tensorDtype,
      tensorDtype,
      shape: mergeShapes(declared(input.shape), info?.shape ?? null),
    };
  });
  const nodeNames = model.inputs.map((input) => input.name);
  const feed = (inputs: Tensor[]): NamedTensorMap => Object.fromEntries(nodeNames.map((name, i) => [name, inputs[i] as Tensor]));
  // execute() is synchronous and cheapest; models with control flow or dynamic shapes refuse it
  // and name executeAsync, which is then used from that run on.
  let dynamic = false;
  return {
    kind: 'graph',
    inputs: specs,
    outputs: model.outputs.map((output) => outputsByNode.get(output.name) ?? output.name),
    execute(inputs) {
      if (dynamic) return model.executeAsync(feed(inputs)).then(asList);
      try {
        return asList(model.execute(feed(inputs)));
      } catch (error) {
        if (!(error instanceof Error && error.message.includes('executeAsync'))) throw error;
        dynamic = true;
        return model.executeAsync(feed(inputs)).then(asList);
      }
    },
    dispose: () => model.dispose(),
  };
}
