/** The contract every dataset importer implements (one file each, listed in import-dataset.ts). */
import type { StoredPreprocessing } from '../../../shared/preprocessing';
import type { ImportedData } from '../stored-dataset';

export interface DatasetImportOptions {
  /** Display name; default: the source's file or folder name. */
  name?: string;
  /** Stored with the dataset as its default preprocessing; an image folder is also resized by it at import. */
  preprocessing?: StoredPreprocessing;
  /** Class names for numeric labels (index = label); default '0', '1', ... up to the largest label. */
  classes?: string[];
  /** .npy: the labels array file; without it the dataset is unlabeled. */
  labelsFile?: string;
  /** .npz: the samples array's name; default the first of x, X, images, data, samples, inputs, features. */
  samplesKey?: string;
  /** .npz: the labels array's name (null: unlabeled); default the first of y, Y, labels, label, targets. */
  labelsKey?: string | null;
  /** .npy/.npz with per-sample rank 3: where the channel axis is; default: guessed (last axis of 1, 3 or 4 means NHWC). */
  sourceLayout?: 'NCHW' | 'NHWC';
  /** CSV: the label column by header name or 0-based index; default the last column; null: unlabeled. */
  labelColumn?: string | number | null;
  /** CSV: whether the first line is a header; default: guessed from the first two lines. */
  header?: boolean;
  /** CSV: the field separator; default ',' (tab for .tsv). */
  delimiter?: string;
  /** Replace a dataset already in the target folder. */
  overwrite?: boolean;
}

export interface DatasetImporter {
  /** Stable id, e.g. 'image-folder'. */
  kind: string;
  /** One line for help texts. */
  description: string;
  /** Whether this importer reads the source (a folder, or a file by its extension). */
  match(source: string, isDirectory: boolean): boolean;
  /** Reads and decodes the source; throws BAD_INPUT naming the file and what to do. */
  read(source: string, options: DatasetImportOptions): Promise<ImportedData>;
}
