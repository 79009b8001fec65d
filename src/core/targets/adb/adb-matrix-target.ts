/**
 * The adb kind of the target registry: a stored Android target becomes a matrix `target` whose
 * cells run benchmark_model on the device. Opening probes the device; the benchmark_model binary
 * (the user's, checked against the device's ABIs before it is pushed, or the one already at
 * /data/local/tmp/benchmark_model) and each model are pushed once per session, by content hash.
 */
import { createHash } from 'node:crypto';
import { open as openFile, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TargetTestResult } from '../../../shared/contract';
import { StudioError } from '../../../shared/errors';
import { ADB_DELEGATE_LABELS, type AdbTargetConfig } from '../../../shared/plugins/target-kinds/adb';
import type { RunFile } from '../../../shared/run-schema';
import { targetSpecOf } from '../../../shared/targets';
import type { TargetContext, TargetKindModule } from '../target-registry';
import { adbPush, adbShell } from './adb-client';
import { describeThermal, hardwareOf, probeAdbDevice, readThermal, type AdbDeviceFacts } from './adb-device';
import { cpuMask, describeClusters } from '../cpu-clusters';
import { elfAbi } from './adb-parse';
import { runAdbCell } from './adb-run';

/** Where the studio keeps its files on the device (the shell user can write here on every Android). */
export const DEVICE_DIR = '/data/local/tmp/edgebench';
/** Where users put benchmark_model by hand, as TFLite's guide says. */
export const PREINSTALLED_BENCHMARK_MODEL = '/data/local/tmp/benchmark_model';
const PUSH_TIMEOUT_MS = 300_000;

/**
 * One benchmark at a time per device: targets run in parallel, and a cluster sweep is several
 * targets on one phone (adb://S?cpus=little, adb://S?cpus=big); two benchmark_model processes at
 * once would share its cores, memory bandwidth and heat. Cells of the same serial queue here.
 */
const deviceQueues = new Map<string, Promise<unknown>>();

export function onePerDevice<T>(serial: string, work: () => Promise<T>): Promise<T> {
  const previous = deviceQueues.get(serial) ?? Promise.resolve();
  const next = previous.then(work, work);
  const settled = next.catch(() => undefined);
  deviceQueues.set(serial, settled);
  void settled.then(() => {
    if (deviceQueues.get(serial) === settled) deviceQueues.delete(serial);
  });
  return next;
}

function expandHome(file: string): string {
  return file === '~' || file.startsWith('~/') ? join(homedir(), file.slice(1)) : file;
}

