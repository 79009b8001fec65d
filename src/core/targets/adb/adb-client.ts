/**
 * Debian's (or the Android SDK's) `adb` client, run as a child process: the studio never speaks
 * adb's protocol itself, so pairing, USB permissions and the server are adb's own. The server is
 * the one adb finds (ANDROID_ADB_SERVER_PORT / ADB_SERVER_SOCKET, default port 5037); the binary
 * is `adb` on the PATH, or EDGEBENCH_ADB. Failures adb reports about the device (unauthorized,
 * offline, not found) become one sentence each that says what to do.
 */
import { spawn } from 'node:child_process';
import { StudioError } from '../../../shared/errors';

export interface AdbResult {
  stdout: string;
  stderr: string;
  /** adb's exit status: for `adb shell` on a device with shell protocol v2, the command's own. */
  code: number;
}

export interface AdbCallOptions {
  timeoutMs: number;
  /** What the call is for, in messages ("reading the device's properties"). */
  what: string;
  signal?: AbortSignal;
}

/** The adb binary: EDGEBENCH_ADB, else `adb` from the PATH. */
export function adbBinary(env: NodeJS.ProcessEnv = process.env): string {
  return env.EDGEBENCH_ADB !== undefined && env.EDGEBENCH_ADB !== '' ? env.EDGEBENCH_ADB : 'adb';
}

/** Runs `adb ARGS`; rejects on a missing binary, a timeout or a cancel, never on a non-zero exit. */
export function runAdb(args: readonly string[], options: AdbCallOptions): Promise<AdbResult> {
  const binary = adbBinary();
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(new StudioError('CANCELLED', 'The benchmark was cancelled.'));
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let settled = false;
    const finish = (outcome: { result?: AdbResult; error?: StudioError }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (outcome.error !== undefined) reject(outcome.error);
      else resolve(outcome.result as AdbResult);
    };
    const onAbort = (): void => {
      child.kill('SIGKILL');
      finish({ error: new StudioError('CANCELLED', 'The benchmark was cancelled.') });
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish({ error: new StudioError('TARGET', `adb did not finish ${options.what} within ${Math.round(options.timeoutMs / 1000)} s; check the device answers \`adb devices\`, then run again.`, { what: options.what }) });
    }, options.timeoutMs);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      const message =
        error.code === 'ENOENT'
          ? `adb is not installed here ('${binary}' was not found): install Debian's adb package (apt install adb) or Android's platform-tools, or set EDGEBENCH_ADB to the adb binary.`
          : `adb ('${binary}') could not be started: ${error.message}.`;
      finish({ error: new StudioError('TARGET', message, { binary }) });
    });
    child.on('close', (code) => finish({ result: { stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'), code: code ?? 255 } }));
  });
}

/**
 * The device-state failure adb reported, as one sentence (undefined when the output is not one):
 * "error: device unauthorized.", "error: device offline", "error: device 'X' not found", "error: closed".
 */
export function deviceStateError(serial: string, result: AdbResult): StudioError | undefined {
  const text = `${result.stderr}\n${result.stdout}`;
  const error = (message: string, state: string): StudioError => new StudioError('TARGET', message, { target: serial, state });
  // adb 29 says "still authorizing" until the device answers the host's key, then "unauthorized".
  if (/error: device (unauthorized|still authorizing)/.test(text)) {
    return error(`The Android device ${serial} is unauthorized: unlock it, accept the "Allow USB debugging?" prompt (tick "Always allow from this computer"), then run again.`, 'unauthorized');
  }
  if (/error: device offline/.test(text)) {
    return error(`The Android device ${serial} is offline: reconnect its cable (or run adb connect ${serial} again for a network device), check \`adb devices\` says "device", then run again.`, 'offline');
  }
  if (/error: device '.*' not found|error: no devices(\/emulators)? found/.test(text)) {
    return error(`No Android device ${serial} is attached to adb: check \`adb devices\` lists it (for a device on the network, run adb connect ${serial} first), then run again.`, 'not-found');
  }
  if (/^error: (closed|protocol fault)/m.test(text)) {
    return error(`The Android device ${serial} closed the connection: it disconnected or restarted; reconnect it, check \`adb devices\`, then run again.`, 'gone');
  }
  if (/no permissions/.test(text)) {
    return error(`adb has no permission to open the USB device ${serial}: add a udev rule for it (Debian's android-sdk-platform-tools-common package has one) and replug it.`, 'no-permissions');
  }
  return undefined;
}

/** `adb -s SERIAL shell COMMAND`, rejecting with the device's state when adb could not reach it. */
export async function adbShell(serial: string, command: string, options: AdbCallOptions): Promise<AdbResult> {
  const result = await runAdb(['-s', serial, 'shell', command], options);
  const stateError = result.code !== 0 ? deviceStateError(serial, result) : undefined;
  if (stateError !== undefined) throw stateError;
  return result;
}

/** `adb -s SERIAL push LOCAL REMOTE` (the sync service's SEND). */
export async function adbPush(serial: string, local: string, remote: string, options: AdbCallOptions): Promise<void> {
  const result = await runAdb(['-s', serial, 'push', local, remote], options);
  if (result.code === 0) return;
  throw deviceStateError(serial, result) ?? new StudioError('TARGET', `adb could not push ${local} to ${serial}:${remote}: ${(result.stderr || result.stdout).trim().split('\n').at(-1) ?? 'no reason given'}.`, { target: serial });
}

/** `adb -s SERIAL get-state`: "device" when it can be used; rejects with what to do otherwise. */
export async function requireDevice(serial: string, options: AdbCallOptions): Promise<void> {
  const result = await runAdb(['-s', serial, 'get-state'], options);
  if (result.code === 0 && result.stdout.trim() === 'device') return;
  throw deviceStateError(serial, result) ?? new StudioError('TARGET', `The Android device ${serial} is not ready (adb says: ${(result.stderr || result.stdout).trim() || 'nothing'}); check \`adb devices\`, then run again.`, { target: serial });
}
