import { z } from 'zod';
import { recordOf } from './plugins/plugin';
import { MODEL_FORMATS, ModelFormat } from './plugins/model-formats';

export { ModelFormat } from './plugins/model-formats';

/** A format as a sentence names a model of it: "is an ONNX model", "is a TF.js model". */
export const MODEL_FORMAT_WITH_ARTICLE: Readonly<Record<ModelFormat, string>> = recordOf(ModelFormat.options, (format) => MODEL_FORMATS[format].withArticle);

/** A dimension is a number, or a name for a symbolic dimension ("batch", "N"), or null if unknown. */
export const Dim = z.union([z.number().int(), z.string(), z.null()]);
export type Dim = z.infer<typeof Dim>;

export const TensorInfo = z.object({
  name: z.string(),
  /** Lower-case element type as the format names it: float32, float16, int8, uint8, int64... */
  dtype: z.string(),
  /** null when the model does not say (rank unknown). */
  shape: z.array(Dim).nullable(),
  /** Quantization parameters, when the tensor carries them (TFLite). */
  quantization: z
    .object({ scale: z.array(z.number()), zeroPoint: z.array(z.number()), axis: z.number().int().optional() })
    .optional(),
});
export type TensorInfo = z.infer<typeof TensorInfo>;

export const ModelInfo = z.object({
  format: ModelFormat,
  /** The file name the user imported (model.json for TF.js). */
  fileName: z.string(),
  /** Who wrote the model: ONNX producer_name + version, TFLite description, TF.js generatedBy/convertedBy. */
  producer: z.string().nullable(),
  /** ONNX: "opset 17 (ir 8)"; TFLite: "schema 3"; TF.js: "format graph-model". */
  formatVersion: z.string().nullable(),
  inputs: z.array(TensorInfo),
  outputs: z.array(TensorInfo),
  /** Op type → count, over the main graph and its subgraphs (ONNX If/Loop/Scan bodies, TFLite subgraphs). */
  ops: z.record(z.string(), z.number().int()),
  /** Number of elements in weights (initializers, ONNX Constant nodes and sparse values, subgraphs included / constant buffers). */
  parameters: z.number().int(),
  /** Total bytes of the model's files. */
  sizeBytes: z.number().int(),
  /** sha256 of the main file (hex); for TF.js, of model.json followed by the shards in manifest order. */
  sha256: z.string(),
  /** Multiply-accumulates per inference for Conv, DepthwiseConv, Gemm, MatMul, FullyConnected; symbolic dims taken as 1. */
  macs: z.number(),
  /** Per op type MACs (only the op types above appear). */
  macsByOp: z.record(z.string(), z.number()),
  /** Things the reader noticed but could not account for (e.g. MACs of a node with unknown shapes). */
  notes: z.array(z.string()),
});
export type ModelInfo = z.infer<typeof ModelInfo>;
