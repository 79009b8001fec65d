/**
 * Under Electron the studio's child processes run from its bundle (out/main/<name>.js): the main
 * process passes the bundle's folder down in BUNDLED_ENTRIES_ENV, so the TFLite calibration
 * worker, which the quantization worker starts itself, is found there too. Checked here without
 * an Electron binary: every process entry has its bundle input in electron.vite.config.ts, and a
 * real calibration runs from the folder the variable names (a stand-in bundle linking the CLI
 * build's file), or fails naming the missing file.
 */
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import electronViteConfig from '../../../electron.vite.config';
import { decodeTfliteModel } from '../../../src/core/formats/tflite/tflite-model';
import { BUNDLED_ENTRIES_ENV, PROCESS_ENTRY_NAMES, processEntryPath, processEntrySource } from '../../../src/core/process-entries';
import { calibrateTflite } from '../../../src/core/quantize-tflite/calibrate-tflite';
import type { CalibrationData } from '../../../src/core/quantize/recipe';

const root = join(import.meta.dirname, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'edgebench-bundled-entries-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const before = process.env[BUNDLED_ENTRIES_ENV];
afterEach(() => {
  if (before === undefined) delete process.env[BUNDLED_ENTRIES_ENV];
  else process.env[BUNDLED_ENTRIES_ENV] = before;
});

const samples = readFileSync(join(root, 'resources/datasets/demo-digits/samples.u8'));
const calibration: CalibrationData = {
  inputs: Array.from({ length: 4 }, (_, i) => ({ input: { dims: [1, 28, 28, 1], data: Float32Array.from(samples.subarray(i * 784, (i + 1) * 784), (v) => v / 255) } })),
};
const demo = (): ReturnType<typeof decodeTfliteModel> => decodeTfliteModel(new Uint8Array(readFileSync(join(root, 'resources/models/demo-mnist.tflite'))), 'demo-mnist.tflite');

describe('process entries under Electron', () => {
  it('electron.vite.config.ts bundles every process entry from its source, under its own name', () => {
    const config = electronViteConfig as { main?: { build?: { rolldownOptions?: { input?: Record<string, string> } } } };
    const input = config.main?.build?.rolldownOptions?.input ?? {};
    expect(PROCESS_ENTRY_NAMES).toContain('tflite-calibrate');
    for (const name of PROCESS_ENTRY_NAMES) expect([name, input[name] && resolve(input[name])]).toEqual([name, processEntrySource(name)]);
  });

  it('with the bundle folder set, every entry is <folder>/<name>.js', () => {
    process.env[BUNDLED_ENTRIES_ENV] = '/opt/EdgeBench/resources/app/out/main';
    expect(PROCESS_ENTRY_NAMES.map((name) => processEntryPath(name))).toEqual(PROCESS_ENTRY_NAMES.map((name) => `/opt/EdgeBench/resources/app/out/main/${name}.js`));
  });

  it('calibration runs from the folder set, and a folder without the worker is named in the error', async () => {
    // A stand-in bundle: a folder of another name holding the CLI build (a link to out/cli).
    const bundle = join(dir, 'bundle');
    rmSync(bundle, { recursive: true, force: true });
    symlinkSync(join(root, 'out/cli'), bundle);
    process.env[BUNDLED_ENTRIES_ENV] = bundle;
    const stats = await calibrateTflite(demo(), calibration);
    expect(stats.size).toBeGreaterThan(0);

    process.env[BUNDLED_ENTRIES_ENV] = join(dir, 'no-bundle-here');
    await expect(calibrateTflite(demo(), calibration)).rejects.toThrow(join(dir, 'no-bundle-here', 'tflite-calibrate.js'));
  }, 60_000);
});