/** Refuses a benchmark_model that is not an ELF program for one of the device's ABIs, naming the one it needs. */
export async function checkBinaryAbi(file: string, facts: AdbDeviceFacts): Promise<void> {
  let header: Buffer;
  try {
    const handle = await openFile(file, 'r');
    try {
      header = Buffer.alloc(64);
      const { bytesRead } = await handle.read(header, 0, 64, 0);
      header = header.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch {
    throw new StudioError('BAD_INPUT', `The benchmark_model binary '${file}' cannot be read: check the path given for the target's benchmark_model.`, { file });
  }
  const abi = elfAbi(header);
  if (abi === null) throw new StudioError('BAD_INPUT', `'${file}' is not a program (no ELF header): point the target's benchmark_model to TFLite's benchmark_model built for ${facts.abi}.`, { file });
  if (!facts.abis.includes(abi)) {
    throw new StudioError(
      'BAD_INPUT',
      `'${file}' is benchmark_model for ${abi}, but ${facts.model} runs ${facts.abis.join(', ')}: point the target's benchmark_model to the ${facts.abi} build (TFLite publishes android_${facts.abi === 'arm64-v8a' ? 'aarch64' : facts.abi === 'armeabi-v7a' ? 'arm' : facts.abi}_benchmark_model).`,
      { file, abi },
    );
  }
}

/**
 * benchmark_model prints no version: no flag, and no log line names the TFLite it was built from
 * (TensorFlow publishes nightly builds under one name). What identifies the tool a run used is its
 * binary, so the run's runtime version says that, with the binary's SHA-256 prefix and size.
 */
export function benchmarkModelVersion(identity: { sha256: string; sizeBytes: number } | null): string {
  return identity === null
    ? 'not printed by benchmark_model (its binary could not be hashed on the device)'
    : `not printed by benchmark_model (binary sha256:${identity.sha256.slice(0, 12)}, ${identity.sizeBytes.toLocaleString('en-US')} bytes)`;
}

/** `sha256sum FILE` then `wc -c < FILE` (toybox has both since Android 8) → the binary's identity, or null. */
export function parseBinaryIdentity(stdout: string): { sha256: string; sizeBytes: number } | null {
  const match = /^([0-9a-f]{64})\s+\S.*\n\s*(\d+)\s*$/m.exec(stdout.trim());
  return match === null ? null : { sha256: match[1] as string, sizeBytes: Number(match[2]) };
}

export interface DeviceBenchmarkModel {
  /** Its path on the device. */
  path: string;
  /** What the run's runtime version says (benchmarkModelVersion). */
  version: string;
  /** The run's record of it (run.runtime.binary): where it came from, and its identity. */
  record: NonNullable<RunFile['runtime']['binary']>;
}

class AdbSession {
  private readonly pushed = new Map<string, string>();
  private binary: DeviceBenchmarkModel | undefined;

  constructor(readonly config: AdbTargetConfig, readonly facts: AdbDeviceFacts, private readonly signal?: AbortSignal) {}

  /** The benchmark_model on the device: the user's binary pushed once, or the preinstalled one; and its identity. */
  async benchmarkModel(): Promise<DeviceBenchmarkModel> {
    if (this.binary !== undefined) return this.binary;
    const call = { ...(this.signal ? { signal: this.signal } : {}) };
    if (this.config.benchmarkModel !== undefined) {
      const local = expandHome(this.config.benchmarkModel);
      await checkBinaryAbi(local, this.facts);
      const remote = `${DEVICE_DIR}/benchmark_model`;
      await adbShell(this.facts.serial, `mkdir -p ${DEVICE_DIR}`, { timeoutMs: 20_000, what: 'making the studio folder on the device', ...call });
      await adbPush(this.facts.serial, local, remote, { timeoutMs: PUSH_TIMEOUT_MS, what: 'pushing benchmark_model', ...call });
      await adbShell(this.facts.serial, `chmod 755 ${remote}`, { timeoutMs: 20_000, what: 'making benchmark_model executable', ...call });
      // The bytes pushed are the local file's (checkBinaryAbi read it just now).
      const data = await readFile(local);
      const identity = { sha256: createHash('sha256').update(data).digest('hex'), sizeBytes: data.length };
      this.binary = { path: remote, version: benchmarkModelVersion(identity), record: { source: 'pushed', path: resolve(local), ...identity } };
    } else {
      const found = await adbShell(this.facts.serial, `ls ${PREINSTALLED_BENCHMARK_MODEL}`, { timeoutMs: 20_000, what: 'looking for benchmark_model', ...call });
      if (found.code !== 0) {
        throw new StudioError(
          'BAD_INPUT',
          `${this.facts.model} has no benchmark_model at ${PREINSTALLED_BENCHMARK_MODEL}: give the target TFLite's benchmark_model for ${this.facts.abi} (the --benchmark-model flag, or the benchmark_model field on the Targets page), and the studio pushes it; nothing is downloaded.`,
          { target: this.facts.serial },
        );
      }
      const hashed = await adbShell(this.facts.serial, `sha256sum ${PREINSTALLED_BENCHMARK_MODEL} && wc -c < ${PREINSTALLED_BENCHMARK_MODEL}`, { timeoutMs: 60_000, what: 'hashing benchmark_model on the device', ...call });
      const identity = hashed.code === 0 ? parseBinaryIdentity(hashed.stdout) : null;
      this.binary = { path: PREINSTALLED_BENCHMARK_MODEL, version: benchmarkModelVersion(identity), record: { source: 'on-device', path: PREINSTALLED_BENCHMARK_MODEL, ...(identity ?? {}) } };
    }
    return this.binary;
  }

  /** The model's path on the device, pushed once per content. */
  async model(localPath: string): Promise<string> {
    const data = await readFile(localPath);
    const hash = createHash('sha256').update(data).digest('hex').slice(0, 16);
    const known = this.pushed.get(hash);
    if (known !== undefined) return known;
    const remote = `${DEVICE_DIR}/${hash}.tflite`;
    const call = { ...(this.signal ? { signal: this.signal } : {}) };
    await adbShell(this.facts.serial, `mkdir -p ${DEVICE_DIR}`, { timeoutMs: 20_000, what: 'making the studio folder on the device', ...call });
    await adbPush(this.facts.serial, localPath, remote, { timeoutMs: PUSH_TIMEOUT_MS, what: 'pushing the model', ...call });
    this.pushed.set(hash, remote);
    return remote;
  }
}

export const adbTargetKind: TargetKindModule<'adb'> = {
  async open(config: AdbTargetConfig, context: TargetContext) {
    const facts = await probeAdbDevice(config.serial, context.signal);
    // A cpus setting the device cannot honour is refused before any cell runs.
    cpuMask(config.cpus, facts.clusters, config.serial);
    if (facts.emulator) context.onLog?.('info', `${config.serial} is the EdgeBench adb emulator: its benchmark_model timings are modelled, not measured.`);
    const session = new AdbSession(config, facts, context.signal);
    return {
      target: {
        kind: 'adb',
        name: config.name,
        spec: targetSpecOf(config),
        // A CPU axis the device's clusters cannot meet (mid on two clusters) is refused before its first cell.
        checkCells: async (cells) => {
          for (const cell of cells) if (cell.cpus !== undefined) cpuMask(cell.cpus, facts.clusters, config.serial);
        },
        runCell: (job, opts) =>
          onePerDevice(facts.serial, async () => {
            const binary = await session.benchmarkModel();
            const remoteModel = await session.model(job.modelPath);
            return runAdbCell({ config, facts, binary: binary.path, binaryVersion: binary.version, binaryRecord: binary.record, remoteModel }, job, opts);
          }),
      },
      close: async () => undefined,
    };
  },

  async test(config: AdbTargetConfig, context: TargetContext): Promise<TargetTestResult> {
    try {
      const facts = await probeAdbDevice(config.serial, context.signal);
      const thermal = await readThermal(config.serial, context.signal);
      const tool = config.benchmarkModel !== undefined ? `${config.benchmarkModel} (pushed when a benchmark runs)` : (await adbShell(config.serial, `ls ${PREINSTALLED_BENCHMARK_MODEL}`, { timeoutMs: 20_000, what: 'looking for benchmark_model' })).code === 0 ? PREINSTALLED_BENCHMARK_MODEL : 'none: set the target\'s benchmark_model';
      const details: Record<string, string> = {
        model: `${facts.manufacturer ? `${facts.manufacturer} ` : ''}${facts.model}`,
        abi: facts.abis.join(', '),
        android: `${facts.androidRelease} (API ${facts.sdk})`,
        soc: facts.soc,
        clusters: describeClusters(facts.clusters) || 'unknown (no cpufreq)',
        thermal: describeThermal(thermal),
        benchmarkModel: tool,
        delegate: ADB_DELEGATE_LABELS[config.delegate],
        cpus: config.cpus,
      };
      if (facts.emulator) details.emulator = 'yes: the EdgeBench adb emulator; benchmark_model timings are modelled, not measured';
      const label = facts.emulator ? `${facts.model} (EMULATED)` : facts.model;
      return {
        ok: true,
        message: `Connected to ${label}: Android ${facts.androidRelease}, ${facts.abi}, ${facts.soc}, CPUs ${describeClusters(facts.clusters) || 'unknown'}; ${describeThermal(thermal)}.`,
        hardware: hardwareOf(facts),
        hostKey: null,
        details,
      };
    } catch (error) {
      if (!(error instanceof StudioError) || error.code === 'CANCELLED') throw error;
      return { ok: false, message: error.message, hardware: null, hostKey: null, details: {}, error: error.toData() };
    }
  },
};
