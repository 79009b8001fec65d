/**
 * Writes a TF.js layers model (model.json + binary weight shards), the format
 * `tf.loadLayersModel` reads and `model.save()` writes.
 *
 * Layout: TF.js layers are channels-last. A Conv2D model takes [batch, height, width, channels]
 * (ONNX models usually take [batch, channels, height, width]); Conv2D kernels are
 * [kh, kw, in, out] (ONNX: [out, in, kh, kw]) and Dense kernels [in, out] (ONNX Gemm with
 * transB: [out, in]). Flatten after a conv therefore orders features h, w, c rather than c, h, w.
 */
import { StudioError } from '../../../shared/errors';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface TfjsWeightSpec {
  /** "<layer name>/kernel", "<layer name>/bias": tfjs matches weights to layers by these names. */
  name: string;
  shape: number[];
  data: Float32Array | Int32Array;
}

export interface TfjsLayerSpec {
  className: string;
  config: { [key: string]: JsonValue };
}

export interface TfjsLayersModelSpec {
  /** Name of the Sequential model. */
  name: string;
  generatedBy: string;
  layers: TfjsLayerSpec[];
  weights: TfjsWeightSpec[];
  /** tfjs splits weights into 4 MiB shards by default; so do we. */
  shardSizeBytes?: number;
}

export interface TfjsModelFiles {
  modelJson: string;
  shards: { fileName: string; bytes: Uint8Array }[];
}

const DEFAULT_SHARD_BYTES = 4 * 1024 * 1024;
/** The tfjs-layers release whose model.json layout this writer follows. */
const TFJS_LAYERS_VERSION = '4.22.0';

export function encodeTfjsLayersModel(spec: TfjsLayersModelSpec): TfjsModelFiles {
  const totalBytes = spec.weights.reduce((sum, w) => {
    const elements = w.shape.reduce((product, d) => product * d, 1);
    if (w.data.length !== elements) {
      throw new StudioError('INTERNAL', `TF.js weight '${w.name}' has ${w.data.length} elements but shape [${w.shape.join(', ')}] needs ${elements}.`);
    }
    return sum + w.data.byteLength;
  }, 0);
  const all = new Uint8Array(totalBytes);
  let offset = 0;
  for (const w of spec.weights) {
    all.set(new Uint8Array(w.data.buffer, w.data.byteOffset, w.data.byteLength), offset);
    offset += w.data.byteLength;
  }
  // tfjs concatenates the shards before slicing weights out, so shards may split a weight.
  const shardSize = spec.shardSizeBytes ?? DEFAULT_SHARD_BYTES;
  const shardCount = Math.max(1, Math.ceil(totalBytes / shardSize));
  const shards = Array.from({ length: shardCount }, (_, i) => ({
    fileName: `group1-shard${i + 1}of${shardCount}.bin`,
    bytes: all.subarray(i * shardSize, Math.min(totalBytes, (i + 1) * shardSize)),
  }));

  const modelJson = {
    format: 'layers-model',
    generatedBy: spec.generatedBy,
    convertedBy: null,
    modelTopology: {
      class_name: 'Sequential',
      config: {
        name: spec.name,
        layers: spec.layers.map((layer) => ({ class_name: layer.className, config: layer.config })),
      },
      keras_version: `tfjs-layers ${TFJS_LAYERS_VERSION}`,
      backend: 'tensor_flow.js',
    },
    weightsManifest: [
      {
        paths: shards.map((s) => s.fileName),
        weights: spec.weights.map((w) => ({ name: w.name, shape: w.shape, dtype: w.data instanceof Float32Array ? 'float32' : 'int32' })),
      },
    ],
  };
  return { modelJson: `${JSON.stringify(modelJson, null, 2)}\n`, shards };
}

const ZEROS = { class_name: 'Zeros', config: {} };
const GLOROT = { class_name: 'GlorotUniform', config: { seed: null } };
const NO_REGULARIZERS = { kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null };

/** Keras Conv2D layer config (channels_last). Give batchInputShape on the first layer only. */
export function conv2dLayer(o: { name: string; filters: number; kernel: number; stride: number; padding: 'same' | 'valid'; activation: 'relu' | 'linear'; batchInputShape?: (number | null)[] }): TfjsLayerSpec {
  return {
    className: 'Conv2D',
    config: {
      name: o.name,
      trainable: true,
      ...(o.batchInputShape ? { batch_input_shape: o.batchInputShape } : {}),
      dtype: 'float32',
      filters: o.filters,
      kernel_size: [o.kernel, o.kernel],
      strides: [o.stride, o.stride],
      padding: o.padding,
      data_format: 'channels_last',
      dilation_rate: [1, 1],
      activation: o.activation,
      use_bias: true,
      kernel_initializer: GLOROT,
      bias_initializer: ZEROS,
      ...NO_REGULARIZERS,
    },
  };
}

export function flattenLayer(name: string): TfjsLayerSpec {
  return { className: 'Flatten', config: { name, trainable: true, dtype: 'float32' } };
}

export function denseLayer(o: { name: string; units: number; activation: 'relu' | 'linear' | 'softmax' }): TfjsLayerSpec {
  return {
    className: 'Dense',
    config: { name: o.name, trainable: true, dtype: 'float32', units: o.units, activation: o.activation, use_bias: true, kernel_initializer: GLOROT, bias_initializer: ZEROS, ...NO_REGULARIZERS },
  };
}
