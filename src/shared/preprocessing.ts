/**
 * How a dataset's stored samples become model inputs (the preprocessing recipe stored in its
 * dataset.json), shared by the engine, the contract (datasets.setPreprocessing) and the UI.
 */
import { z } from 'zod';

export const Layout = z.enum(['NCHW', 'NHWC']);
export type Layout = z.infer<typeof Layout>;
export const ChannelOrder = z.enum(['RGB', 'BGR', 'gray']);
export type ChannelOrder = z.infer<typeof ChannelOrder>;
export const InputDtype = z.enum(['float32', 'uint8', 'int8']);
export type InputDtype = z.infer<typeof InputDtype>;

export const ResizeSpec = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  method: z.enum(['bilinear', 'nearest']).default('bilinear'),
});
export type ResizeSpec = z.infer<typeof ResizeSpec>;

/**
 * How stored samples become model inputs, in this order:
 * resize → channel order → value · scale → (value − mean[c]) / std[c] → dtype → layout.
 */
export const PreprocessingRecipe = z.object({
  /** Images only: resampled to this size (half-pixel centres, as PIL and OpenCV do). */
  resize: ResizeSpec.optional(),
  /** Images only: the channels the model wants; gray from colour uses ITU-R BT.601 luma. */
  channelOrder: ChannelOrder,
  /** Images only: where the channel axis goes; other samples keep their shape. */
  layout: Layout,
  /** Multiplies every stored value first (1/255 maps 0..255 to 0..1). */
  scale: z.number().finite(),
  /** One value, or one per channel (images) or per last-axis element (tensors). */
  mean: z.array(z.number().finite()).min(1),
  std: z.array(z.number().finite().refine((v) => v !== 0, 'std must not be 0')).min(1),
  /** Element type handed to the model; integer types are rounded and clamped to their range. */
  dtype: InputDtype,
});
export type PreprocessingRecipe = z.infer<typeof PreprocessingRecipe>;

/** What a manifest may store: any subset (older manifests hold only scale and layout). */
export const StoredPreprocessing = PreprocessingRecipe.partial();
export type StoredPreprocessing = z.infer<typeof StoredPreprocessing>;

/** One sample of a preview: its label and, for an image, a thumbnail of what the model gets. */
export const PreviewSample = z.object({
  /** Index of the sample in the dataset. */
  index: z.number().int(),
  /** Class name, or null for an unlabeled dataset. */
  label: z.string().nullable(),
  /**
   * Images: the preprocessed pixels as RGBA bytes (width × height × 4, base64), each channel's
   * values mapped linearly from the preview's value range to 0..255 (gray: R = G = B); null for tensors.
   */
  image: z.object({ width: z.number().int(), height: z.number().int(), channels: z.number().int(), rgbaBase64: z.string() }).nullable(),
  /** The sample's values after preprocessing. */
  min: z.number(),
  max: z.number(),
  mean: z.number(),
});
export type PreviewSample = z.infer<typeof PreviewSample>;

/** The first samples of a dataset after a preprocessing recipe (datasets.preview). */
export const DatasetPreview = z.object({
  /** The full recipe applied (what the stored or given one leaves out filled in). */
  recipe: PreprocessingRecipe,
  /** Shape of one sample after it, in its layout. */
  sampleShape: z.array(z.number().int()),
  /** Lowest and highest value over the samples shown: the thumbnails' black and white. */
  valueRange: z.object({ min: z.number(), max: z.number() }),
  samples: z.array(PreviewSample),
});
export type DatasetPreview = z.infer<typeof DatasetPreview>;
