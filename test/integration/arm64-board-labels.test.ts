/**
 * How the arm64 lab board describes itself and how its runs are labelled (no board needed): its
 * /proc/cpuinfo features from the emulated CPU's hwcap bits, and the "(emulated)" name and warning
 * that keep an emulated figure from being read as hardware's, while real boards' runs are untouched.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ensureImage, hwcapFeatures, recipeHash } from '../../scripts/lab-arm64/board';
import { cpuFeaturesFromCpuinfo } from '../../src/core/targets/local-target';
import { EMULATED_WARNING_CODE, emulatedTargetName, isEmulatedBoard, withEmulatedWarning } from '../../src/core/targets/ssh/emulated-board';
import { RunFile } from '../../src/shared/run-schema';
import { repoRoot } from '../helpers/run-cli';

const EMULATED = { cpuModel: 'QEMU aarch64 (emulated by qemu-user on x86_64, not hardware)', os: 'Linux 6.1.0 (Debian GNU/Linux 12 (bookworm), arm64 emulated by qemu-user)' };
const PI5 = { cpuModel: 'Cortex-A76', os: 'Linux 6.6.31+rpt-rpi-2712 (Debian GNU/Linux 12 (bookworm))' };

describe('the arm64 lab board labels', () => {
  test('hwcap bits read as an arm64 kernel names them, and the probe keeps the inference features', () => {
    // fp, asimd, aes, pmull, asimddp (bit 20), sve (22); HWCAP2 sve2 (1), i8mm (13), bf16 (14)
    const features = hwcapFeatures((1n << 0n) | (1n << 1n) | (1n << 3n) | (1n << 4n) | (1n << 20n) | (1n << 22n), (1n << 1n) | (1n << 13n) | (1n << 14n));
    expect(features).toEqual(['fp', 'asimd', 'aes', 'pmull', 'asimddp', 'sve', 'sve2', 'i8mm', 'bf16']);
    expect(cpuFeaturesFromCpuinfo(`processor\t: 0\nFeatures\t: ${features.join(' ')}\n`)).toEqual(expect.arrayContaining(['asimd', 'asimddp', 'i8mm', 'sve']));
    expect(hwcapFeatures(0n, 0n)).toEqual([]);
  });

  test('an emulated board is named so, once; a real board keeps its name', () => {
    expect(isEmulatedBoard(EMULATED)).toBe(true);
    expect(emulatedTargetName('root@10.231.7.2', EMULATED)).toBe('root@10.231.7.2 (emulated)');
    expect(emulatedTargetName('lab arm64 (emulated)', EMULATED)).toBe('lab arm64 (emulated)');
    expect(isEmulatedBoard(PI5)).toBe(false);
    expect(emulatedTargetName('pi5', PI5)).toBe('pi5');
  });

  test("an emulated board's run carries one warning saying its latencies are not hardware's; others get none", () => {
    // A real run of the demo model recorded by the studio (test/fixtures/runs), moved onto a board.
    const run = RunFile.parse(JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/runs/demo-mnist-onnx.json'), 'utf8')));
    const onBoard = (hardware: typeof EMULATED): RunFile => ({ ...run, target: { ...run.target, kind: 'ssh', name: 'root@10.231.7.2 (emulated)', hardware: { ...run.target.hardware, ...hardware } } });
    const warned = withEmulatedWarning(onBoard(EMULATED));
    const added = warned.warnings.filter((warning) => warning.code === EMULATED_WARNING_CODE);
    expect(added).toHaveLength(1);
    expect(added[0]?.message).toMatch(/^root@10\.231\.7\.2 \(emulated\) is an emulated board .*never to compare with hardware\.$/);
    expect(withEmulatedWarning(warned).warnings).toHaveLength(warned.warnings.length);
    expect(withEmulatedWarning(onBoard(PI5)).warnings).toEqual(run.warnings);
    expect(RunFile.parse(warned).warnings).toEqual(warned.warnings);
  });

  test("a failed image build of the current recipe fails the board's start with the build log's last lines, without building again", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgebench-lab-failed-'));
    const before = process.env.EDGEBENCH_LAB_DIR;
    process.env.EDGEBENCH_LAB_DIR = dir;
    try {
      writeFileSync(join(dir, 'arm64.status'), `failed ${recipeHash()}\n`);
      writeFileSync(join(dir, 'arm64.log'), ['I: Retrieving libc6 2.36-9', 'E: Couldn\'t download packages: libc6', '[lab-arm64 10:00:00] FAILED: debootstrap failed'].join('\n'));
      const started = Date.now();
      await expect(ensureImage({ timeoutMs: 60_000 })).rejects.toThrow(/failed to build \(recipe [0-9a-f]{16}\); run scripts\/lab-arm64\/build-image\.sh as root to retry\. Its log .* ends:\nI: Retrieving libc6 2\.36-9\nE: Couldn't download packages: libc6\n\[lab-arm64 10:00:00\] FAILED: debootstrap failed$/);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      if (before === undefined) delete process.env.EDGEBENCH_LAB_DIR;
      else process.env.EDGEBENCH_LAB_DIR = before;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
