/**
 * Issue 13: on a workspace with the demo model as ONNX, TFLite and TF.js and MediaPipe's face
 * detector (a TFLite model the 28×28 digits do not fit), the Accuracy page ticks the three that
 * can take the dataset, shows why the fourth cannot, evaluates the three, and, ticked anyway,
 * lists the face detector as skipped with the reason. Real Chromium over browser mode, no sleeps.
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importModel } from '../../src/core/workspace/model-store';
import { seedDemo } from '../../src/core/workspace/seed';
import { Workspace } from '../../src/core/workspace/workspace';
import { useStudioSession } from './helpers/studio-session';
import { makeTempWorkspace, REPO_ROOT } from './helpers/studio-server';

const MODELS = path.join(REPO_ROOT, 'resources/models');
const FACES = path.join(REPO_ROOT, 'node_modules/@mediapipe/face_detection/face_detection_short_range.tflite');
let workspaceDir: string | undefined;
let facesId = '';

afterAll(async () => {
  if (workspaceDir) await rm(workspaceDir, { recursive: true, force: true });
});

const studio = useStudioSession({
  server: async () => {
    workspaceDir = await makeTempWorkspace();
    const workspace = new Workspace(workspaceDir);
    await workspace.ensure();
    await seedDemo(workspace, path.join(REPO_ROOT, 'resources'));
    await importModel(workspace, [{ name: 'demo-mnist.tflite', data: await readFile(path.join(MODELS, 'demo-mnist.tflite')) }]);
    await importModel(workspace, [
      { name: 'model.json', data: await readFile(path.join(MODELS, 'demo-mnist-tfjs/model.json')) },
      { name: 'group1-shard1of1.bin', data: await readFile(path.join(MODELS, 'demo-mnist-tfjs/group1-shard1of1.bin')) },
    ]);
    facesId = (await importModel(workspace, [{ name: path.basename(FACES), data: await readFile(FACES) }])).id;
    return { workspaceDir };
  },
});

describe('the Accuracy page with models the dataset does not fit', () => {
  it('ticks the ONNX, TFLite and TF.js models, says why the face detector is not, evaluates the three and lists it as skipped when ticked', async () => {
    const page = studio.page;
    await page.getByTestId('nav-accuracy').click();
    const options = page.getByTestId('eval-model-option');
    await page.locator('[data-testid="eval-model-option"][data-evaluable="false"]').waitFor({ timeout: 30_000 });
    expect(await options.count()).toBe(4);
    expect(await page.locator('[data-testid="eval-model-option"][data-evaluable="true"]').count()).toBe(3);
    const faces = page.locator(`[data-testid="eval-model-option"][data-model-id="${facesId}"]`);
    expect(await faces.getByTestId('eval-model-checkbox').isChecked()).toBe(false);
    expect(await page.getByTestId('eval-model-reason').textContent()).toContain('[1,128,128,3]');
    expect(await page.getByTestId('eval-run').textContent()).toBe('Evaluate 3 models');

    await page.getByTestId('eval-limit-input').fill('50');
    await page.getByTestId('eval-run').click();
    await page.locator('[data-testid="eval-row"]').nth(2).waitFor({ timeout: 120_000 });
    const formats = await page.locator('[data-testid="eval-row"] .format').allTextContents();
    expect(formats.sort()).toEqual(['onnx', 'tfjs', 'tflite']);

    await faces.getByTestId('eval-model-checkbox').check();
    await page.getByTestId('eval-run').click();
    const skipped = page.getByTestId('eval-skipped-model');
    await skipped.first().waitFor({ timeout: 120_000 });
    expect(await skipped.count()).toBe(1);
    expect(await skipped.getAttribute('data-model-id')).toBe(facesId);
    expect(await skipped.textContent()).toContain('[1,128,128,3]');
    // The sentence reads across the warning, on one or two lines, with the list under it (not crushed beside it).
    const sentence = page.getByTestId('eval-skipped').locator('> p');
    const [line, list] = await Promise.all([sentence.boundingBox(), page.getByTestId('eval-skipped').locator('> ul').boundingBox()]);
    expect(await sentence.textContent()).toMatch(/^Skipped 1 model the last evaluation could not take/);
    expect(line?.width ?? 0).toBeGreaterThan(400);
    expect(line?.height ?? 1000).toBeLessThan(60);
    expect(list?.y ?? 0).toBeGreaterThanOrEqual((line?.y ?? 0) + (line?.height ?? 0) - 1);
    expect(await page.locator('[data-testid="eval-row"]').count()).toBe(3);
  });
});
