/** A NumPy .npz archive (a zip of .npy files, stored or deflated) holding samples and labels arrays. */
import path from 'node:path';
import { unzipSync } from 'fflate';
import { StudioError } from '../../../shared/errors';
import { parseNpy } from '../npy-format';
import type { DatasetImporter } from './importer';
import { readInputFile } from './npy';
import { datasetFromArrays } from './tensor-arrays';

const SAMPLE_KEYS = ['x', 'X', 'images', 'data', 'samples', 'inputs', 'features'];
const LABEL_KEYS = ['y', 'Y', 'labels', 'label', 'targets'];

export const npzImporter: DatasetImporter = {
  kind: 'npz',
  description: 'a NumPy .npz archive with samples (x, images, ...) and labels (y, labels, ...) arrays',
  match: (source, isDirectory) => !isDirectory && source.toLowerCase().endsWith('.npz'),
  async read(source, options) {
    const bytes = await readInputFile(source);
    let entries: Record<string, Uint8Array>;
    try {
      if (bytes.length === 0) throw new Error('the file is empty');
      entries = unzipSync(bytes);
    } catch (error) {
      throw new StudioError(
        'BAD_INPUT',
        `'${source}' is not a readable .npz archive (${(error as Error).message}); save it with numpy.savez.`,
        { file: source },
      );
    }
    const arrays = new Map(
      Object.entries(entries)
        .filter(([name]) => name.endsWith('.npy'))
        .map(([name, data]) => [name.slice(0, -4), data] as const),
    );
    const names = [...arrays.keys()];
    const listed = names.length > 0 ? names.map((n) => `'${n}'`).join(', ') : 'none';
    const samplesKey = options.samplesKey ?? SAMPLE_KEYS.find((k) => arrays.has(k)) ?? (names.length === 1 ? names[0] : undefined);
    if (!samplesKey || !arrays.has(samplesKey)) {
      throw new StudioError(
        'BAD_INPUT',
        `'${source}' has no samples array${options.samplesKey ? ` named '${options.samplesKey}'` : ''} (its arrays: ${listed}); name the samples array with --samples-key.`,
        { file: source },
      );
    }
    let labelsKey = options.labelsKey === undefined ? LABEL_KEYS.find((k) => arrays.has(k)) : options.labelsKey;
    if (labelsKey !== null && labelsKey !== undefined && !arrays.has(labelsKey)) {
      throw new StudioError(
        'BAD_INPUT',
        `'${source}' has no labels array named '${labelsKey}' (its arrays: ${listed}); pass the right --labels-key.`,
        { file: source },
      );
    }
    const others = names.filter((n) => n !== samplesKey);
    if (labelsKey === undefined && others.length > 0) {
      throw new StudioError(
        'BAD_INPUT',
        `'${source}' has no array with a usual labels name (y, labels, ...) but holds ${others.map((n) => `'${n}'`).join(', ')}; name the labels array with --labels-key, or pass --no-labels for an unlabeled dataset.`,
        { file: source },
      );
    }
    labelsKey = labelsKey ?? null;
    const at = (key: string): string => `${source}:${key}`;
    const samples = parseNpy(arrays.get(samplesKey) as Uint8Array, at(samplesKey));
    const labels = labelsKey ? { array: parseNpy(arrays.get(labelsKey) as Uint8Array, at(labelsKey)), name: at(labelsKey) } : null;
    return datasetFromArrays(samples, at(samplesKey), labels, options, path.basename(source, path.extname(source)));
  },
};
