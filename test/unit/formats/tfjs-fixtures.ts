/**
 * TF.js model.json + shard fixtures built in code, shaped like the converter's and
 * `model.save()`'s output.
 */

export interface TfjsFixture {
  json: Uint8Array;
  shards: Array<{ name: string; data: Uint8Array }>;
}

const encode = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
const b64 = (text: string): string => Buffer.from(text).toString('base64');
const dims = (...sizes: number[]): { dim: Array<{ size: string }> } => ({ dim: sizes.map((size) => ({ size: String(size) })) });

// Layers model: Conv2D(8, 3x3 valid) on 28x28x1 → 26x26x8 → MaxPooling2D(2) → 13x13x8 → Flatten (1352) → Dense(10).
// MACs: conv 26*26*8 * 9 = 48,672; dense 1352*10 = 13,520. Parameters: 72 + 8 + 13,520 + 10 = 13,610.
export function layersModel(): TfjsFixture {
  const weights = [
    { name: 'conv2d/kernel', shape: [3, 3, 1, 8], dtype: 'float32' },
    { name: 'conv2d/bias', shape: [8], dtype: 'float32' },
    { name: 'dense/kernel', shape: [1352, 10], dtype: 'float32' },
    { name: 'dense/bias', shape: [10], dtype: 'float32' },
  ];
  const totalBytes = 13_610 * 4;
  const json = {
    format: 'layers-model',
    generatedBy: 'keras v2.15.0',
    convertedBy: 'TensorFlow.js Converter v4.22.0',
    modelTopology: {
      keras_version: '2.15.0',
      backend: 'tensorflow',
      model_config: {
        class_name: 'Sequential',
        config: {
          name: 'sequential',
          layers: [
            { class_name: 'InputLayer', config: { batch_input_shape: [null, 28, 28, 1], dtype: 'float32', name: 'pixels' } },
            { class_name: 'Conv2D', config: { name: 'conv2d', filters: 8, kernel_size: [3, 3], strides: [1, 1], padding: 'valid', data_format: 'channels_last', dilation_rate: [1, 1], activation: 'relu' } },
            { class_name: 'MaxPooling2D', config: { name: 'max_pooling2d', pool_size: [2, 2], strides: [2, 2], padding: 'valid' } },
            { class_name: 'Flatten', config: { name: 'flatten' } },
            { class_name: 'Dense', config: { name: 'dense', units: 10, activation: 'softmax' } },
          ],
        },
      },
    },
    weightsManifest: [{ paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'], weights }],
  };
  return {
    json: encode(json),
    shards: [
      { name: 'group1-shard1of2.bin', data: new Uint8Array(32_768) },
      { name: 'group1-shard2of2.bin', data: new Uint8Array(totalBytes - 32_768) },
    ],
  };
}

// Graph model: _FusedConv2D (8, 3x3 SAME) on 28x28x1 → MaxPool 2 → Reshape by a stored int32 shape [-1, 1568] → _FusedMatMul (10).
// MACs: conv 28*28*8 * 9 = 56,448; matmul 1568*10 = 15,680. Parameters: 72 + 8 + 2 + 15,680 + 10 = 15,772.
export function graphModel(): TfjsFixture {
  const weights = [
    { name: 'conv/w', shape: [3, 3, 1, 8], dtype: 'float32' },
    { name: 'conv/b', shape: [8], dtype: 'float32' },
    { name: 'flatten/shape', shape: [2], dtype: 'int32' },
    { name: 'fc/w', shape: [1568, 10], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.01, min: -1.28 } },
    { name: 'fc/b', shape: [10], dtype: 'float32' },
  ];
  const shard = new Uint8Array(288 + 32 + 8 + 15_680 + 40);
  new DataView(shard.buffer).setInt32(320, -1, true);
  new DataView(shard.buffer).setInt32(324, 1568, true);
  const ints = (...values: number[]): { list: { i: string[] } } => ({ list: { i: values.map(String) } });
  const json = {
    format: 'graph-model',
    generatedBy: '2.15.0',
    convertedBy: 'TensorFlow.js Converter v4.22.0',
    signature: {
      inputs: { x: { name: 'x:0', dtype: 'DT_FLOAT', tensorShape: dims(-1, 28, 28, 1) } },
      outputs: { Identity: { name: 'Identity:0', dtype: 'DT_FLOAT', tensorShape: dims(-1, 10) } },
    },
    modelTopology: {
      node: [
        { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dims(-1, 28, 28, 1) } } },
        { name: 'conv/w', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' }, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dims(3, 3, 1, 8) } } } },
        { name: 'conv/b', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' } } },
        { name: 'flatten/shape', op: 'Const', attr: { dtype: { type: 'DT_INT32' } } },
        { name: 'fc/w', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' } } },
        { name: 'fc/b', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' } } },
        { name: 'conv', op: '_FusedConv2D', input: ['x', 'conv/w', 'conv/b'], attr: { strides: ints(1, 1, 1, 1), padding: { s: b64('SAME') }, data_format: { s: b64('NHWC') }, fused_ops: { list: { s: [b64('BiasAdd'), b64('Relu')] } } } },
        { name: 'pool', op: 'MaxPool', input: ['conv'], attr: { ksize: ints(1, 2, 2, 1), strides: ints(1, 2, 2, 1), padding: { s: b64('VALID') } } },
        { name: 'flatten', op: 'Reshape', input: ['pool', 'flatten/shape'], attr: {} },
        { name: 'fc', op: '_FusedMatMul', input: ['flatten', 'fc/w', 'fc/b', '^conv'], attr: { transpose_a: { b: false }, transpose_b: { b: false } } },
        { name: 'Identity', op: 'Softmax', input: ['fc'], attr: {} },
      ],
      versions: { producer: 1474 },
    },
    weightsManifest: [{ paths: ['weights.bin'], weights }],
  };
  return { json: encode(json), shards: [{ name: 'weights.bin', data: shard }] };
}
