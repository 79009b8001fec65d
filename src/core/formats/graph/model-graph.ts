/**
 * A model's graph as data (src/shared/model-graph.ts), one reader per format, each over the
 * format's existing codec: what `models.graph` returns and `edgebench inspect --graph` prints.
 */
import type { ModelGraph } from '../../../shared/model-graph';
import type { ModelFormat } from '../../../shared/plugins/model-formats';
import { loadModelFileSet } from '../inspect';
import type { ModelFileSet } from '../model-file';
import { pickReader } from '../model-readers';
import { readOnnxGraph } from './onnx-graph';
import { readTfjsGraph } from './tfjs-graph';
import { readTfliteGraph } from './tflite-graph';

const GRAPH_READERS: { [F in ModelFormat]: (files: ModelFileSet) => ModelGraph } = {
  onnx: readOnnxGraph,
  tflite: readTfliteGraph,
  tfjs: readTfjsGraph,
};

/** The graph of a model already in memory; the format is recognised as inspect recognises it. */
export function readModelGraph(files: ModelFileSet, format: ModelFormat = pickReader(files.main).format): ModelGraph {
  return GRAPH_READERS[format](files);
}

/** The graph of a model file on disk (a .onnx, a .tflite, or a model.json with its shards next to it). */
export async function readModelGraphFile(file: string): Promise<ModelGraph> {
  const { reader, files } = await loadModelFileSet([file]);
  return readModelGraph(files, reader.format);
}
