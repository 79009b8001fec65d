/**
 * Pruning as a variant (issue 14 item 5): what a user asks for and what comes back. Magnitude
 * pruning zeroes the smallest weights of each prunable layer to a target sparsity (the file keeps
 * its size and shape; only a runtime with sparse kernels, or a compressor, can gain from it);
 * channel pruning removes whole output channels of convolutions, with the matching inputs of the
 * layer that reads them, so the model really gets smaller and does less work.
 */

export type PruneMethod = 'magnitude' | 'channels';

export interface PruneOptions {
  method: PruneMethod;
  /** Fraction of each prunable layer's weights set to zero (magnitude), or of each prunable convolution's output channels removed (channels); 0 < amount < 1. */
  amount: number;
  /** Node or tensor names (ONNX), operator indices "op:N" or tensor names (TFLite) left unpruned. */
  exclude?: string[];
}

/** One layer's weights before and after. */
export interface LayerSparsity {
  /** The node's name (ONNX) or "op:N" (TFLite). */
  layer: string;
  op: string;
  weight: string;
  /** Weight elements before and after (they differ only when channels were removed). */
  weightsBefore: number;
  weightsAfter: number;
  /** Zeros among the weights after, over weightsAfter. */
  sparsity: number;
  /** Output channels before and after (channel pruning), else undefined. */
  channelsBefore?: number;
  channelsAfter?: number;
  /** Indices of the output channels removed, in the original numbering. */
  removedChannels?: number[];
  /** 1×1, 3×3 ... for convolutions: the speed-up rules depend on it. */
  kernel?: [number, number];
}

export interface PruneSkipped {
  layer: string;
  op: string;
  reason: string;
}

export interface PruneResult {
  bytes: Uint8Array;
  format: 'onnx' | 'tflite';
  method: PruneMethod;
  amount: number;
  layers: LayerSparsity[];
  skipped: PruneSkipped[];
  /** Zeros over all prunable weights, after. */
  overallSparsity: number;
  /** Share of the pruned layers' weights removed (channel pruning; 0 for magnitude). */
  removedShare: number;
  parametersBefore: number;
  parametersAfter: number;
  notes: string[];
}

/** A weight's element count and zeros, before pruning (to report only what pruning changed). */
export interface WeightCount {
  elements: number;
  zeros: number;
}
