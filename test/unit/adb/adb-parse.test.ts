/** What an Android device prints, read into the facts the adb target uses; and the adb:// spec. */
import { describe, expect, test } from 'vitest';
import { formatAdbSpec, parseAdbSpec } from '../../../src/shared/plugins/target-kinds/adb';
import { BenchSettings } from '../../../src/shared/run-schema';
import { thermalEnvironment } from '../../../src/core/targets/adb/adb-device';
import { deviceStateError } from '../../../src/core/targets/adb/adb-client';
import { clustersFromMaxFreq, cpuMask, describeClusters, parseCpuFreqState } from '../../../src/core/targets/cpu-clusters';
import {
  elfAbi,
  parseAdbDevices,
  parseBatteryTemperature,
  parseGetprop,
  parseGrepH,
  parseMemTotalBytes,
  parseThermalStatus,
  parseThermalZones,
} from '../../../src/core/targets/adb/adb-parse';
import { adbWindowPlan, benchmarkLine, delegateFlags } from '../../../src/core/targets/adb/adb-run';
import { benchmarkModelVersion, parseBinaryIdentity } from '../../../src/core/targets/adb/adb-matrix-target';
import { standInBenchmarkModel } from '../../helpers/adb-device-emulator/device-spec';

// A Pixel 7's (Tensor G2) cpufreq: 4 little, 2 mid, 2 big cores, in the order grep prints them.
const PIXEL7_MAX_FREQ = [0, 1, 2, 3].map((c) => `/sys/devices/system/cpu/cpu${c}/cpufreq/cpuinfo_max_freq:1803000`)
  .concat([4, 5].map((c) => `/sys/devices/system/cpu/cpu${c}/cpufreq/cpuinfo_max_freq:2348000`), [6, 7].map((c) => `/sys/devices/system/cpu/cpu${c}/cpufreq/cpuinfo_max_freq:2850000`))
  .join('\n');
const clusters = clustersFromMaxFreq(parseGrepH(PIXEL7_MAX_FREQ));

