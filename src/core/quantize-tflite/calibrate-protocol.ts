/** Lines between calibrate-tflite.ts and its worker process (src/core/workers/tflite-calibrate-process.ts). */

export interface CalibrateRequest {
  /** The calibration copy of the model (every float activation an output). */
  modelPath: string;
  /** Samples back to back, each the model's inputs in order, as little-endian float32. */
  feedsPath: string;
  /** The samples this worker runs: [first, first + samples) of the file (calibration splits them over workers). */
  first: number;
  samples: number;
  inputs: Array<{ name: string; dims: number[]; elements: number }>;
  /** How many outputs the copy lists (checked against what LiteRT reports). */
  outputs: number;
  /** Positions (in the copy's outputs) whose mean per channel (last axis) is wanted too: the inputs of ops with weights, for bias correction. */
  channelMeans?: number[];
  /** Second pass of histogram calibration: per output position, the bounds of its histogram (bins equal, |x| when ofAbs); null for none. */
  histograms?: { bins: number; skipZeros: boolean; ranges: Array<{ lo: number; hi: number; ofAbs: boolean } | null> };
}

export type CalibrateReply =
  /** `done` of this worker's samples. */
  | { type: 'progress'; done: number; total: number }
  /** [min, max] per output of the copy, in order, null for an output that held no values; `means` per requested channelMeans position, over this worker's samples. */
  | { type: 'ranges'; ranges: Array<[number, number] | null>; means?: Array<number[] | null>; histograms?: Array<number[] | null> }
  | { type: 'error'; message: string };
