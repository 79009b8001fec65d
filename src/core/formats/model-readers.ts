import { StudioError } from '../../shared/errors';
import { MODEL_FORMATS, ModelFormat } from '../../shared/plugins/model-formats';
import type { ModelFile, ModelReader } from './model-file';
import { onnxReader } from './onnx/onnx-reader';
import { tfjsReader } from './tfjs/tfjs-reader';
import { tfliteReader } from './tflite/tflite-reader';

/**
 * The engine half of every model format, one line each (the shared half, its descriptor, is in
 * src/shared/plugins/model-formats): typed by ModelFormat, so a format without a reader does not compile.
 */
const READERS = {
  onnx: onnxReader,
  tflite: tfliteReader,
  tfjs: tfjsReader,
} satisfies { [F in ModelFormat]: ModelReader<F> };

/** The readers in the order content checks run (each descriptor's detectOrder: magic numbers before heuristics); extensions are the fallback. */
export const MODEL_READERS: readonly ModelReader[] = [...ModelFormat.options]
  .sort((a, b) => MODEL_FORMATS[a].detectOrder - MODEL_FORMATS[b].detectOrder)
  .map((format) => READERS[format]);

/** The reader for a file: by content first, then by extension; throws MODEL_FORMAT when none fits. */
export function pickReader(main: ModelFile): ModelReader {
  if (main.data.byteLength === 0) {
    throw new StudioError(
      'MODEL_FORMAT',
      `'${main.name}' is empty (0 bytes), so it is not a model. Re-export it or check the download.`,
      { file: main.name },
    );
  }
  const byContent = MODEL_READERS.find((reader) => reader.match(main));
  if (byContent) return byContent;
  const lowerName = main.name.toLowerCase();
  const byExtension = MODEL_READERS.find((reader) => reader.extensions.some((ext) => lowerName.endsWith(ext)));
  if (byExtension) return byExtension;
  throw new StudioError(
    'MODEL_FORMAT',
    `'${main.name}' is not a model EdgeBench Studio can read: it is not ONNX, TFLite (no 'TFL3' identifier) or a TF.js model.json. ` +
      'Pass a .onnx, .tflite or model.json file.',
    { file: main.name },
  );
}

/** Whether any reader recognises the bytes (used to find the model among uploaded files). */
export function isRecognisedModel(file: ModelFile): boolean {
  return file.data.byteLength > 0 && MODEL_READERS.some((reader) => reader.match(file));
}