describe('device facts', () => {
  test('getprop lines, values with spaces and brackets kept whole', () => {
    const props = parseGetprop('[ro.product.model]: [Pixel 7]\n[ro.product.cpu.abi]: [arm64-v8a]\n[ro.soc.model]: [GS201]\n[weird]: [a [b] c]\nnot a prop\n');
    expect(props).toEqual({ 'ro.product.model': 'Pixel 7', 'ro.product.cpu.abi': 'arm64-v8a', 'ro.soc.model': 'GS201', weird: 'a [b] c' });
  });

  test('CPU clusters from cpufreq max frequencies, slowest first; the cpus setting as a taskset mask', () => {
    expect(clusters).toEqual([
      { maxKHz: 1803000, cpus: [0, 1, 2, 3] },
      { maxKHz: 2348000, cpus: [4, 5] },
      { maxKHz: 2850000, cpus: [6, 7] },
    ]);
    expect(describeClusters(clusters)).toBe('4 × 1.80 GHz + 2 × 2.35 GHz + 2 × 2.85 GHz');
    expect(cpuMask('all', clusters, 'p7')).toEqual({ mask: 'ff', cpus: [0, 1, 2, 3, 4, 5, 6, 7] });
    expect(cpuMask('little', clusters, 'p7')).toEqual({ mask: 'f', cpus: [0, 1, 2, 3] });
    expect(cpuMask('mid', clusters, 'p7')).toEqual({ mask: '30', cpus: [4, 5] });
    expect(cpuMask('big', clusters, 'p7')).toEqual({ mask: 'c0', cpus: [6, 7] });
    expect(cpuMask('0x81', clusters, 'p7')).toEqual({ mask: '81', cpus: [0, 7] });
    expect(() => cpuMask('0x100', clusters, 'p7')).toThrow('cpus=0x100 does not fit p7: mask 0x100 selects none of its CPUs; its CPUs are 4 × 1.80 GHz + 2 × 2.35 GHz + 2 × 2.85 GHz, so use all, little, big or a mask of CPUs 0–7.');
    // A device without cpufreq: all runs without taskset, a cluster cannot be chosen.
    expect(cpuMask('all', [], 'vm')).toEqual({ mask: '', cpus: [] });
    expect(() => cpuMask('big', [], 'vm')).toThrow('cpus=big does not fit vm: its clusters are unknown');
    const twoClusters = clusters.slice(1);
    expect(() => cpuMask('mid', twoClusters, 'p7')).toThrow('it has 2 clusters, so no middle one');
  });

  test('memory, thermal zones, battery temperature and thermal status', () => {
    expect(parseMemTotalBytes('MemTotal:        7812500 kB\nMemFree: 1 kB\n')).toBe(7812500 * 1024);
    const zones = parseThermalZones(
      parseGrepH('/sys/class/thermal/thermal_zone0/type:cpu-0-0\n/sys/class/thermal/thermal_zone10/type:battery\n/sys/class/thermal/thermal_zone0/temp:36200\n/sys/class/thermal/thermal_zone10/temp:28500\n/sys/class/thermal/thermal_zone2/type:gpu\n'),
    );
    // A zone whose temperature could not be read (thermal_zone2) is left out, not guessed.
    expect(zones).toEqual([
      { type: 'cpu-0-0', celsius: 36.2 },
      { type: 'battery', celsius: 28.5 },
    ]);
    expect(parseBatteryTemperature('Current Battery Service state:\n  level: 83\n  temperature: 285\n  technology: Li-ion\n')).toBe(28.5);
    expect(parseBatteryTemperature('no battery here')).toBeUndefined();
    expect(parseThermalStatus('IsStatusOverride: false\nThermal Status: 3\nCached temperatures:\n')).toBe(3);
    expect(parseThermalStatus('Can\'t find service: thermalservice')).toBeUndefined();
  });

  test("each CPU's clock and governor, in CPU order (cpu10 after cpu9)", () => {
    const grep = parseGrepH(
      ['/sys/devices/system/cpu/cpu10/cpufreq/scaling_cur_freq:2000000', '/sys/devices/system/cpu/cpu9/cpufreq/scaling_cur_freq:1000000', '/sys/devices/system/cpu/cpu9/cpufreq/scaling_governor:schedutil', '/sys/devices/system/cpu/cpu10/cpufreq/scaling_governor:performance'].join('\n'),
    );
    expect(parseCpuFreqState(grep)).toEqual({ coresKHz: [1000000, 2000000], governors: ['schedutil', 'performance'] });
  });

  test('adb devices -l, with unauthorized and offline devices', () => {
    const devices = parseAdbDevices(
      'List of devices attached\n28291FDH2000AX         device usb:1-1 product:panther model:Pixel_7 device:panther transport_id:3\n127.0.0.1:5555         unauthorized transport_id:4\nemulator-5554          offline\n\n',
    );
    expect(devices).toEqual([
      { serial: '28291FDH2000AX', state: 'device', model: 'Pixel 7', product: 'panther' },
      { serial: '127.0.0.1:5555', state: 'unauthorized' },
      { serial: 'emulator-5554', state: 'offline' },
    ]);
  });

  test("a binary's ABI from its ELF header", () => {
    expect(elfAbi(standInBenchmarkModel('arm64-v8a'))).toBe('arm64-v8a');
    expect(elfAbi(standInBenchmarkModel('armeabi-v7a'))).toBe('armeabi-v7a');
    expect(elfAbi(standInBenchmarkModel('x86_64'))).toBe('x86_64');
    expect(elfAbi(new TextEncoder().encode('#!/bin/sh\necho hi\n'))).toBeNull();
    expect(elfAbi(new Uint8Array([0x7f, 0x45, 0x4c]))).toBeNull();
  });

  test("adb's device-state errors become one sentence each", () => {
    const said = (stderr: string) => deviceStateError('R58M', { stdout: '', stderr, code: 1 })?.message;
    expect(said('error: device unauthorized.\nThis adb server\'s $ADB_VENDOR_KEYS is not set\n')).toMatch(/^The Android device R58M is unauthorized: unlock it/);
    expect(said('error: device offline\n')).toMatch(/^The Android device R58M is offline: reconnect its cable/);
    expect(said("error: device 'R58M' not found\n")).toMatch(/^No Android device R58M is attached to adb/);
    expect(said('error: closed\n')).toMatch(/closed the connection: it disconnected or restarted/);
    expect(said('cat: x: No such file or directory\n')).toBeUndefined();
  });
});

