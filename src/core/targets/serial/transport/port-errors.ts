/**
 * One sentence per way a serial port fails, saying what to do. `context.port` names the port; the
 * typed detail (src/shared/error-details.ts) lets the UI react to its kind (a "list devices"
 * button, a reconnect) without parsing messages. A port that is there but cannot be used is a
 * TARGET error; a path that is no serial port, or a rate it refuses, is the user's input (exit 2).
 */
import type { PortErrorKind } from '../../../../shared/error-details';
import { StudioError, type ErrorDetail, type WordedMessage } from '../../../../shared/errors';
import { say, worded } from '../../../../shared/remedies';

export type { PortErrorKind } from '../../../../shared/error-details';

/** The kinds a port's open, read, write or close fails with; baud-not-found comes from baud detection, with its tries. */
type PortFailureKind = Exclude<PortErrorKind, 'baud-not-found'>;

export function portError(code: 'TARGET' | 'BAD_INPUT', kind: PortFailureKind, port: string, message: string | WordedMessage, reason?: string, fields: { baudRate?: number } = {}): StudioError {
  const detail = { kind, port, ...(reason ? { reason } : {}), ...fields } as Extract<ErrorDetail, { kind: PortFailureKind }>;
  return new StudioError(code, message, { port }, { detail });
}

function permissionAdvice(platform: NodeJS.Platform): string {
  if (platform === 'linux') return 'add your user to the dialout group: sudo usermod -aG dialout $USER, then log out and log in again';
  if (platform === 'win32') return 'close any program that holds it and run the studio as your own user, not another account';
  return 'check that your user may read and write the device file';
}

/**
 * Turns serialport's open error (a bare `Error` whose text comes from strerror in
 * @serialport/bindings-cpp, e.g. "Error Resource temporarily unavailable Cannot lock port")
 * into a sentence for the user.
 */
export function openError(port: string, baudRate: number, error: Error, platform: NodeJS.Platform = process.platform): StudioError {
  const detail = error.message;
  const text = detail.toLowerCase();
  if (text.includes('no such file') || text.includes('file not found') || text.includes('cannot find the file')) {
    return portError('BAD_INPUT', 'port-missing', port, worded`The serial port '${port}' does not exist: check the cable and the path (${say("'edgebench devices list'", 'the Devices page')} shows the ports this computer sees).`, detail);
  }
  if (text.includes('cannot lock port') || text.includes('resource busy') || text.includes('temporarily unavailable') || text.includes('access denied')) {
    return portError('TARGET', 'port-busy', port, `The serial port '${port}' is in use by another program: close it (a serial monitor?) and try again.`, detail);
  }
  if (text.includes('permission denied') || text.includes('operation not permitted')) {
    return portError('TARGET', 'port-permission', port, `You may not open the serial port '${port}': ${permissionAdvice(platform)}.`, detail);
  }
  // ENOTTY also comes with a baud-rate text (the rate is set with an ioctl), so it goes first.
  if (text.includes('inappropriate ioctl') || text.includes('not a typewriter')) {
    return portError('BAD_INPUT', 'port-not-serial', port, `'${port}' is not a serial port: give the path of a serial device such as /dev/ttyUSB0 or /dev/ttyACM0.`, detail);
  }
  if (text.includes('baud')) {
    return portError('BAD_INPUT', 'bad-baud', port, `The serial port '${port}' does not accept ${baudRate} baud: choose a standard rate such as 115200 or 921600.`, detail, { baudRate });
  }
  return portError('TARGET', 'port-failed', port, `The serial port '${port}' could not be opened (${detail}): check the cable and that no other program uses it.`, detail);
}

/** The port disappeared under us: the board was unplugged or re-enumerated, or the pseudo-terminal closed. */
export function vanishedError(port: string, detail?: string): StudioError {
  return portError(
    'TARGET',
    'port-vanished',
    port,
    `The serial port '${port}' vanished (the board was unplugged or reset into another USB mode, or the pseudo-terminal closed): reconnect the board and run again.`,
    detail,
  );
}
