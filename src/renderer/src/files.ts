import { MAX_UPLOAD_BYTES } from '../../shared/contract';
import { StudioError } from '../../shared/errors';
import { formatBytes } from '../../shared/units';
import type { PickedFile } from './model-files';

export { ACCEPTED_EXTENSIONS, type PickedFile } from './model-files';

export interface Upload {
  name: string;
  dataBase64: string;
}

/** Reads a file as base64 without building a huge binary string in JavaScript. */
export function readAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () =>
      reject(new StudioError('FILE_NOT_FOUND', `Could not read '${file.name}': ${reader.error?.message ?? 'unknown error'}.`));
    reader.readAsDataURL(file);
  });
}

/** The upload of one model's files, each named by its path so the import can name a model.json after its folder. */
export async function toUploads(files: readonly PickedFile[]): Promise<Upload[]> {
  const totalBytes = files.reduce((sum, f) => sum + f.file.size, 0);
  if (totalBytes > MAX_UPLOAD_BYTES) {
    throw new StudioError(
      'BAD_INPUT',
      `${files.map((f) => f.file.name).join(', ')} is ${formatBytes(totalBytes)}, more than the ${formatBytes(MAX_UPLOAD_BYTES)} the studio accepts from the page. Import it with \`edgebench\` on the command line instead.`,
    );
  }
  return Promise.all(files.map(async (f) => ({ name: f.path, dataBase64: await readAsBase64(f.file) })));
}