describe('thermal readings around a run', () => {
  /** cpufreq lines of a `grep -H .` dump, as readThermal keeps them: [scaling_cur_freq kHz, scaling_governor] per CPU. */
  const cpufreq = (cores: Array<[number, string]>): Map<string, string> =>
    new Map(
      cores.flatMap(([kHz, governor], cpu) => [
        [`/sys/devices/system/cpu/cpu${cpu}/cpufreq/scaling_cur_freq`, String(kHz)],
        [`/sys/devices/system/cpu/cpu${cpu}/cpufreq/scaling_governor`, governor],
      ]),
    );

  test('hottest zone, every zone, the battery, and throttling from the thermal status', () => {
    const before = { status: 0, batteryC: 28.5, zones: [{ type: 'cpu', celsius: 36.2 }, { type: 'gpu', celsius: 34.1 }], cpufreqFiles: cpufreq([[1803000, 'schedutil'], [2850000, 'schedutil']]) };
    const after = { status: 3, batteryC: 29.1, zones: [{ type: 'cpu', celsius: 47.5 }, { type: 'gpu', celsius: 40 }], cpufreqFiles: cpufreq([[1197000, 'schedutil'], [1426000, 'schedutil']]) };
    expect(thermalEnvironment(before, after, [{ cpus: [0], maxKHz: 1803000 }, { cpus: [1], maxKHz: 2850000 }])).toEqual({
      temperatureC: { start: 36.2, end: 47.5 },
      thermalZones: [
        { type: 'cpu', startC: 36.2, endC: 47.5 },
        { type: 'gpu', startC: 34.1, endC: 40 },
        { type: 'battery (dumpsys battery)', startC: 28.5, endC: 29.1 },
      ],
      cpuMHz: { start: 2326.5, end: 1311.5 },
      coresMHz: { start: [1803, 2850], end: [1197, 1426] },
      governor: 'schedutil',
      cpuClusters: [
        { cpus: [0], maxMHz: 1803, governor: { start: 'schedutil', end: 'schedutil' }, curMHz: { start: 1803, end: 1197 } },
        { cpus: [1], maxMHz: 2850, governor: { start: 'schedutil', end: 'schedutil' }, curMHz: { start: 2850, end: 1426 } },
      ],
      throttled: { now: true, sinceBoot: true, raw: 'thermal status before: none (0), after: severe (3)', source: 'dumpsys thermalservice' },
    });
    // Android 9 and older have no thermal service status: no throttling claim either way.
    const none = { zones: [], cpufreqFiles: new Map<string, string>() };
    expect(thermalEnvironment(none, none, [])).toEqual({});
    expect(thermalEnvironment({ ...none, status: 1 }, { ...none, status: 2 }, []).throttled?.now).toBe(false);
  });

  test("each of the probe's clusters gets its governor and mean clock at both ends; a governor changed mid-run shows as start and end", () => {
    const clusters = [
      { cpus: [0, 1, 2, 3], maxKHz: 2016000 },
      { cpus: [4, 5, 6], maxKHz: 2803200 },
      { cpus: [7], maxKHz: 3187200 },
    ];
    const before = { zones: [], cpufreqFiles: cpufreq([[1000000, 'schedutil'], [1200000, 'schedutil'], [1000000, 'schedutil'], [1200000, 'schedutil'], [2803200, 'schedutil'], [2803200, 'schedutil'], [2803200, 'schedutil'], [3187200, 'schedutil']]) };
    const after = { zones: [], cpufreqFiles: cpufreq([[2016000, 'schedutil'], [2016000, 'schedutil'], [2016000, 'schedutil'], [2016000, 'schedutil'], [1681900, 'schedutil'], [1681900, 'schedutil'], [1681900, 'schedutil'], [3187200, 'performance']]) };
    const environment = thermalEnvironment(before, after, clusters);
    expect(environment.cpuClusters).toEqual([
      { cpus: [0, 1, 2, 3], maxMHz: 2016, governor: { start: 'schedutil', end: 'schedutil' }, curMHz: { start: 1100, end: 2016 } },
      // The mean of kHz / 1000 is kept unrounded (environment-readers' meanOfPositive); run detail prints whole MHz.
      { cpus: [4, 5, 6], maxMHz: 2803.2, governor: { start: 'schedutil', end: 'schedutil' }, curMHz: { start: expect.closeTo(2803.2, 6), end: expect.closeTo(1681.9, 6) } },
      { cpus: [7], maxMHz: 3187.2, governor: { start: 'schedutil', end: 'performance' }, curMHz: { start: 3187.2, end: 3187.2 } },
    ]);
    // The single governor older readers show names both.
    expect(environment.governor).toBe('schedutil, performance');
    // A device without cpufreq (an emulator image, a locked-down kernel) records no clusters, only what it has.
    expect(thermalEnvironment({ zones: [], cpufreqFiles: new Map() }, { zones: [], cpufreqFiles: new Map() }, clusters).cpuClusters).toBeUndefined();
  });
});

