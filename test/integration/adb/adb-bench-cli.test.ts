/**
 * `edgebench bench --target adb://SERIAL` end to end: Debian's adb server and client, the
 * protocol-faithful device emulator (test/helpers/adb-device-emulator), benchmark_model pushed and
 * run there, its output parsed into a run file. The emulator's benchmark_model is a labelled
 * stand-in, and the runs say so.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { RunFile } from '../../../src/shared/run-schema';
import { standInBenchmarkModel } from '../../helpers/adb-device-emulator/device-spec';
import { startAdbLab, type AdbLab } from '../../helpers/adb-server';
import { repoRoot, runCli } from '../../helpers/run-cli';

const DEMO_TFLITE = path.join(repoRoot, 'resources/models/demo-mnist.tflite');
/** MediaPipe's face detector (229 KB): slow enough in the stand-in's model that benchmark_model's 1 µs clock is fine enough. */
const FACE_TFLITE = path.join(repoRoot, 'node_modules/@mediapipe/face_detection/face_detection_short_range.tflite');
const dir = mkdtempSync(path.join(tmpdir(), 'edgebench-adb-'));
const arm64Tool = path.join(dir, 'android_aarch64_benchmark_model');
const x86Tool = path.join(dir, 'android_x86_64_benchmark_model');
writeFileSync(arm64Tool, standInBenchmarkModel('arm64-v8a'));
writeFileSync(x86Tool, standInBenchmarkModel('x86_64'));
/** benchmark_model prints no version: the run names its binary by SHA-256 prefix and size instead. */
const arm64Bytes = standInBenchmarkModel('arm64-v8a');
const arm64Version = `not printed by benchmark_model (binary sha256:${createHash('sha256').update(arm64Bytes).digest('hex').slice(0, 12)}, ${arm64Bytes.length} bytes)`;

let lab: AdbLab;

beforeAll(async () => {
  lab = await startAdbLab();
});
afterAll(async () => {
  await lab?.stop();
});

async function bench(target: string, extra: string[] = [], name = 'run.json', model = DEMO_TFLITE): Promise<{ code: number | null; stdout: string; stderr: string; runs: RunFile[] }> {
  const out = path.join(dir, name);
  const result = await runCli(['bench', model, '--target', target, '--runs', '20', '--warmup', '2', '--json', '--out', out, ...extra], { env: lab.env, timeoutMs: 90_000 });
  let runs: RunFile[] = [];
  if (result.code === 0) {
    const parsed: unknown = JSON.parse(readFileSync(out, 'utf8'));
    runs = (Array.isArray(parsed) ? parsed : [parsed]).map((run) => RunFile.parse(run));
  }
  return { ...result, runs };
}

