/** The Devices page's list of Android devices: `adb devices -l`, or one sentence saying why adb could not be asked. */
import type { AdbDeviceListing } from '../../../shared/contract';
import { StudioError } from '../../../shared/errors';
import { runAdb } from './adb-client';
import { parseAdbDevices } from './adb-parse';

export async function listAdbDevices(): Promise<AdbDeviceListing> {
  try {
    const result = await runAdb(['devices', '-l'], { timeoutMs: 20_000, what: 'listing devices' });
    if (result.code !== 0) return { problem: `adb could not list devices: ${(result.stderr || result.stdout).trim().split('\n').at(-1) ?? 'no reason given'}.`, devices: [] };
    return { problem: null, devices: parseAdbDevices(result.stdout).map((d) => ({ serial: d.serial, state: d.state, model: d.model ?? null })) };
  } catch (error) {
    if (error instanceof StudioError) return { problem: error.message, devices: [] };
    throw error;
  }
}
