/**
 * The Variants form's "Made for" in a real Chromium against browser mode: with weight range auto
 * it lists This computer and the workspace's SSH boards (not its serial board), marks a board not
 * probed yet, and shows what auto resolves to before Create; a board tested on the Targets page
 * (a real sshd on 127.0.0.1; the board is this machine) is judged by its probed CPU. A variant
 * made for an unprobed board has 7-bit weights, says so in the list, and records it.
 * No sleeps: every wait is for a selector or a page condition.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelEntry } from '../../src/shared/contract';
import type { TargetsFile } from '../../src/shared/targets';
import { onnxInt8WeightRange } from '../../src/core/quantize/weight-range';
import { sshdAvailable, startSshd, type Sshd } from '../integration/ssh/sshd-fixture';
import { useStudioSession } from './helpers/studio-session';
import { failOnStudioError } from './helpers/browser';

const JOB_TIMEOUT_MS = 110_000;
// A connection test logs in and probes the board; the engine's own timeouts bound it well below this.
const TEST_TIMEOUT_MS = 60_000;
const HAS_SSHD = sshdAvailable();

/** This machine's CPU, read from /proc/cpuinfo here rather than through the studio's probe. */
const localVnni = ((): boolean => {
  const flags = readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1]?.trim().split(/\s+/) ?? [];
  return ['avx512_vnni', 'avx_vnni', 'amx_int8'].some((flag) => flags.includes(flag));
})();
const localX86 = ['x64', 'ia32'].includes(os.arch());
/** What auto must say for a CPU like this machine's, named `name`. */
function localPreview(name: string): string {
  if (!localX86) return `auto → full range: ${name} is ${os.arch()}, whose int8 kernels do not saturate`;
  return localVnni ? `auto → full range: ${name} is x86 with VNNI` : `auto → 7-bit: ${name} is x86 without VNNI`;
}

let workspaceDir = '';
let sshd: Sshd | undefined;

const studio = useStudioSession({
  server: async () => {
    workspaceDir = await mkdtemp(path.join(os.tmpdir(), 'edgebench-made-for-e2e-'));
    if (HAS_SSHD) sshd = await startSshd();
    const targets: TargetsFile = {
      schema: 'edgebench.targets/1',
      targets: [
        { id: 'pi5', config: { kind: 'ssh', name: 'Raspberry Pi 5', host: '127.0.0.1', port: 1, user: 'pi', auth: 'key' } },
        { id: 'esp', config: { kind: 'serial', name: 'ESP32-S3 DevKit', path: '/dev/ttyACM7', baudRate: 'auto', protocol: 'edgebench' } },
        ...(sshd ? [{ id: 'lab', config: { kind: 'ssh' as const, name: 'Lab board', host: '127.0.0.1', port: sshd.port, user: os.userInfo().username, auth: 'key' as const, identityFile: sshd.clientKey } }] : []),
      ],
    };
    await writeFile(path.join(workspaceDir, 'targets.json'), JSON.stringify(targets));
    return { workspaceDir };
  },
});

afterAll(async () => {
  await sshd?.stop();
  if (workspaceDir) await rm(workspaceDir, { recursive: true, force: true });
});

const noErrorBanner = (): Promise<void> => failOnStudioError(studio.page);

async function openDemoModel(): Promise<string> {
  const { page } = studio;
  await page.getByTestId('nav-models').click();
  const demo = page.getByTestId('model-row').first();
  await demo.click();
  await page.getByTestId('variant-form').waitFor();
  return (await demo.getAttribute('data-model-id')) ?? '';
}

describe('Variants form: Made for', () => {
  it('lists This computer and the SSH boards, marks the unprobed one, and shows what auto resolves to before Create', async () => {
    const { page } = studio;
    await openDemoModel();
    const madeFor = page.getByTestId('variant-made-for');
    const choice = page.getByTestId('variant-weight-range-choice');
    await expect.poll(() => madeFor.locator('option').allTextContents()).toEqual(['This computer', 'Raspberry Pi 5 (not probed yet)', ...(HAS_SSHD ? ['Lab board (not probed yet)'] : [])]);
    expect(await madeFor.inputValue()).toBe('local');
    expect(await choice.textContent()).toBe(localPreview('This computer'));

    await madeFor.selectOption('pi5');
    expect(await choice.textContent()).toBe('auto → 7-bit: Raspberry Pi 5 has not been probed yet (treated as x86 without VNNI); test its connection on the Targets page first');

    // A fixed range does not depend on the CPU: no target to choose, nothing to resolve.
    await page.getByTestId('variant-weight-range').selectOption('full');
    expect(await madeFor.count()).toBe(0);
    expect(await choice.count()).toBe(0);
    await page.getByTestId('variant-weight-range').selectOption('auto');
    expect(await madeFor.inputValue()).toBe('pi5');
    await page.getByTestId('variant-mode-fp16').check();
    expect(await madeFor.count()).toBe(0);
    await page.getByTestId('variant-mode-dynamic').check();
    expect(studio.errors).toEqual([]);
  });

  it('a variant made for the unprobed board has 7-bit weights, and the list and its entry say which CPU it was made for', async () => {
    const { page } = studio;
    const floatId = await openDemoModel();
    await page.getByTestId('variant-made-for').selectOption('pi5');
    await page.getByTestId('variant-create').click();
    await page.getByTestId('variant-create').filter({ hasText: 'Create variant' }).waitFor({ timeout: JOB_TIMEOUT_MS });
    await noErrorBanner();
    const row = page.getByTestId('variant-row');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.getByTestId('variant-detail').allTextContents()).toContain('7-bit weights, for Raspberry Pi 5 (not probed)');
    expect((await row.getByTestId('variant-note').allTextContents()).join(' ')).toMatch(/Raspberry Pi 5 has not been probed yet.*Test its connection first/);

    const id = (await row.getAttribute('data-model-id')) ?? '';
    const entry = JSON.parse(await readFile(path.join(workspaceDir, 'models', id, 'entry.json'), 'utf8')) as ModelEntry;
    expect(entry.origin).toMatchObject({ kind: 'quantized', parentId: floatId, recipe: { weightRange: 'reduced' }, madeFor: { targetId: 'pi5', label: 'Raspberry Pi 5', arch: null, vnni: null } });
    expect(onnxInt8WeightRange(await readFile(path.join(workspaceDir, 'models', id, entry.files[0] as string)))).toBe('reduced');
    expect(studio.errors).toEqual([]);
  });

  it.runIf(HAS_SSHD)('a board whose connection was tested on the Targets page is judged by its probed CPU', async () => {
    const { page } = studio;
    if (!sshd) throw new Error('sshd did not start');
    await page.getByTestId('nav-targets').click();
    const board = page.getByTestId('stored-target').filter({ has: page.getByRole('heading', { name: 'Lab board' }) });
    await board.getByTestId('target-test').click();
    const prompt = board.getByTestId('host-key-prompt');
    await prompt.waitFor({ timeout: TEST_TIMEOUT_MS });
    await prompt.getByTestId('host-key-trust').click();
    await board.getByTestId('target-test-ok').waitFor({ timeout: TEST_TIMEOUT_MS });

    await openDemoModel();
    const madeFor = page.getByTestId('variant-made-for');
    await expect.poll(() => madeFor.locator('option').allTextContents()).toContain('Lab board');
    await madeFor.selectOption('lab');
    expect(await page.getByTestId('variant-weight-range-choice').textContent()).toBe(localPreview('Lab board'));
    expect(studio.errors).toEqual([]);
  });
});