describe('bench on an Android device over adb', () => {
  test('the pushed benchmark_model runs the model in windows; the run has the device, timings, profile, peak memory and temperatures', async () => {
    const device = await lab.attach();
    const result = await bench(`adb://${device.serial}?cpus=big`, ['--benchmark-model', arm64Tool, '--threads', '1,2', '--profile-runs', '5'], 'face.json', FACE_TFLITE);
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(result.code, result.stderr).toBe(0);
    expect(result.runs).toHaveLength(2);
    const [one, two] = result.runs as [RunFile, RunFile];
    expect(one.target).toMatchObject({ kind: 'adb', name: device.serial, spec: `adb://${device.serial}?cpus=big` });
    expect(one.target.hardware.arch).toBe('arm64');
    expect(one.target.hardware.os).toContain('Android 14 (API 34)');
    expect(one.target.hardware.os).toContain('EMULATED DEVICE');
    expect(one.target.hardware.cpuModel).toBe('EdgeBench EMULATED-8G (4 × 2.02 GHz + 3 × 2.80 GHz + 1 × 3.19 GHz)');
    expect(one.runtime.name).toBe('benchmark_model (EdgeBench emulator stand-in)');
    expect(one.runtime.version).toBe(arm64Version);
    // cpus=big is the fastest cluster, CPU 7 alone: taskset 80.
    expect(one.runtime.backend).toBe('XNNPACK delegate (CPU), CPUs 7');
    expect(one.native?.[0]?.command).toMatch(/^taskset 80 \/data\/local\/tmp\/edgebench\/benchmark_model --graph=\/data\/local\/tmp\/edgebench\/[0-9a-f]{16}\.tflite --num_threads=1 /);
    expect(two.native?.[0]?.command).toContain('--num_threads=2');
    // Five windows, each one process's mean; the first window's init and first inference.
    expect(one.latencyMs.samples).toHaveLength(5);
    expect(one.warnings.map((w) => w.code)).toEqual(expect.arrayContaining(['window-means', 'emulated-device']));
    expect(one.initMs).toBeGreaterThan(0);
    expect(one.firstInferenceMs).toBeGreaterThan(one.latencyMs.median * 1.2);
    expect(one.memory.peakRssBytes).toBeGreaterThan(4 * 1024 * 1024);
    // The op profile from --enable_op_profiling, on XNNPACK's kernels.
    expect(one.profile?.source).toBe('benchmark_model');
    expect(one.profile?.nodes.map((n) => n.opType)).toContain('Convolution (NHWC, F32) IGEMM');
    expect(one.native?.[1]?.command).toContain('--enable_op_profiling=true');
    // Thermal status and temperatures before and after, the battery among them.
    expect(one.environment?.throttled).toMatchObject({ now: false, source: 'dumpsys thermalservice' });
    expect(one.environment?.governor).toBe('schedutil');
    expect(one.environment?.coresMHz?.start).toEqual([2016, 2016, 2016, 2016, 2803.2, 2803.2, 2803.2, 3187.2]);
    // Per cluster (the device's three, from its probe): governor and mean clock before and after the timed windows.
    expect(one.environment?.cpuClusters).toEqual([
      { cpus: [0, 1, 2, 3], maxMHz: 2016, governor: { start: 'schedutil', end: 'schedutil' }, curMHz: { start: 2016, end: 2016 } },
      { cpus: [4, 5, 6], maxMHz: 2803.2, governor: { start: 'schedutil', end: 'schedutil' }, curMHz: { start: expect.closeTo(2803.2, 6), end: expect.closeTo(2803.2, 6) } },
      { cpus: [7], maxMHz: 3187.2, governor: { start: 'schedutil', end: 'schedutil' }, curMHz: { start: 3187.2, end: 3187.2 } },
    ]);
    expect(one.environment?.thermalZones?.map((z) => z.type)).toContain('battery (dumpsys battery)');
    const battery = one.environment?.thermalZones?.find((z) => z.type === 'battery (dumpsys battery)');
    expect(battery?.endC).toBeGreaterThan(battery?.startC ?? Infinity);
    expect(one.warnings.map((w) => w.code)).toEqual(['window-means', 'emulated-device']);
    expect(one.verdict).toBe('stable');
    // Two threads on one CPU (cpus=big) are no faster: the stand-in models the mask.
    expect(two.latencyMs.median).toBeCloseTo(one.latencyMs.median, -1);
    // The services the studio used on the device: shell v2 and sync (push).
    expect(device.services).toContain('sync:');
    expect(device.services.some((s) => s.startsWith('shell,v2,') && s.includes('getprop'))).toBe(true);
  });

  test('GPU and NNAPI delegates, the little cluster, and the one benchmark_model already on the device', async () => {
    const device = await lab.attach({ preinstalledBenchmarkModel: true });
    const gpu = await bench(`adb://${device.serial}?delegate=gpu`, [], 'gpu.json');
    expect(gpu.code, gpu.stderr).toBe(0);
    expect(gpu.runs[0]?.runtime.backend).toBe('GPU delegate, CPUs 0,1,2,3,4,5,6,7');
    // The one on the device is hashed there (sha256sum, wc -c): the same bytes, the same identity.
    expect(gpu.runs[0]?.runtime.version).toBe(arm64Version);
    expect(gpu.runs[0]?.native?.[0]?.command).toMatch(/^taskset ff \/data\/local\/tmp\/benchmark_model .*--use_gpu=true 2>&1$/);
    const nnapi = await bench(`adb://${device.serial}?delegate=nnapi&cpus=little`, [], 'nnapi.json');
    expect(nnapi.code, nnapi.stderr).toBe(0);
    expect(nnapi.runs[0]?.runtime.backend).toBe('NNAPI delegate, CPUs 0,1,2,3');
    expect(nnapi.runs[0]?.native?.[0]?.command).toMatch(/^taskset f /);
    // Without a delegate, the op profiler's rows are TFLite's own operators: they land on the graph's nodes, for the Graph page's overlay.
    const cpu = await bench(`adb://${device.serial}?delegate=cpu`, ['--profile-runs', '5'], 'cpu.json');
    expect(cpu.code, cpu.stderr).toBe(0);
    expect(cpu.runs[0]?.native?.[0]?.command).toContain('--use_xnnpack=false');
    expect(cpu.runs[0]?.profile?.nodes.map((n) => n.name).sort()).toEqual(['CONV_2D_0', 'CONV_2D_1', 'FULLY_CONNECTED_3', 'RESHAPE_2']);
    // The GPU delegate's init (compiling its programs) is far longer than NNAPI's in the stand-in, as on phones.
    expect(gpu.runs[0]?.initMs).toBeGreaterThan(nnapi.runs[0]?.initMs ?? Infinity);
  });

  test('a cluster sweep: one target per cluster on the same device runs one benchmark_model at a time', async () => {
    const device = await lab.attach();
    const out = path.join(dir, 'sweep.json');
    const targets = ['little', 'mid', 'big'].flatMap((cpus) => ['--target', `adb://${device.serial}?cpus=${cpus}`]);
    const result = await runCli(['bench', FACE_TFLITE, ...targets, '--benchmark-model', arm64Tool, '--runs', '10', '--threads', '1', '--json', '--out', out], { env: lab.env, timeoutMs: 90_000 });
    expect(result.code, result.stderr).toBe(0);
    const runs = (JSON.parse(readFileSync(out, 'utf8')) as unknown[]).map((run) => RunFile.parse(run));
    expect(runs.map((run) => run.runtime.backend).sort()).toEqual(['XNNPACK delegate (CPU), CPUs 0,1,2,3', 'XNNPACK delegate (CPU), CPUs 4,5,6', 'XNNPACK delegate (CPU), CPUs 7']);
    // Targets run in parallel, but never two benchmark_model processes on one device.
    expect(device.device.benchmarkRuns).toBe(3 * 6);
    expect(device.device.maxConcurrentBenchmarks).toBe(1);
    // One thread: the faster cluster is faster (the stand-in models each cluster's max clock).
    const median = (cpus: string): number => runs.find((run) => run.target.spec?.endsWith(`cpus=${cpus}`))?.latencyMs.median ?? Number.NaN;
    expect(median('big')).toBeLessThan(median('mid'));
    expect(median('mid')).toBeLessThan(median('little'));
  });

  test('a CPU axis within one target: --cpus little,big pins each cell with taskset; the runs record the selection, the CPUs and the clusters', async () => {
    const device = await lab.attach();
    const out = path.join(dir, 'cpu-axis.json');
    const result = await runCli(['bench', FACE_TFLITE, '--target', `adb://${device.serial}`, '--benchmark-model', arm64Tool, '--cpus', 'little,big', '--runs', '10', '--threads', '1', '--profile-runs', '0', '--json', '--out', out], { env: lab.env, timeoutMs: 90_000 });
    expect(result.code, result.stderr).toBe(0);
    const [little, big] = (JSON.parse(readFileSync(out, 'utf8')) as unknown[]).map((run) => RunFile.parse(run));
    expect([little?.settings.cpus, big?.settings.cpus]).toEqual(['little', 'big']);
    expect(little?.cpuPinning).toEqual({ cpus: [0, 1, 2, 3], clusters: expect.stringMatching(/^4 × [\d.]+ GHz \+ 3 × [\d.]+ GHz \+ 1 × [\d.]+ GHz$/) });
    expect(big?.cpuPinning?.cpus).toEqual([7]);
    expect(big?.native?.[0]?.command).toMatch(/^taskset 80 /);
    // The governor and clocks before and after, as the device's cpufreq reports them.
    expect(big?.environment?.governor).toBeTruthy();
    expect(big?.environment?.coresMHz?.start.length).toBe(8);
    expect(big?.latencyMs.median).toBeLessThan(little?.latencyMs.median ?? 0);
    // A selection the device cannot meet is refused before any benchmark_model runs.
    const runsBefore = device.device.benchmarkRuns;
    const refused = await runCli(['bench', FACE_TFLITE, '--target', `adb://${device.serial}`, '--benchmark-model', arm64Tool, '--cpus', 'big,0x100'], { env: lab.env, timeoutMs: 60_000 });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`cpus=0x100 does not fit ${device.serial}: mask 0x100 selects none of its CPUs`);
    expect(device.device.benchmarkRuns).toBe(runsBefore);
  });

  test('a device that throttles during the run makes it unstable, saying so', async () => {
    const device = await lab.attach({ throttleAfterBenchmarks: 3 });
    const result = await bench(`adb://${device.serial}`, ['--benchmark-model', arm64Tool], 'hot.json');
    expect(result.code, result.stderr).toBe(0);
    const run = result.runs[0] as RunFile;
    expect(run.environment?.throttled).toMatchObject({ now: true, raw: 'thermal status before: none (0), after: severe (3)' });
    expect(run.verdict).toBe('unstable');
    // The clocks the device dropped to are in the run too (the stand-in's cpufreq reads 60 % when throttled).
    expect(run.environment?.cpuMHz?.end).toBeLessThan((run.environment?.cpuMHz?.start ?? 0) * 0.7);
    // Each cluster says so too: its clock at the end is the stand-in's throttled 60 % of where it started.
    const clusters = run.environment?.cpuClusters ?? [];
    expect(clusters.map((cluster) => cluster.cpus)).toEqual([[0, 1, 2, 3], [4, 5, 6], [7]]);
    for (const cluster of clusters) expect((cluster.curMHz?.end ?? 0) / (cluster.curMHz?.start ?? 1)).toBeCloseTo(0.6, 3);
    expect(run.warnings.find((w) => w.code === 'throttled')?.message).toMatch(/throttled itself during the run .* let it cool down/);
    // Windows after the throttle are slower (the stand-in models 1.6×).
    const samples = run.latencyMs.samples as number[];
    expect(Math.max(...samples.slice(3))).toBeGreaterThan(Math.min(...samples.slice(0, 2)) * 1.4);
  });

  test('bad input: a benchmark_model for another ABI, no benchmark_model, an unknown serial, an unauthorized device, a bad cpus; one sentence and exit 2', async () => {
    const device = await lab.attach();
    const wrongAbi = await bench(`adb://${device.serial}`, ['--benchmark-model', x86Tool], 'x.json');
    expect(wrongAbi.code).toBe(2);
    expect(wrongAbi.stderr).toContain("is benchmark_model for x86_64, but EdgeBench adb emulator runs arm64-v8a, armeabi-v7a, armeabi: point the target's benchmark_model to the arm64-v8a build");
    const unreadable = await bench(`adb://${device.serial}`, ['--benchmark-model', path.join(dir, 'no-such-binary')], 'unreadable.json');
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toContain(`The benchmark_model binary '${path.join(dir, 'no-such-binary')}' cannot be read: check the path given for the target's benchmark_model.`);
    const notElf = await bench(`adb://${device.serial}`, ['--benchmark-model', DEMO_TFLITE], 'not-elf.json');
    expect(notElf.code).toBe(2);
    expect(notElf.stderr).toContain("is not a program (no ELF header): point the target's benchmark_model to TFLite's benchmark_model built for arm64-v8a.");
    const none = await bench(`adb://${device.serial}`, [], 'none.json');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('has no benchmark_model at /data/local/tmp/benchmark_model: give the target');
    const missing = await bench('adb://127.0.0.1:1', [], 'missing.json');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/No Android device 127\.0\.0\.1:1 is attached to adb: check `adb devices` lists it/);
    const locked = await lab.attach({ unauthorized: true });
    const unauthorized = await bench(`adb://${locked.serial}`, [], 'locked.json');
    expect(unauthorized.code).not.toBe(0);
    expect(unauthorized.stderr).toContain(`The Android device ${locked.serial} is unauthorized: unlock it, accept the "Allow USB debugging?" prompt`);
    const cpus = await bench(`adb://${device.serial}?cpus=mid2`, [], 'cpus.json');
    expect(cpus.code).toBe(2);
    expect(cpus.stderr).toContain("cpus 'mid2' is not all, little, mid, big or a hex mask");
    for (const result of [wrongAbi, unreadable, notElf, none, missing, unauthorized, cpus]) expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  test('repro pushes the same benchmark_model again, and says plainly when that file is gone', async () => {
    const device = await lab.attach();
    const tool = path.join(dir, 'copied_benchmark_model');
    copyFileSync(arm64Tool, tool);
    const made = await bench(`adb://${device.serial}`, ['--benchmark-model', tool, '--profile-runs', '0'], 'repro.json');
    expect(made.code, made.stderr).toBe(0);
    expect(made.runs[0]?.runtime.binary).toEqual({ source: 'pushed', path: tool, sha256: createHash('sha256').update(arm64Bytes).digest('hex'), sizeBytes: arm64Bytes.length });
    const file = path.join(dir, 'repro.json');
    const again = await runCli(['repro', file, '--json'], { env: lab.env, timeoutMs: 90_000 });
    // Reproduced, not, or undecided (0, 1, 3) is the stand-in's business; the re-run pushed the same file.
    expect([0, 1, 3], again.stderr).toContain(again.code);
    expect(again.stderr).toMatch(/^Re-running .* edgebench bench .*\/demo-mnist\.tflite .*--benchmark-model /m);
    expect(again.stderr).toContain(` --benchmark-model ${tool} --target adb://${device.serial}\n`);
    expect(JSON.parse(again.stdout).reproduceCommand).toContain(`--benchmark-model ${tool}`);
    rmSync(tool);
    const gone = await runCli(['repro', file], { env: lab.env, timeoutMs: 30_000 });
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain(`The benchmark_model binary '${tool}' that ${file} pushed to the device is not there any more; put it back (sha256 ${createHash('sha256').update(arm64Bytes).digest('hex').slice(0, 12)}…), or pass --benchmark-model FILE`);
    expect(gone.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  test('a device gone mid-run keeps the windows it finished as a partial run', async () => {
    const device = await lab.attach({ dropDuringBenchmark: { run: 3, afterMs: 20 } });
    const out = path.join(dir, 'gone.json');
    const result = await runCli(['bench', DEMO_TFLITE, '--target', `adb://${device.serial}`, '--benchmark-model', arm64Tool, '--runs', '20', '--json', '--out', out], { env: lab.env, timeoutMs: 90_000 });
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(result.stderr).toMatch(/2 of 5 windows/);
    const run = RunFile.parse(JSON.parse(readFileSync(out, 'utf8')));
    expect(run.status).toBe('partial');
    expect(run.latencyMs.samples).toHaveLength(2);
  });
});
