import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding resources/ (demo model and dataset). From source it is the repository
 * root; from a build (out/main) it is two levels up. A packaged Electron app passes its own.
 */
export function findResourcesDir(start = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = start;
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'resources');
    if (existsSync(path.join(candidate, 'models'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return path.resolve(start, '../../resources');
}

export const DEMO_MODEL_FILE = 'demo-mnist.onnx';
export const DEMO_DATASET_DIR = 'demo-digits';
