import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DEMO_DATASET_DIR, DEMO_MODEL_FILE } from '../resources';
import { importModel } from './model-store';
import type { Workspace } from './workspace';

/**
 * First start: put the demo model and the demo dataset into the workspace, so a newcomer
 * can run a benchmark with one click. Runs once per workspace (recorded in its marker file),
 * so a user who deletes the demo does not get it back.
 */
export async function seedDemo(workspace: Workspace, resourcesDir: string): Promise<void> {
  const modelPath = path.join(resourcesDir, 'models', DEMO_MODEL_FILE);
  const data = await fs.readFile(modelPath);
  const demo = await importModel(workspace, [{ name: DEMO_MODEL_FILE, data }]);
  // The demo classifies one digit at a time: its symbolic batch is 1, saved so its runs use a size given, not guessed.
  await workspace.writeModelInputs(demo.id, { shapes: {}, dims: { batch: 1 }, values: {} });

  const source = path.join(resourcesDir, 'datasets', DEMO_DATASET_DIR);
  const target = path.join(workspace.datasetsDir(), DEMO_DATASET_DIR);
  await fs.cp(source, target, { recursive: true, errorOnExist: false, force: false });
}
