/**
 * A TF.js model (layers or graph) loaded from disk behind one small interface: its inputs as the
 * model declares them, and one inference from input tensors to output tensors. The runtime and
 * the accuracy tests both use it, so what is tested is what is benchmarked.
 */
import type { GraphModel } from '@tensorflow/tfjs-converter';
import type { NamedTensorMap, Tensor } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { analyzeLayers, readLayersModel } from '../../formats/tfjs/tfjs-layers';
import { readTfjsArtifacts, tfjsLoadError, type TfjsModelKind } from './tfjs-artifacts';
import type { TfjsCore } from './tfjs-backend';

export interface TfjsInputSpec {
  name: string;
  dtype: string;
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
    return graphModel(await converter.loadGraphModel(handler));
  } catch (error) {
    throw tfjsLoadError(modelPath, `${error instanceof Error ? error.message : String(error)} (it was read as a ${kind} model)`);
  }
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
    inputs: model.inputs.map((input, i) => ({ name: fileNames.inputs[i] ?? input.name, dtype: input.dtype, shape: declared(input.shape) })),
    outputs: model.outputs.map((output, i) => fileNames.outputs[i] ?? output.name),
    execute: (inputs) => asList(model.predict(inputs.length === 1 ? (inputs[0] as Tensor) : inputs)),
    dispose: () => model.dispose(),
  };
}

function graphModel(model: GraphModel): TfjsModel {
  const specs = model.inputs.map((input) => ({ name: input.name, dtype: input.dtype ?? 'float32', shape: declared(input.shape) }));
  const feed = (inputs: Tensor[]): NamedTensorMap => Object.fromEntries(specs.map((spec, i) => [spec.name, inputs[i] as Tensor]));
  // execute() is synchronous and cheapest; models with control flow or dynamic shapes refuse it
  // and name executeAsync, which is then used from that run on.
  let dynamic = false;
  return {
    kind: 'graph',
    inputs: specs,
    outputs: model.outputs.map((output) => output.name),
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
