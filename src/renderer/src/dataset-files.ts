import { MAX_UPLOAD_BYTES } from '../../shared/contract';
import { StudioError } from '../../shared/errors';
import { readAsBase64 } from './files';
import { formatBytes } from '../../shared/units';

export const DATASET_FILE_EXTENSIONS = ['.npy', '.npz', '.csv', '.tsv'];

export interface DatasetUploadFile {
  path: string;
  dataBase64: string;
}

/** Where a picked file sits: "shapes/left/1.png" for a folder pick, its name for a single file. */
export function relativePath(file: File): string {
  return file.webkitRelativePath || file.name;
}

/** Files the OS puts in folders (".DS_Store", "Thumbs.db") are not samples. */
export function isDatasetFile(file: File): boolean {
  const name = file.name.toLowerCase();
  return !name.startsWith('.') && name !== 'thumbs.db' && name !== 'desktop.ini';
}

/** A name for the dataset when the user gave none: the picked folder's name, or the file's without extension. */
export function defaultDatasetName(files: readonly File[]): string {
  const first = files[0];
  if (!first) return 'dataset';
  const rel = relativePath(first);
  if (rel.includes('/')) return rel.split('/')[0] || 'dataset';
  return rel.replace(/\.[^.]+$/, '') || 'dataset';
}

/** Reads the files in small batches, saying how far it got, so a folder of thousands stays responsive. */
export async function toDatasetUploads(files: readonly File[], onRead: (done: number) => void): Promise<DatasetUploadFile[]> {
  const totalBytes = files.reduce((sum, f) => sum + f.size, 0);
  if (totalBytes > MAX_UPLOAD_BYTES) {
    throw new StudioError(
      'BAD_INPUT',
      `The dataset is ${formatBytes(totalBytes)}, more than the ${formatBytes(MAX_UPLOAD_BYTES)} the studio accepts from the page. Import it with \`edgebench dataset import\` on the command line instead.`,
    );
  }
  const out: DatasetUploadFile[] = [];
  const batch = 64;
  for (let start = 0; start < files.length; start += batch) {
    const slice = files.slice(start, start + batch);
    out.push(...(await Promise.all(slice.map(async (f) => ({ path: relativePath(f), dataBase64: await readAsBase64(f) })))));
    onRead(out.length);
  }
  return out;
}
