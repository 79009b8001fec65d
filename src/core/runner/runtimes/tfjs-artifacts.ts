/**
 * Reads a TF.js model.json and its weight shards from disk into the artifacts tf.io.fromMemory
 * takes. TF.js itself loads file:// URLs only with tfjs-node installed, so the runtime reads the
 * files here and hands TF.js an in-memory IOHandler, which works with every backend.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, relative, resolve, isAbsolute } from 'node:path';
import type { io } from '@tensorflow/tfjs-core';
import { StudioError } from '../../../shared/errors';
import type { ModelFile } from '../../formats/model-file';
import { locateWeights, parseModelJson, shardPaths } from '../../formats/tfjs/tfjs-manifest';

export type TfjsModelKind = 'layers' | 'graph';

export interface TfjsArtifacts {
  kind: TfjsModelKind;
  artifacts: io.ModelArtifacts;
}

/** A load failure of the TF.js runtime, as the runner reports it (LOAD_FAILED). */
export function tfjsLoadError(modelPath: string, reason: string): StudioError {
  return new StudioError('RUNTIME', `TF.js could not load '${modelPath}': ${reason.replace(/\.$/, '')}.`, {
    runnerCode: 'LOAD_FAILED',
    file: modelPath,
  });
}

/** Reads model.json and every shard it lists (paths relative to model.json's folder, never outside it). */
export function readTfjsArtifacts(modelPath: string): TfjsArtifacts {
  try {
    const main: ModelFile = { name: basename(modelPath), data: readFileSync(modelPath) };
    const json = parseModelJson(main);
    const folder = dirname(resolve(modelPath));
    const shards = new Map<string, ModelFile>();
    for (const path of shardPaths(json)) {
      const full = resolve(folder, path);
      const inside = relative(folder, full);
      if (inside.startsWith('..') || isAbsolute(inside)) {
        throw tfjsLoadError(modelPath, `its weight shard path '${path}' points outside the model's folder; keep the shards next to model.json`);
      }
      shards.set(path, { name: path, data: readFileSync(full) });
    }
    // Checks every shard is there and long enough before TF.js slices into them.
    locateWeights(main.name, json, shards);

    const topology = json.modelTopology as { node?: unknown; class_name?: unknown; model_config?: unknown };
    const kind = kindOf(json.format, topology);
    if (kind === undefined) {
      throw tfjsLoadError(modelPath, `its format '${json.format ?? '(none)'}' is neither 'layers-model' nor 'graph-model' and its modelTopology looks like neither`);
    }
    const weightSpecs = (json.weightsManifest ?? []).flatMap((group) => group.weights) as io.WeightsManifestEntry[];
    const weightData = concatenate(shardPaths(json).map((path) => shards.get(path)?.data ?? new Uint8Array(0)));
    const artifacts: io.ModelArtifacts = {
      modelTopology: topology as io.ModelArtifacts['modelTopology'],
      weightSpecs,
      weightData,
      format: json.format,
      generatedBy: json.generatedBy ?? undefined,
      convertedBy: json.convertedBy ?? undefined,
    };
    if (json.signature !== undefined) artifacts.signature = json.signature as object;
    return { kind, artifacts };
  } catch (error) {
    if (error instanceof StudioError && error.context.runnerCode !== undefined) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      const missing = (error as NodeJS.ErrnoException).path ?? modelPath;
      throw tfjsLoadError(modelPath, `the file '${missing}' does not exist; check the path and that every weight shard sits next to model.json`);
    }
    throw tfjsLoadError(modelPath, error instanceof Error ? error.message : String(error));
  }
}

function kindOf(format: string | undefined, topology: { node?: unknown; class_name?: unknown; model_config?: unknown }): TfjsModelKind | undefined {
  if (format === 'graph-model') return 'graph';
  if (format === 'layers-model') return 'layers';
  // Older files (and model.save() output) may omit `format`.
  if (Array.isArray(topology.node)) return 'graph';
  if (topology.class_name !== undefined || topology.model_config !== undefined) return 'layers';
  return undefined;
}

/** One ArrayBuffer of all shards in manifest order, which is how weightSpecs offsets count. */
function concatenate(parts: Uint8Array[]): ArrayBuffer {
  const total = parts.reduce((sum, part) => sum + part.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out.buffer;
}
