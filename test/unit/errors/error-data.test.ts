import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { sshTargetKind } from '../../../src/core/targets/ssh/ssh-matrix-target';
import { connectError, connectionLost, sshError } from '../../../src/core/targets/ssh/ssh-errors';
import { openError, vanishedError } from '../../../src/core/targets/serial/transport/port-errors';
import { DEVICE_ERROR_KINDS, ErrorDetail, PORT_ERROR_KINDS, RUNTIME_ERROR_KINDS, SSH_ERROR_KINDS } from '../../../src/shared/error-details';
import { ErrorCode, ErrorData, StudioError, detailOf, toErrorData } from '../../../src/shared/errors';
import { messageFor } from '../../../src/shared/remedies';
import { closedPort } from '../../integration/ssh/sshd-fixture';

const board = { name: 'pi4-lab', host: '192.0.2.10', port: 22, user: 'pi' };

/** The fewest fields each kind needs, so every kind can be built (a new kind without an entry fails to compile). */
const SAMPLES: { [K in ErrorDetail['kind']]: Extract<ErrorDetail, { kind: K }> } = {
  'host-key-unknown': { kind: 'host-key-unknown', fingerprint: 'SHA256:abc', keyType: 'ssh-ed25519' },
  'host-key-changed': { kind: 'host-key-changed', fingerprint: 'SHA256:new', knownFingerprints: ['SHA256:old'], line: 3 },
  'host-key-revoked': { kind: 'host-key-revoked', fingerprint: 'SHA256:bad' },
  'auth-failed': { kind: 'auth-failed', reason: 'All configured authentication methods failed' },
  refused: { kind: 'refused' },
  unreachable: { kind: 'unreachable', reason: 'EHOSTUNREACH' },
  dns: { kind: 'dns' },
  timeout: { kind: 'timeout' },
  'connection-lost': { kind: 'connection-lost', reason: 'Keepalive timeout' },
  'exec-timeout': { kind: 'exec-timeout' },
  'transfer-failed': { kind: 'transfer-failed' },
  'no-runtime': { kind: 'no-runtime', format: 'tflite' },
  'port-missing': { kind: 'port-missing', port: '/dev/ttyUSB9' },
  'port-busy': { kind: 'port-busy', port: '/dev/ttyUSB0', reason: 'Cannot lock port' },
  'port-permission': { kind: 'port-permission', port: '/dev/ttyUSB0' },
  'port-not-serial': { kind: 'port-not-serial', port: '/tmp/file' },
  'bad-baud': { kind: 'bad-baud', port: '/dev/ttyUSB0', baudRate: 12345 },
  'port-vanished': { kind: 'port-vanished', port: '/dev/ttyACM0' },
  'port-timeout': { kind: 'port-timeout', port: '/dev/ttyACM0' },
  'port-failed': { kind: 'port-failed', port: '/dev/ttyACM0' },
  'port-closed': { kind: 'port-closed', port: '/dev/ttyACM0' },
  'baud-not-found': { kind: 'baud-not-found', port: '/dev/ttyACM0', tried: ['115200: no answer', '9600: no answer'] },
  'board-reset': { kind: 'board-reset', port: '/dev/ttyACM0', command: 'infer 10 1' },
  'no-answer': { kind: 'no-answer', port: '/dev/ttyACM0', command: 'name', heard: 'garbage' },
  'device-error': { kind: 'device-error', port: '/dev/ttyACM0', command: 'db load 10', refusal: 'Model arena too small' },
  'not-mlperf-tiny': { kind: 'not-mlperf-tiny', port: '/dev/ttyACM0' },
  'input-size': { kind: 'input-size', port: '/dev/ttyACM0', inputBytes: 4000, maxBytes: 3000 },
  'load-incomplete': { kind: 'load-incomplete', port: '/dev/ttyACM0' },
  'no-timestamps': { kind: 'no-timestamps', port: '/dev/ttyACM0' },
  'clock-stopped': { kind: 'clock-stopped', port: '/dev/ttyACM0' },
  'short-window': { kind: 'short-window', port: '/dev/ttyACM0' },
  'device-gone': { kind: 'device-gone', device: 'ESP32-S3 (303a:1001)' },
  'model-too-big': { kind: 'model-too-big', file: 'big.tflite' },
  'arena-too-small': { kind: 'arena-too-small', file: 'wide.tflite' },
};

/** As data crosses IPC, WebSocket or --json: serialized, parsed, back into an error. */
const overTheWire = (error: StudioError): StudioError => StudioError.fromData(ErrorData.parse(JSON.parse(JSON.stringify(error.toData()))));

