import { promises as fs } from 'node:fs';
import { StudioError } from '../../shared/errors';
import type { DatasetManifest } from './dataset-manifest';
import { csvImporter } from './importers/csv';
import { imageFolderImporter } from './importers/image-folder';
import type { DatasetImporter, DatasetImportOptions } from './importers/importer';
import { npyImporter } from './importers/npy';
import { npzImporter } from './importers/npz';
import { writeStoredDataset } from './stored-dataset';

export type { DatasetImporter, DatasetImportOptions } from './importers/importer';

/** Every dataset source the studio imports, one line each; the first that matches reads it. */
export const DATASET_IMPORTERS: readonly DatasetImporter[] = [imageFolderImporter, npyImporter, npzImporter, csvImporter];

/** The importer for a folder or file; throws BAD_INPUT listing what is accepted. */
export async function pickDatasetImporter(source: string): Promise<DatasetImporter> {
  const stat = await fs.stat(source).catch(() => null);
  if (!stat) {
    throw new StudioError('FILE_NOT_FOUND', `'${source}' does not exist; check the path of the dataset to import.`, { file: source });
  }
  const importer = DATASET_IMPORTERS.find((candidate) => candidate.match(source, stat.isDirectory()));
  if (importer) return importer;
  throw new StudioError(
    'BAD_INPUT',
    `'${source}' is not a dataset source EdgeBench Studio imports; give ${DATASET_IMPORTERS.map((i) => i.description).join('; or ')}.`,
    { file: source },
  );
}

/**
 * Imports a folder of images, a .npy/.npz or a CSV into `targetDir` (e.g. <workspace>/datasets/<id>)
 * in the stored format, and returns its manifest.
 */
export async function importDataset(
  source: string,
  targetDir: string,
  options: DatasetImportOptions = {},
): Promise<DatasetManifest> {
  const importer = await pickDatasetImporter(source);
  const data = await importer.read(source, options);
  return writeStoredDataset(targetDir, data, { overwrite: options.overwrite ?? false });
}
