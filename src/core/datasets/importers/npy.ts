/** A .npy samples array, with an optional .npy labels array (options.labelsFile). */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../../shared/errors';
import { assertNotSpecialFile } from '../../file-kind';
import { parseNpy } from '../npy-format';
import type { DatasetImporter } from './importer';
import { datasetFromArrays } from './tensor-arrays';

export async function readInputFile(file: string): Promise<Buffer> {
  await assertNotSpecialFile(file, 'The file');
  try {
    return await fs.readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new StudioError(
      code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'BAD_INPUT',
      `The file '${file}' cannot be read (${(error as Error).message}); check the path.`,
      { file },
    );
  }
}

export const npyImporter: DatasetImporter = {
  kind: 'npy',
  description: 'a NumPy .npy samples array (first axis = samples), labels from a second .npy',
  match: (source, isDirectory) => !isDirectory && source.toLowerCase().endsWith('.npy'),
  async read(source, options) {
    const samples = parseNpy(await readInputFile(source), source);
    const labels = options.labelsFile
      ? { array: parseNpy(await readInputFile(options.labelsFile), options.labelsFile), name: options.labelsFile }
      : null;
    return datasetFromArrays(samples, source, labels, options, path.basename(source, path.extname(source)));
  },
};
