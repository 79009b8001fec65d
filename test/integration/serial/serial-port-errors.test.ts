/** What a user reads when a serial port cannot be used, on real pseudo-terminals (socat). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { openError } from '../../../src/core/targets/serial/transport/port-errors';
import { startPtyPair, type PtyPair } from '../../../src/core/targets/serial/transport/pty-pair';
import { openSerialPortTransport, type SerialPortTransport } from '../../../src/core/targets/serial/transport/serialport-transport';
import { StudioError } from '../../../src/shared/errors';

let pty: PtyPair | undefined;
const open: SerialPortTransport[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close().catch(() => undefined)));
  await pty?.stop();
  pty = undefined;
});

async function openError_(path: string, baudRate = 115200): Promise<StudioError> {
  const error = await openSerialPortTransport({ path, baudRate }).then(
    (t) => {
      open.push(t);
      throw new Error(`opening ${path} should have failed`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StudioError);
  return error as StudioError;
}

describe('serial port errors', () => {
  test('a port another program holds is "in use by another program"', async () => {
    pty = await startPtyPair();
    open.push(await openSerialPortTransport({ path: pty.hostPath, baudRate: 115200 }));
    const error = await openError_(pty.hostPath);
    expect(error.message).toBe(`The serial port '${pty.hostPath}' is in use by another program: close it (a serial monitor?) and try again.`);
    expect(error.code).toBe('TARGET');
    expect(error.context).toMatchObject({ port: pty.hostPath });
    expect(error.detail).toMatchObject({ kind: 'port-busy', port: pty.hostPath });
  });

  test('a port that does not exist says so and points to the device list', async () => {
    const error = await openError_('/dev/ttyEDGEBENCH_NONE');
    expect(error.message).toBe(
      "The serial port '/dev/ttyEDGEBENCH_NONE' does not exist: check the cable and the path ('edgebench devices list' shows the ports this computer sees).",
    );
    expect(error.code).toBe('BAD_INPUT');
    expect(error.context.port).toBe('/dev/ttyEDGEBENCH_NONE');
  });

  test('a plain file is not a serial port', async () => {
    pty = await startPtyPair();
    const file = join(pty.hostPath, '..', 'not-a-port.txt');
    writeFileSync(file, 'x');
    const error = await openError_(file);
    expect(error.message).toBe(`'${file}' is not a serial port: give the path of a serial device such as /dev/ttyUSB0 or /dev/ttyACM0.`);
  });

  test('permission denied on Linux says to join the dialout group', () => {
    // Root opens any tty, so the OS error is given as serialport reports it.
    const error = openError('/dev/ttyUSB0', 115200, new Error('Error: Permission denied, cannot open /dev/ttyUSB0'), 'linux');
    expect(error.message).toBe(
      "You may not open the serial port '/dev/ttyUSB0': add your user to the dialout group: sudo usermod -aG dialout $USER, then log out and log in again.",
    );
    expect(error.context).toMatchObject({ port: '/dev/ttyUSB0' });
    expect(error.detail).toMatchObject({ kind: 'port-permission', port: '/dev/ttyUSB0' });
  });

  test('closing our own port reports no error; the peer sees bytes both ways', async () => {
    pty = await startPtyPair();
    const a = await openSerialPortTransport({ path: pty.hostPath, baudRate: 921600 });
    const b = await openSerialPortTransport({ path: pty.devicePath, baudRate: 921600 });
    open.push(b);
    const received = new Promise<string>((resolve) => b.onData((bytes) => resolve(new TextDecoder().decode(bytes))));
    await a.write(new TextEncoder().encode('ping'));
    expect(await received).toBe('ping');
    const reasons: Array<Error | undefined> = [];
    a.onClose((reason) => reasons.push(reason));
    await a.close();
    expect(reasons).toEqual([undefined]);
    await expect(a.write(new Uint8Array([1]))).rejects.toThrow(`The serial port '${pty.hostPath}' is closed: open it again before writing.`);
  });
});
