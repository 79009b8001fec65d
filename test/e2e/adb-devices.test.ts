/**
 * The Devices page's Android card in a real Chromium against browser mode, with Debian's adb
 * server (on its own port) and the adb device emulator: Look for devices lists it, Add as target
 * stores it, Read device shows its model, ABI, Android version, SoC, CPU clusters and thermal
 * status, labelled an emulator; the Targets page offers the adb kind. No sleeps.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startAdbLab, type AdbLab } from '../helpers/adb-server';
import type { RunningEmulator } from '../helpers/adb-device-emulator/device';
import { useStudioSession } from './helpers/studio-session';

let lab: AdbLab;
let device: RunningEmulator;

// Registered before the session, so it runs after the session has stopped the server (hooks unwind as a stack).
afterAll(async () => {
  await lab?.stop();
});

const studio = useStudioSession({
  viewport: { width: 1400, height: 1000 },
  server: async () => {
    lab = await startAdbLab();
    device = await lab.attach();
    return { env: lab.env };
  },
});

describe('Devices page: Android devices over adb', () => {
  it('lists the device adb sees, adds it as a target, and reads its facts, labelled an emulator', async () => {
    await studio.page.getByTestId('nav-devices').click();
    const card = studio.page.getByTestId('adb-devices');
    await card.getByTestId('adb-not-asked').waitFor();
    await card.getByTestId('adb-refresh').click();
    const row = card.locator(`[data-testid="adb-device-row"][data-serial="${device.serial}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('EdgeBench adb emulator');
    await row.getByTestId('adb-add').click();
    const target = card.getByTestId('adb-target');
    await target.waitFor();
    expect(await target.locator('h3').textContent()).toBe('EdgeBench adb emulator');
    await row.getByText('Target EdgeBench adb emulator').waitFor();
    await target.getByTestId('adb-test').click();
    const facts = target.getByTestId('adb-facts');
    await facts.waitFor();
    const fact = async (key: string): Promise<string> => (await facts.getByTestId(`adb-fact-${key}`).locator('dd').textContent()) ?? '';
    expect(await fact('model')).toBe('EdgeBench (emulator) EdgeBench adb emulator');
    expect(await fact('abi')).toBe('arm64-v8a, armeabi-v7a, armeabi');
    expect(await fact('android')).toBe('14 (API 34)');
    expect(await fact('soc')).toBe('EdgeBench EMULATED-8G');
    expect(await fact('clusters')).toBe('4 × 2.02 GHz + 3 × 2.80 GHz + 1 × 3.19 GHz');
    expect(await fact('thermal')).toBe('thermal status none, battery 28.5 °C');
    expect(await fact('emulator')).toMatch(/^yes: the EdgeBench adb emulator; benchmark_model timings are modelled/);
    expect(studio.errors).toEqual([]);
  });

  it('the Targets page offers the adb kind, with its serial, CPUs, delegate and benchmark_model fields', async () => {
    await studio.page.getByTestId('nav-targets').click();
    // The target added on the Devices page is stored, with its spec.
    await studio.page.getByTestId('stored-target').filter({ has: studio.page.getByRole('heading', { name: 'EdgeBench adb emulator' }) }).waitFor();
    await studio.page.getByText(`adb://${device.serial}`).first().waitFor();
    await studio.page.getByTestId('target-add').click();
    const form = studio.page.getByTestId('target-form');
    await form.getByTestId('target-kind-adb').check();
    await form.getByTestId('target-adb-serial-input').waitFor();
    await form.getByTestId('target-adb-delegate-gpu').waitFor();
    await form.getByTestId('target-adb-benchmark-model-input').waitFor();
    expect(studio.errors).toEqual([]);
  });
});
