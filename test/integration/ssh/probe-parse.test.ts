/**
 * The probe parser on recorded-style outputs of a Raspberry Pi 4 and a Jetson (see fixtures/README.md),
 * the runner each board gets, and the sentence for a board with nothing to run a model on.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parseProbeOutput, parseThrottled } from '../../../src/core/targets/ssh/probe-parse';
import { parseEnvironmentSample, throttlingDuringRun } from '../../../src/core/targets/ssh/remote-environment';
import { boardRuntimes, chooseRunner } from '../../../src/core/targets/ssh/ssh-probe';
import { parseSshTargetUrl } from '../../../src/core/targets/ssh/ssh-target-url';
import { boardPinning } from '../../../src/core/targets/ssh/ssh-target';
import { describeTopology } from '../../../src/core/targets/cpu-clusters';
import { rejectionSync } from './sync-rejection';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const pi = parseProbeOutput(fixture('probe-raspberry-pi-4.txt'));
const jetson = parseProbeOutput(fixture('probe-jetson-orin-nano.txt'));
const target = { name: 'bench-pi', host: 'pi.local', port: 22, user: 'pi' };

describe('probe output of a Raspberry Pi 4', () => {
  test('hardware in the same shape as a local run, the core named from its CPU part', () => {
    expect(pi.hardware).toEqual({
      arch: 'arm64',
      cpuModel: 'Cortex-A72',
      cores: 4,
      memoryBytes: 3884324 * 1024,
      os: 'Linux 6.6.31+rpt-rpi-v8 (Debian GNU/Linux 12 (bookworm))',
      cpuFeatures: ['asimd'],
    });
    expect(pi.boardModel).toBe('Raspberry Pi 4 Model B Rev 1.4');
    expect(pi.kernel).toBe('6.6.31+rpt-rpi-v8');
  });

  test("CPUs: one cluster of four A72s at 1.8 GHz, each CPU's governor and clock; taskset pins a selection, and a board without it is told to install util-linux", () => {
    expect(describeTopology(pi.cpu.topology)).toBe('4 CPUs, one cluster (4 × 1.80 GHz, from cpufreq)');
    expect(pi.cpu).toMatchObject({ governors: ['ondemand', 'ondemand', 'ondemand', 'ondemand'], curKHz: [1800000, 600000, 600000, 600000], taskset: '/usr/bin/taskset' });
    expect(boardPinning(pi, '0x3', 'bench-pi')?.taskset).toEqual({ taskset: '/usr/bin/taskset', cpuList: '0-1' });
    // all narrows nothing: no taskset needed, and the run still records the CPUs.
    expect(boardPinning(pi, 'all', 'bench-pi')?.taskset).toBeUndefined();
    expect(boardPinning(pi, 'all', 'bench-pi')?.record([0, 1, 2, 3])).toEqual({ cpus: [0, 1, 2, 3], clusters: '4 CPUs, one cluster (4 × 1.80 GHz, from cpufreq)', allowedCpus: [0, 1, 2, 3] });
    expect(boardPinning(pi, undefined, 'bench-pi')).toBeUndefined();
    const noTaskset = parseProbeOutput(fixture('probe-raspberry-pi-4.txt').replace(/^taskset=.*\n/m, ''));
    expect(() => boardPinning(noTaskset, 'big', 'bench-pi')).toThrow('bench-pi has no taskset, which pins the benchmark to CPUs 0-3: install util-linux on the board (sudo apt install util-linux), or leave the CPU selection out.');
    expect(() => boardPinning(pi, 'mid', 'bench-pi')).toThrow('cpus=mid does not fit bench-pi: it has 1 cluster, so no middle one');
    // A probe from before the CPU lines (the Jetson sample): CPUs unknown, so all pins nothing and clusters are refused.
    expect(jetson.cpu).toEqual({ topology: { cpus: [], clusters: [], source: 'none' }, governors: [], curKHz: [], taskset: null });
  });

  test('temperature and throttling from vcgencmd: 0x50000 means under-voltage and throttling happened since boot', () => {
    expect(pi.pi).toEqual({ temperatureC: 61.3, throttled: { raw: '0x50000', now: [], sinceBoot: ['under-voltage', 'throttled'] } });
    expect(pi.jetson).toBeNull();
  });

  test('runtimes: Node 18 gets the studio runner for ONNX, TFLite goes to the Python runner', () => {
    expect(pi.node).toEqual({ path: '/usr/bin/node', version: 'v18.19.0' });
    expect(pi.python).toEqual({ path: '/usr/bin/python3', version: '3.11.2', runtimes: { tflite_runtime: '2.14.0', onnxruntime: '1.17.3' } });
    expect(chooseRunner(pi, 'onnx', target).kind).toBe('node');
    expect(chooseRunner(pi, 'tflite', target)).toMatchObject({ kind: 'python', python: '/usr/bin/python3', module: 'tflite_runtime' });
    // Asked to prefer Python, ONNX runs on the board's own onnxruntime; TF.js has no Python runtime, so nothing can.
    expect(chooseRunner(pi, 'onnx', target, 'python')).toMatchObject({ kind: 'python', module: 'onnxruntime' });
    expect(rejectionSync(() => chooseRunner(pi, 'tfjs', target, 'python')).detail?.kind).toBe('no-runtime');
    expect(boardRuntimes(pi, '1.30.0').map((r) => `${r.name} ${r.version} (${r.via})`)).toEqual([
      'onnxruntime 1.30.0 (node-runner)',
      'tflite_runtime 2.14.0 (python)',
      'onnxruntime 1.17.3 (python)',
    ]);
  });
});

describe('probe output of a Jetson Orin Nano', () => {
  test('hardware, power mode, tegrastats and trtexec', () => {
    expect(jetson.hardware).toMatchObject({ arch: 'arm64', cpuModel: 'Cortex-A78AE', cores: 6, cpuFeatures: ['asimd', 'asimddp', 'asimdhp'] });
    expect(jetson.hardware.os).toBe('Linux 5.15.136-tegra (Ubuntu 22.04.4 LTS)');
    expect(jetson.boardModel).toBe('NVIDIA Jetson Orin Nano Developer Kit');
    expect(jetson.jetson).toEqual({ powerMode: '15W (mode 0)', tegrastats: true });
    expect(jetson.pi).toBeNull();
    expect(jetson.nativeTools).toEqual({ trtexec: '/usr/src/tensorrt/bin/trtexec' });
  });

  test('no Node: ONNX runs with the Python onnxruntime', () => {
    expect(jetson.node).toBeNull();
    expect(chooseRunner(jetson, 'onnx', target)).toMatchObject({ kind: 'python', module: 'onnxruntime', reason: 'the Python runner (onnxruntime 1.18.0 on Python 3.10.12 at /usr/bin/python3)' });
  });
});

test('preferring Python on a board whose Python cannot run the format falls back to the Node runner', () => {
  const nodeOnly = parseProbeOutput(fixture('probe-raspberry-pi-4.txt').replace(/^python_runtime=.*\n/gm, ''));
  expect(chooseRunner(nodeOnly, 'onnx', target, 'python').kind).toBe('node');
});

test('a board with neither Node nor a Python runtime gets the sentence that says what to install', () => {
  const bare = parseProbeOutput(fixture('probe-jetson-orin-nano.txt').replace(/^python_runtime=.*\n/gm, ''));
  const error = rejectionSync(() => chooseRunner(bare, 'onnx', target));
  expect(error.detail?.kind).toBe('no-runtime');
  expect(error.message).toBe('bench-pi has no runtime that can run an ONNX model: install onnxruntime with pip on the board, or install Node 18+ and the studio will use its own runner.');
});

test('a throttle flag raised during a run is reported; flags from before the run are not', () => {
  const before = parseThrottled('throttled=0x50000');
  const after = parseThrottled('throttled=0x70002');
  expect(throttlingDuringRun([before!, after!])).toEqual(['frequency-capped']);
  expect(throttlingDuringRun([before!, before!])).toEqual([]);
  // The board's sample script prints each file after a marker, and each tool's output after another.
  const sample = parseEnvironmentSample(
    [
      '@@edgebench-file /sys/class/thermal/thermal_zone0/temp', '48750', '',
      '@@edgebench-file /sys/class/thermal/thermal_zone1/temp', '0', '',
      '@@edgebench-file /sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq', '1500000', '',
      '@@edgebench-file /sys/devices/system/cpu/cpu1/cpufreq/scaling_cur_freq', '1800000', '',
      '@@edgebench-file /proc/loadavg', '0.52 0.40 0.31 1/123 4567', '',
      '@@edgebench-tool vcgencmd get_throttled', 'throttled=0x0',
    ].join('\n'),
  );
  expect(sample.snapshot).toMatchObject({ temperatureC: 48.75, cpuMHz: 1650, loadAverage: 0.52 });
  expect(sample.snapshot.cores).toEqual([{ cpu: 0, curMHz: 1500 }, { cpu: 1, curMHz: 1800 }]);
  expect(sample.throttled).toEqual({ raw: '0x0', now: [], sinceBoot: [] });
});

test('target URLs: ssh://USER@HOST:PORT, port 22 by default, passwords refused', () => {
  expect(parseSshTargetUrl('ssh://pi@192.168.1.20:2222')).toEqual({ name: 'pi@192.168.1.20:2222', host: '192.168.1.20', port: 2222, user: 'pi' });
  expect(parseSshTargetUrl('ssh://nvidia@[fe80::1]', 'orin')).toEqual({ name: 'orin', host: 'fe80::1', port: 22, user: 'nvidia' });
  expect(rejectionSync(() => parseSshTargetUrl('ssh://pi:secret@host')).message).toContain('a password does not belong in the target');
  expect(rejectionSync(() => parseSshTargetUrl('pi@host')).code).toBe('BAD_INPUT');
});
