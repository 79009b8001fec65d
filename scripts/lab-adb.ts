/**
 * `npm run lab:adb`: the tests' Android device emulator for users who want to try the adb flow
 * without a phone. It starts the emulated device (an EMULATED Android device: its benchmark_model is
 * a labelled stand-in printing modelled timings), `adb connect`s it to the adb server this
 * computer's adb uses (ANDROID_ADB_SERVER_PORT, default 5037), writes the stand-in binary, and
 * prints the command to run. Ctrl+C disconnects it and stops.
 *
 * `--power rails` makes it a Tensor Pixel-like phone with an on-device power monitor (ODPM rails
 * in iio:device0/1 energy_value), `--power rails-denied` the same phone on a user build (energy_value
 * root's only), `--power battery` (the default) a phone with a battery only; every power figure is
 * SIMULATED, following the stand-in's runs, for trying `--energy android`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startAdbDeviceEmulator } from '../test/helpers/adb-device-emulator/device';
import { ADB_EMULATOR_PROFILES, adbEmulatorProfile, standInBenchmarkModel, type AdbEmulatorProfile } from '../test/helpers/adb-device-emulator/device-spec';

const run = promisify(execFile);

function powerProfile(args: readonly string[]): AdbEmulatorProfile {
  const at = args.findIndex((arg) => arg === '--power' || arg.startsWith('--power='));
  if (at < 0) return 'battery';
  const value = args[at]?.includes('=') ? args[at]?.slice('--power='.length) : args[at + 1];
  if (!(ADB_EMULATOR_PROFILES as readonly string[]).includes(value ?? '')) {
    console.error(`--power takes one of ${ADB_EMULATOR_PROFILES.join(', ')}, not '${value ?? ''}': npm run lab:adb -- --power rails.`);
    process.exit(2);
  }
  return value as AdbEmulatorProfile;
}

async function main(): Promise<void> {
  const power = powerProfile(process.argv.slice(2));
  const emulator = await startAdbDeviceEmulator(adbEmulatorProfile(power));
  const dir = mkdtempSync(path.join(tmpdir(), 'edgebench-lab-adb-'));
  const tool = path.join(dir, 'android_aarch64_benchmark_model.stand-in');
  writeFileSync(tool, standInBenchmarkModel('arm64-v8a'), { mode: 0o755 });
  try {
    const { stdout } = await run('adb', ['connect', emulator.serial], { timeout: 20_000 });
    process.stdout.write(stdout);
  } catch (error) {
    await emulator.close();
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    console.error(missing ? 'adb is not installed: install it (Debian: apt install adb), then run npm run lab:adb again.' : `adb connect ${emulator.serial} failed: ${(error as Error).message}`);
    process.exit(1);
  }
  console.log(
    [
      `EdgeBench adb emulator on ${emulator.serial}: an EMULATED Android device, not a phone; its benchmark_model is a labelled stand-in whose timings are modelled, not measured.`,
      `Stand-in benchmark_model (arm64-v8a ELF header): ${tool}`,
      `Power (SIMULATED, following the stand-in's runs): ${{ battery: 'a battery only (current_now, voltage_now)', rails: 'ODPM rails in /sys/bus/iio/devices/iio:device0 and iio:device1, and a battery', 'rails-denied': 'ODPM rails that adb\'s shell may not read (a user build), and a battery' }[power]}`,
      'Try:',
      `  edgebench targets probe adb://${emulator.serial}`,
      `  edgebench bench resources/models/demo-mnist.tflite --target 'adb://${emulator.serial}?cpus=big' --benchmark-model ${tool}${power === 'battery' ? '' : ' --energy android'}`,
      'or add it on the Devices page (Look for devices). Ctrl+C stops it.',
    ].join('\n'),
  );
  const stop = async (): Promise<void> => {
    await run('adb', ['disconnect', emulator.serial], { timeout: 10_000 }).catch(() => undefined);
    await emulator.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

void main();