describe('adb:// specs', () => {
  test('serials with a port, delegates and cpus; written back as given', () => {
    expect(parseAdbSpec('adb://127.0.0.1:5555')).toEqual({ serial: '127.0.0.1:5555', delegate: 'xnnpack', cpus: 'all' });
    expect(parseAdbSpec('adb://R58M1234ABC?delegate=nnapi&cpus=0xF0')).toEqual({ serial: 'R58M1234ABC', delegate: 'nnapi', cpus: '0xf0' });
    expect(formatAdbSpec({ serial: 'R58M', delegate: 'gpu', cpus: 'big' })).toBe('adb://R58M?delegate=gpu&cpus=big');
    expect(formatAdbSpec({ serial: '10.0.0.5:5555', delegate: 'xnnpack', cpus: 'all' })).toBe('adb://10.0.0.5:5555');
  });

  test('bad specs are one sentence naming what to write', () => {
    expect(() => parseAdbSpec('adb://')).toThrow("The target 'adb://' is not a valid adb target (the serial is missing; `adb devices` lists it); write it as adb://SERIAL");
    expect(() => parseAdbSpec('adb://R58M?delegate=tpu')).toThrow("delegate 'tpu' is not one of xnnpack, gpu, nnapi, cpu");
    expect(() => parseAdbSpec('adb://R58M?threads=4')).toThrow("'threads' is not one of its settings: delegate, cpus");
  });
});

describe("benchmark_model's version: none printed, so its binary's identity", () => {
  test('sha256sum and wc -c on the device become the SHA-256 prefix and size; anything else says it could not be hashed', () => {
    const sha = 'a'.repeat(8) + '0123456789abcdef'.repeat(3) + 'b'.repeat(8);
    const identity = parseBinaryIdentity(`${sha}  /data/local/tmp/benchmark_model\n5234112\n`);
    expect(identity).toEqual({ sha256: sha, sizeBytes: 5234112 });
    expect(benchmarkModelVersion(identity)).toBe('not printed by benchmark_model (binary sha256:aaaaaaaa0123, 5,234,112 bytes)');
    expect(parseBinaryIdentity('/system/bin/sh: sha256sum: inaccessible or not found\n')).toBeNull();
    expect(benchmarkModelVersion(null)).toBe('not printed by benchmark_model (its binary could not be hashed on the device)');
  });
});

describe('benchmark_model command lines', () => {
  const base = { runs: 50, warmupRuns: 3, minTimeMs: 0, threads: 2 };
  const settings = BenchSettings.parse(base);
  const context = {
    config: { kind: 'adb' as const, name: 'p7', serial: 'p7', delegate: 'gpu' as const, cpus: 'big' },
    facts: { serial: 'p7', model: 'Pixel 7', manufacturer: 'Google', abi: 'arm64-v8a', abis: ['arm64-v8a'], androidRelease: '14', sdk: '34', soc: 'Google GS201', clusters, memoryBytes: 0, emulator: false },
    binary: '/data/local/tmp/benchmark_model',
    binaryVersion: 'not printed by benchmark_model',
    remoteModel: '/data/local/tmp/edgebench/ab.tflite',
  };

  test('quick mode: 5 windows sharing the runs; report mode: the plan’s windows of the full runs each', () => {
    expect(adbWindowPlan(settings)).toEqual({ windows: 5, runsPerWindow: 10, minWindowMs: 0 });
    expect(adbWindowPlan(BenchSettings.parse({ ...base, runs: 3 }))).toEqual({ windows: 5, runsPerWindow: 1, minWindowMs: 0 });
    expect(adbWindowPlan(BenchSettings.parse({ ...base, runs: 20, mode: 'report' }), { windows: 5, minWindowMs: 10_000 })).toEqual({ windows: 5, runsPerWindow: 20, minWindowMs: 10_000 });
  });

  test('pinned with taskset to the cluster, with the delegate’s flags', () => {
    expect(benchmarkLine(context, settings, { runs: 10, minWindowMs: 0, profile: false })).toBe(
      'taskset c0 /data/local/tmp/benchmark_model --graph=/data/local/tmp/edgebench/ab.tflite --num_threads=2 --num_runs=10 --warmup_runs=3 --min_secs=0 --warmup_min_secs=0 --enable_op_profiling=false --report_peak_memory_footprint=true --use_gpu=true 2>&1',
    );
    const noCpufreq = { ...context, config: { ...context.config, cpus: 'all' }, facts: { ...context.facts, clusters: [] } };
    expect(benchmarkLine(noCpufreq, settings, { runs: 10, minWindowMs: 0, profile: false })).toMatch(/^\/data\/local\/tmp\/benchmark_model --graph=/);
    expect(delegateFlags('xnnpack')).toEqual(['--use_xnnpack=true']);
    expect(delegateFlags('nnapi')).toEqual(['--use_nnapi=true']);
    expect(delegateFlags('cpu')).toEqual(['--use_xnnpack=false']);
  });
});
