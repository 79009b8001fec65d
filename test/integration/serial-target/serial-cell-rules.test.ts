/**
 * The rules a serial cell applies before and around the board: a model the board cannot hold is
 * refused with one sentence before anything is uploaded, MLPerf Tiny windows follow the mode,
 * and a run names the chip's architecture and the simulation.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BenchSettings } from '../../../src/shared/run-schema';
import type { DeviceFacts } from '../../../src/core/targets/serial/edgebench-protocol/messages';
import { mlperfRuntime, mlperfWindowPlan } from '../../../src/core/targets/serial/mlperf-run';
import { edgebenchTargetName, mlperfTargetName } from '../../../src/core/targets/serial/serial-matrix-target';
import { checkFits, chipArch, describeBoard } from '../../../src/core/targets/serial/serial-run';
import { StudioError } from '../../../src/shared/errors';
import { repoRoot } from '../../helpers/run-cli';

const DEMO = new Uint8Array(readFileSync(path.join(repoRoot, 'resources/models/demo-mnist.tflite')));

const ESP32: DeviceFacts = {
  protocolVersion: 1, simulated: false, cores: 2, cpuMHz: 240, maxChunkBytes: 4096, maxRunsPerRequest: 1000,
  flashBytes: 4 << 20, psramBytes: 0, arenaCapacityBytes: 200 * 1024, modelCapacityBytes: 96 * 1024,
  chipModel: 'ESP32-S3', idfVersion: 'v5.3.1', tflmVersion: '1.3.2', firmwareVersion: 'edgebench-fw 1',
};

function refusal(run: () => void): StudioError {
  try {
    run();
  } catch (error) {
    if (error instanceof StudioError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('before uploading to an EdgeBench board', () => {
  it('lets the demo model through on an ESP32-S3', () => {
    expect(() => checkFits(DEMO, 'demo-mnist.tflite', ESP32, 'lab ESP32')).not.toThrow();
  });

  it('refuses a model larger than the firmware holds, saying what to do', () => {
    const error = refusal(() => checkFits(DEMO, 'demo-mnist.tflite', { ...ESP32, modelCapacityBytes: 16 * 1024 }, 'lab ESP32'));
    expect(error.code).toBe('RUNTIME');
    expect(error.message).toBe('demo-mnist.tflite (37.1 KiB) does not fit lab ESP32: its firmware holds models of at most 16.0 KiB. Quantize it to int8 if it is float, or make it smaller.');
  });

  it("refuses a model whose activations alone overflow the firmware's tensor arena", () => {
    const error = refusal(() => checkFits(DEMO, 'demo-mnist.tflite', { ...ESP32, arenaCapacityBytes: 4 * 1024 }, 'lab ESP32'));
    expect(error.message).toMatch(/^demo-mnist\.tflite does not fit lab ESP32: its activations alone need about \d+\.\d\d KiB of tensor arena, but the firmware's arena holds 4\.00 KiB\. .*raise kInternalArenaBytes \(internal RAM\) or kPsramArenaBytes \(PSRAM\) in main\/model_settings\.h/);
  });
});

describe('what a serial run records', () => {
  it('names the architecture from the chip', () => {
    expect(['ESP32', 'ESP32-S3', 'ESP32-C3', 'ESP32-C6', 'STM32L4R5', 'Simulated board (ESP32-S3 model)', 'mystery'].map(chipArch)).toEqual([
      'xtensa', 'xtensa', 'riscv', 'riscv', 'arm', 'xtensa', 'unknown',
    ]);
  });

  it('describes a real board for Test connection, and marks a simulated one in run names', () => {
    expect(describeBoard(ESP32, 921600)).toBe('ESP32-S3 at 921600 baud, TFLM 1.3.2, arena 200 KiB.');
    expect(edgebenchTargetName('bench ESP32', true)).toBe('bench ESP32 (simulated)');
    expect(edgebenchTargetName('Simulated board (ESP32-S3 model)', true)).toBe('Simulated board (ESP32-S3 model)');
    expect(edgebenchTargetName('bench ESP32', false)).toBe('bench ESP32');
  });

  it('MLPerf Tiny: quick mode runs 5 windows of max(1 s, --min-time); report mode follows the 10 s rule', () => {
    const settings = (extra: object) => BenchSettings.parse({ warmupRuns: 10, runs: 100, minTimeMs: 0, threads: 0, ...extra });
    expect(mlperfWindowPlan(settings({}), undefined)).toEqual({ windows: 5, minWindowMs: 1000 });
    expect(mlperfWindowPlan(settings({ minTimeMs: 3000 }), undefined)).toEqual({ windows: 5, minWindowMs: 3000 });
    expect(mlperfWindowPlan(settings({ mode: 'report' }), undefined)).toEqual({ windows: 5, minWindowMs: 10_000 });
  });

  it("MLPerf Tiny: the board's name and firmware version become the runtime", () => {
    const board = { name: 'stm32-nucleo', role: 'dut', profile: 'ULPMark for tinyML Firmware V0.0.1', model: 'ic01' };
    expect(mlperfRuntime(board)).toEqual({ name: 'mlperf-tiny firmware', version: '0.0.1', threads: 1, backend: 'stm32-nucleo' });
    expect(mlperfRuntime({ ...board, profile: 'unknown' }).version).toBe('unknown');
    expect(mlperfTargetName('NUCLEO on ttyACM0', board)).toBe('NUCLEO on ttyACM0 (stm32-nucleo)');
    expect(mlperfTargetName('NUCLEO on ttyACM0', { ...board, name: 'unspecified' })).toBe('NUCLEO on ttyACM0');
  });
});
