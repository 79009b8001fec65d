/**
 * Debian's real adb server for one test file, on a port of its own (so it never meets a user's
 * server on 5037 or another test file's), with emulated devices attached by `adb connect`.
 * `stop()` kills the server; call it in afterAll.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll } from 'vitest';
import { standInBenchmarkModel, type EmulatedDeviceSpec } from './adb-device-emulator/device-spec';
import { startAdbDeviceEmulator, type RunningEmulator } from './adb-device-emulator/device';

const run = promisify(execFile);

export interface AdbLab {
  /** ANDROID_ADB_SERVER_PORT for every adb (and studio) process of the test. */
  env: Record<string, string>;
  adb(args: string[]): Promise<{ stdout: string; stderr: string }>;
  /** Starts an emulated device and connects the server to it; resolves once adb lists it (as device, or unauthorized). */
  attach(spec?: Partial<EmulatedDeviceSpec>): Promise<RunningEmulator>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startAdbLab(): Promise<AdbLab> {
  const port = await freePort();
  const env = { ANDROID_ADB_SERVER_PORT: String(port) };
  const emulators: RunningEmulator[] = [];
  const adb = async (args: string[]): Promise<{ stdout: string; stderr: string }> => {
    try {
      return await run('adb', args, { env: { ...process.env, ...env }, timeout: 20_000 });
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string };
      return { stdout: failed.stdout ?? '', stderr: failed.stderr ?? String(error) };
    }
  };
  try {
    await run('adb', ['start-server'], { env: { ...process.env, ...env }, timeout: 20_000 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error("adb is not installed, and the Android tests run Debian's adb client and server: install it (apt-get install adb).", { cause: error });
    throw error;
  }
  return {
    env,
    adb,
    async attach(spec) {
      const emulator = await startAdbDeviceEmulator(spec);
      emulators.push(emulator);
      await adb(['connect', emulator.serial]);
      const wanted = spec?.unauthorized ? 'unauthorized' : 'device';
      for (let attempt = 0; attempt < 100; attempt++) {
        const { stdout } = await adb(['devices']);
        if (new RegExp(`^${emulator.serial.replace(/\./g, '\\.')}\\s+${wanted}$`, 'm').test(stdout)) return emulator;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`adb did not list ${emulator.serial} as ${wanted}: ${(await adb(['devices'])).stdout}`);
    },
    async stop() {
      await adb(['kill-server']);
      await Promise.all(emulators.map((emulator) => emulator.close()));
    },
  };
}

export interface AdbBenchLab {
  /** The file's adb server; usable inside tests. */
  readonly lab: AdbLab;
  /** A scratch folder for run files, removed after the file. */
  readonly dir: string;
  /** The labelled stand-in benchmark_model for arm64-v8a, as `--benchmark-model` takes it. */
  readonly tool: string;
}

/** One adb server for a test file, with a scratch folder holding the arm64 stand-in benchmark_model: started before its tests, stopped after. */
export function useAdbBenchLab(prefix: string): AdbBenchLab {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const tool = path.join(dir, 'android_aarch64_benchmark_model');
  writeFileSync(tool, standInBenchmarkModel('arm64-v8a'));
  let lab: AdbLab | undefined;
  beforeAll(async () => {
    lab = await startAdbLab();
  });
  afterAll(async () => {
    await lab?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    get lab() {
      if (lab === undefined) throw new Error('The adb lab is used before beforeAll started it.');
      return lab;
    },
    dir,
    tool,
  };
}
