/**
 * Session 18's findings from a new user's pass through the studio, in a real Chromium over
 * browser mode: a variant that cannot be made says why under its own form, in view and focused,
 * not in a banner above the scrolled view; a dataset folder that is empty, or whose class folder
 * holds no images, is said beside the import buttons, naming the folder as picked; the `?` list
 * reads alternative keys as alternatives. No sleeps: every wait is for a selector or a condition.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/studio-server';
import { useStudioSession } from './helpers/studio-session';

const FACES = path.join(REPO_ROOT, 'node_modules/@mediapipe/face_detection/face_detection_short_range.tflite');
const JOB_TIMEOUT_MS = 90_000;
const VIEWPORT = { width: 1280, height: 800 };
/** A smooth scroll on a loaded machine can take longer than expect.poll's default second. */
const SCROLL_TIMEOUT_MS = 10_000;
/** A 1×1 gray PNG: the class folder beside the empty one is a real one. */
const ONE_PIXEL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==';

const studio = useStudioSession({ viewport: VIEWPORT });
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'edgebench-e2e-new-user-2-'));
});

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** Whether the element is wholly inside the window, and whether it has the focus. */
function seen(page: Page, testId: string): Promise<{ inView: boolean; focused: boolean }> {
  return page.evaluate(`(() => {
    const el = document.querySelector('[data-testid="${testId}"]');
    if (!el) return { inView: false, focused: false };
    const r = el.getBoundingClientRect();
    return { inView: r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0, focused: document.activeElement === el };
  })()`);
}

describe('Models: a variant that cannot be made', () => {
  it('says why under the Create variant button, scrolled into view and focused, with no banner above', async () => {
    const { page } = studio;
    await page.getByTestId('nav-models').click();
    await page.getByTestId('import-input').setInputFiles(FACES);
    const row = page.getByTestId('model-row').filter({ hasText: 'face_detection_short_range' });
    await row.waitFor({ timeout: JOB_TIMEOUT_MS });
    await row.click();
    await page.getByTestId('variant-mode-static').check();
    // The demo digits are 28×28 gray; the face detector takes [1,128,128,3]. The form preselects no
    // dataset for it (none fits); picked by hand, the digits are refused when the variant is made.
    const select = page.getByTestId('variant-dataset-select');
    // The form asks the engine which datasets fit (evals.check): its answer arrives after the form.
    await expect.poll(() => select.locator('option:checked').textContent(), { timeout: JOB_TIMEOUT_MS }).toBe('None fits this model');
    const digits = await select.locator('option', { hasText: 'Demo digits' }).getAttribute('value');
    await select.selectOption(digits ?? '');
    await page.getByTestId('variant-create').click();
    const error = page.getByTestId('variant-error');
    await error.waitFor({ timeout: JOB_TIMEOUT_MS });
    expect(await error.textContent()).toContain("the model's input 'input' expects [1,128,128,3]");
    expect(await error.getAttribute('role')).toBe('alert');
    // Inside the form, just above its button.
    expect(await page.getByTestId('variant-form').getByTestId('variant-error').count()).toBe(1);
    await expect.poll(() => seen(page, 'variant-error'), { timeout: SCROLL_TIMEOUT_MS }).toEqual({ inView: true, focused: true });
    expect(await page.getByTestId('error-banner').count()).toBe(0);
    expect(await page.getByTestId('variant-create').isEnabled()).toBe(true);
    expect(studio.errors).toEqual([]);
  });
});

describe('Datasets: a folder the importer cannot take', () => {
  it('an empty folder is said beside the buttons, not ignored', async () => {
    const { page } = studio;
    const empty = path.join(scratch, 'n-empty');
    await mkdir(empty, { recursive: true });
    await page.getByTestId('nav-datasets').click();
    // The demo dataset's preview above the import card is drawn first: it would push the card down after the scroll.
    await page.getByTestId('preview-sample').first().waitFor();
    await page.getByTestId('dataset-folder-input').setInputFiles(empty);
    const error = page.getByTestId('dataset-import').getByTestId('dataset-import-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('The chosen folder holds no files; choose a folder with one sub-folder of images per class.');
    await expect.poll(() => seen(page, 'dataset-import-error'), { timeout: SCROLL_TIMEOUT_MS }).toEqual({ inView: true, focused: true });
    expect(await page.getByTestId('error-banner').count()).toBe(0);
  });

  it("a class folder without images is named as picked ('n-bad-txt/cat'), not by the studio's temporary copy", async () => {
    const { page } = studio;
    const picked = path.join(scratch, 'n-bad-txt');
    await mkdir(path.join(picked, 'cat'), { recursive: true });
    await mkdir(path.join(picked, 'dog'), { recursive: true });
    await writeFile(path.join(picked, 'cat', 'notes.txt'), 'not an image');
    await writeFile(path.join(picked, 'dog', '0.png'), Buffer.from(ONE_PIXEL_PNG, 'base64'));
    await page.getByTestId('dataset-folder-input').setInputFiles(picked);
    const error = page.getByTestId('dataset-import-error');
    await expect
      .poll(async () => ((await error.count()) > 0 ? await error.textContent() : ''), { timeout: JOB_TIMEOUT_MS })
      .toContain("The class folder 'n-bad-txt/cat' has no PNG or JPEG images; add its images or remove the folder.");
    expect(await error.textContent()).not.toContain('.tmp');
    expect(studio.errors).toEqual([]);
  });
});

describe('the ? list', () => {
  it('reads alternative keys as alternatives', async () => {
    const { page } = studio;
    await page.evaluate('document.activeElement instanceof HTMLElement && document.activeElement.blur()');
    await page.locator('body').press('?');
    const dialog = page.getByTestId('shortcuts-dialog');
    await dialog.waitFor();
    const keys = async (what: string): Promise<string | null> => dialog.getByTestId('shortcut').filter({ hasText: what }).getByTestId('shortcut-keys').textContent();
    expect(await keys('zoom in and out')).toBe('+ or −');
    expect(await keys('pan (or drag)')).toBe('← ↑ → ↓ arrow keys');
    expect(await keys('next and previous match')).toBe('Enter or Shift+Enter');
    expect(await keys('Forward again')).toBe('Alt+→');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(studio.errors).toEqual([]);
  });
});