describe('typed error data', () => {
  test('TARGET and DEVICE are codes; every code round-trips', () => {
    expect(ErrorCode.options).toEqual(expect.arrayContaining(['TARGET', 'DEVICE', 'RUNNER', 'BAD_INPUT']));
    for (const code of ErrorCode.options) {
      const back = overTheWire(new StudioError(code, `A ${code} error.`, { file: 'x' }));
      expect(back.code).toBe(code);
      expect(back.toData()).toEqual({ code, message: `A ${code} error.`, context: { file: 'x' } });
    }
  });

  test('every kind of every domain round-trips with its typed fields', () => {
    const kinds = [...SSH_ERROR_KINDS, ...PORT_ERROR_KINDS, ...DEVICE_ERROR_KINDS, ...RUNTIME_ERROR_KINDS];
    expect(new Set(kinds).size).toBe(kinds.length);
    expect(Object.keys(SAMPLES).sort()).toEqual([...kinds].sort());
    for (const detail of Object.values(SAMPLES)) {
      const back = overTheWire(new StudioError('DEVICE', 'The board misbehaved.', { port: 'p' }, { detail }));
      expect(back.detail).toEqual(ErrorDetail.parse(detail));
      expect(detailOf(back)).toEqual(back.detail);
    }
  });

  test('error data of the old shape (kind and its fields as strings in context) still parses, and its kind is read from it', () => {
    const old = (context: Record<string, string>) => ErrorData.parse({ code: 'RUNNER', message: 'Old.', context });
    expect(detailOf(old({ port: '/dev/ttyACM0', command: 'infer 10 1', kind: 'board-reset' }))).toEqual({ kind: 'board-reset', port: '/dev/ttyACM0', command: 'infer 10 1' });
    expect(detailOf(old({ kind: 'host-key-changed', fingerprint: 'SHA256:n', knownFingerprints: 'SHA256:a,SHA256:b', line: '4', host: 'h' }))).toEqual({
      kind: 'host-key-changed',
      fingerprint: 'SHA256:n',
      knownFingerprints: ['SHA256:a', 'SHA256:b'],
      line: 4,
    });
    expect(detailOf(old({ port: 'p', command: 'db', deviceError: 'e-[bad]', kind: 'device-error' }))).toEqual({ kind: 'device-error', port: 'p', command: 'db', refusal: 'e-[bad]' });
    expect(detailOf(old({ port: 'p', kind: 'input-size', inputBytes: '10', maxBytes: '8' }))).toEqual({ kind: 'input-size', port: 'p', inputBytes: 10, maxBytes: 8 });
    expect(detailOf(old({ port: 'p', kind: 'port-busy', detail: 'Cannot lock port' }))).toEqual({ kind: 'port-busy', port: 'p', reason: 'Cannot lock port' });
    // A kind this version does not know, or one missing a field it needs, is no detail: the message still shows.
    expect(detailOf(old({ kind: 'from-the-future' }))).toBeUndefined();
    expect(detailOf(old({ kind: 'board-reset' }))).toBeUndefined();
    expect(old({}).context).toEqual({});
    expect(ErrorData.parse({ code: 'RUNNER', message: 'No context at all.' })).toEqual({ code: 'RUNNER', message: 'No context at all.', context: {} });
    expect(StudioError.fromData(old({ port: 'p', kind: 'port-vanished' })).detail).toEqual({ kind: 'port-vanished', port: 'p' });
  });

  test('SSH failures are TARGET errors whose detail carries what the UI needs; context keeps where', () => {
    const refused = connectError(board, Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), { methods: 'the key', timeoutMs: 10_000 });
    expect(refused).toMatchObject({ code: 'TARGET', detail: { kind: 'refused', reason: 'connect ECONNREFUSED' }, context: { target: 'pi4-lab', host: '192.0.2.10', port: '22', user: 'pi' } });
    expect(refused.context.kind).toBeUndefined();
    expect(connectionLost(board, 'measuring', 'Keepalive timeout')).toMatchObject({ code: 'TARGET', detail: { kind: 'connection-lost', reason: 'Keepalive timeout' } });
    expect(sshError(board, { kind: 'host-key-unknown', fingerprint: 'SHA256:x' }, 'Unknown.').detail).toEqual({ kind: 'host-key-unknown', fingerprint: 'SHA256:x' });
  });

  test('serial port failures: TARGET when the port cannot be used, BAD_INPUT (exit 2) when the path or rate given is wrong', () => {
    expect(openError('/dev/ttyUSB0', 115200, new Error('Error Resource temporarily unavailable Cannot lock port'), 'linux')).toMatchObject({
      code: 'TARGET',
      context: { port: '/dev/ttyUSB0' },
      detail: { kind: 'port-busy', port: '/dev/ttyUSB0', reason: 'Error Resource temporarily unavailable Cannot lock port' },
    });
    expect(openError('/dev/ttyUSB9', 115200, new Error('Error: No such file or directory, cannot open /dev/ttyUSB9'))).toMatchObject({ code: 'BAD_INPUT', detail: { kind: 'port-missing' } });
    expect(openError('/dev/ttyUSB0', 12345, new Error('Error: Invalid "baudRate": 12345'))).toMatchObject({ code: 'BAD_INPUT', detail: { kind: 'bad-baud', baudRate: 12345 } });
    expect(vanishedError('/dev/ttyACM0')).toMatchObject({ code: 'TARGET', detail: { kind: 'port-vanished', port: '/dev/ttyACM0' } });
  });

  test('toErrorData of a plain Error is INTERNAL with no detail', () => {
    expect(toErrorData(new Error('boom'))).toEqual({ code: 'INTERNAL', message: 'Unexpected error: boom', context: {} });
  });
});

describe('a key file that cannot be read, from the engine', () => {
  let dir = '';
  afterAll(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  test('Test connection says it in the UI with the Key file field, and in the CLI with --identity', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'edgebench-keyfile-'));
    const missing = path.join(dir, 'no-such-key');
    const port = await closedPort();
    const result = await sshTargetKind.test(
      { kind: 'ssh', name: 'lab', host: '127.0.0.1', port, user: 'pi', auth: 'key', identityFile: missing },
      { knownHostsFile: path.join(dir, 'known_hosts') },
    );
    expect(result.ok).toBe(false);
    expect(result.error).toMatchObject({ code: 'FILE_NOT_FOUND', context: { file: missing } });
    const error = ErrorData.parse(JSON.parse(JSON.stringify(result.error)));
    expect(messageFor(error, 'cli')).toBe(`The key file '${missing}' cannot be read (ENOENT); check the path given to --identity.`);
    expect(result.message).toBe(messageFor(error, 'cli'));
    expect(messageFor(error, 'ui')).toBe(`The key file '${missing}' cannot be read (ENOENT); check the path given to the target's Key file field on the Targets page.`);
    expect(messageFor(error, 'ui')).not.toMatch(/--[a-z]/);
  });
});
