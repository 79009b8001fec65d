/** What a model format descriptor says: the shared half of a format (its engine half is the reader in src/core/formats/<name>/). */
import type { PluginIdentity } from '../plugin';

export interface ModelFormatDescriptor<Name extends string = string> extends PluginIdentity<Name> {
  /** As a sentence names a model of it: "is an ONNX model", "is a TF.js model". */
  readonly withArticle: string;
  /** File name endings, lower case with the dot: tried when no reader recognises the content, and stripped to name a model after its file. */
  readonly extensions: readonly string[];
  /** The file a user passes for a model called `modelName` (reproduce commands): demo.onnx; a TF.js model's folder/model.json. */
  fileName(modelName: string): string;
  /**
   * Content checks run in this order, lowest first: formats with a magic number before ones
   * recognised by a heuristic (ONNX has no magic: any protobuf could look like one).
   */
  readonly detectOrder: number;
}

export function defineModelFormat<const Name extends string>(descriptor: ModelFormatDescriptor<Name>): ModelFormatDescriptor<Name> {
  return descriptor;
}
