/**
 * What the simulated board pretends to be. Latency comes from the host: each invoke's host time
 * × `slowdown`, with seeded jitter, so relative speed between models is real and the absolute
 * figure is only a model of the chip. Every reply says it is a simulation (the HELLO_ACK and
 * RESULT flag, and the chip model string).
 */
import { EDGEBENCH_FIRMWARE_OPS } from '../tflm-ops';

export interface DeviceModel {
  /** Shown wherever a chip model is: always says "Simulated board". */
  chipModel: string;
  cores: number;
  cpuMHz: number;
  flashBytes: number;
  psramBytes: number;
  /** Free internal heap before a model is loaded. */
  heapBytes: number;
  arenaCapacityBytes: number;
  modelCapacityBytes: number;
  maxChunkBytes: number;
  maxRunsPerRequest: number;
  /** Device latency = host latency × slowdown. */
  slowdown: number;
  /** Relative spread of the latency noise (0.02 = 2 %). */
  jitterFraction: number;
  seed: number;
  /**
   * The newest EdgeBench protocol version the board speaks: 2 (the default) adds the per-op
   * profile; 1 answers exactly as v1 firmware does (a v2 frame is refused with PROTOCOL_VERSION).
   */
  protocolVersion: 1 | 2;
}

const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * An ESP32-S3 N16R8 running resources/firmware/esp32-tflm. The slowdown is a rough ratio of a
 * 240 MHz Xtensa LX7 with ESP-NN to LiteRT.js on one x86 core for small float CNNs; an
 * assumption to replace with a measured board, never a measurement.
 */
export const ESP32S3_SIMULATED: DeviceModel = {
  chipModel: 'Simulated board (ESP32-S3 model)',
  cores: 2,
  cpuMHz: 240,
  flashBytes: 16 * MiB,
  psramBytes: 8 * MiB,
  heapBytes: 310 * KiB,
  arenaCapacityBytes: 256 * KiB,
  modelCapacityBytes: 4 * MiB,
  maxChunkBytes: 4096,
  maxRunsPerRequest: 1000,
  slowdown: 60,
  jitterFraction: 0.02,
  seed: 1,
  protocolVersion: 2,
};

/** The simulated profiler's clock: microseconds, as esp_timer_get_time counts (TFLM's ticks on ESP-IDF). */
export const SIMULATED_TICKS_PER_SECOND = 1_000_000;

/**
 * The builtin ops the firmware registers in its MicroMutableOpResolver
 * (resources/firmware/esp32-tflm/main/op_resolver.cpp): the one list fit checks models against,
 * itself checked against the C++ source by a test.
 */
export const FIRMWARE_OPS: readonly string[] = [...EDGEBENCH_FIRMWARE_OPS];
