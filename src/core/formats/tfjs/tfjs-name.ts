/**
 * What a TF.js model.json says about its own name, for the shared naming rule
 * (src/shared/model-naming.ts): a layers model's Keras name, at modelTopology.config.name as
 * `model.save()` writes it or under model_config as the converter writes Keras HDF5 models. Graph
 * models carry none.
 */
import { parseJsonOnce } from './tfjs-manifest';

const record = (value: unknown): Record<string, unknown> | null =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;

/** The Keras name of a layers model.json, or null (a graph model, JSON that is not a model). */
export function tfjsOwnName(modelJson: Uint8Array): string | null {
  const topology = record(record(parseJsonOnce({ name: 'model.json', data: modelJson }))?.modelTopology);
  const root = topology && 'model_config' in topology ? record(topology.model_config) : topology;
  const name = record(root?.config)?.name;
  return typeof name === 'string' && name.trim() !== '' ? name : null;
}
