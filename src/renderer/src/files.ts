import { MAX_UPLOAD_BYTES } from '../../shared/contract';
import { StudioError } from '../../shared/errors';
import { formatBytes } from './format';

export const ACCEPTED_EXTENSIONS = ['.onnx', '.tflite', '.json', '.bin'];

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

/**
 * Which files make one model: a TF.js model.json travels with its weight shards, so a drop
 * holding a .json is one model; otherwise every file is a model of its own.
 */
export function groupModelFiles(files: File[]): File[][] {
  if (files.some((f) => f.name.toLowerCase().endsWith('.json'))) return [files];
  return files.map((f) => [f]);
}

export async function toUploads(files: File[]): Promise<Upload[]> {
  const totalBytes = files.reduce((sum, f) => sum + f.size, 0);
  if (totalBytes > MAX_UPLOAD_BYTES) {
    throw new StudioError(
      'BAD_INPUT',
      `${files.map((f) => f.name).join(', ')} is ${formatBytes(totalBytes)}, more than the ${formatBytes(MAX_UPLOAD_BYTES)} the studio accepts from the page. Import it with \`edgebench\` on the command line instead.`,
    );
  }
  return Promise.all(files.map(async (f) => ({ name: f.name, dataBase64: await readAsBase64(f) })));
}
