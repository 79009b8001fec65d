/**
 * Writes test/fixtures/serial-vectors/frames.txt, the frames both the g++ tests of the firmware
 * core and the TypeScript tests check byte for byte. Run after a deliberate protocol change:
 *   npx tsx test/unit/serial/write-vectors.ts
 * crc32.txt and cobs.txt are written by hand from published check values (see their headers).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cobsDecode, cobsEncode } from '../../../src/core/targets/serial/edgebench-protocol/cobs';
import { encodeFrame, FrameDecoder, MsgType, UNKNOWN_SEQ } from '../../../src/core/targets/serial/edgebench-protocol/frame';
import * as m from '../../../src/core/targets/serial/edgebench-protocol/messages';
import { hex, renderMessage } from './render';

const esp32s3Facts: m.DeviceFacts = {
  protocolVersion: 1, simulated: false, cores: 2, cpuMHz: 240, maxChunkBytes: 4096, maxRunsPerRequest: 1000,
  flashBytes: 16 * 1024 * 1024, psramBytes: 8 * 1024 * 1024, arenaCapacityBytes: 256 * 1024, modelCapacityBytes: 4 * 1024 * 1024,
  chipModel: 'ESP32-S3 rev 0.2', idfVersion: 'v5.3.1', tflmVersion: 'esp-tflite-micro 1.3.2', firmwareVersion: 'edgebench-fw 1.0.0',
};
const loaded: m.LoadedInfo = {
  arenaUsedBytes: 9984, arenaCapacityBytes: 262144, modelBytes: 37952, operators: 4, opKinds: ['CONV_2D', 'RESHAPE', 'FULLY_CONNECTED'],
  inputs: [{ dtype: 0, shape: [1, 28, 28, 1], sizeBytes: 3136 }], outputs: [{ dtype: 0, shape: [1, 10], sizeBytes: 40 }],
};
// The demo's four operators over 20 profiled runs, in microsecond ticks.
const opTicks: m.OpTicks[] = [
  { index: 0, name: 'CONV_2D', ticks: 5120 },
  { index: 1, name: 'CONV_2D', ticks: 17840 },
  { index: 2, name: 'RESHAPE', ticks: 60 },
  { index: 3, name: 'FULLY_CONNECTED', ticks: 1380 },
];
// Zeros and a 300-byte run without zeros exercise COBS's group codes, including a full 0xFF group.
const stress = Uint8Array.from({ length: 300 }, (_, i) => (i < 4 ? 0 : (i % 255) + 1));
const sha = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff);

const frames: Array<[name: string, type: number, seq: number, payload: Uint8Array, version?: number]> = [
  ['hello', MsgType.HELLO, 1, m.encodeHello(1)],
  ['hello-ack-esp32s3', MsgType.HELLO_ACK, 1, m.encodeHelloAck(esp32s3Facts)],
  ['model-begin', MsgType.MODEL_BEGIN, 2, m.encodeModelBegin(37952, sha)],
  ['model-chunk-small', MsgType.MODEL_CHUNK, 3, m.encodeModelChunk(0, Uint8Array.of(0x1c, 0, 0, 0, 0x54, 0x46, 0x4c, 0x33))],
  ['model-chunk-stress', MsgType.MODEL_CHUNK, 4, m.encodeModelChunk(4096, stress)],
  ['model-end', MsgType.MODEL_END, 5, new Uint8Array(0)],
  ['input', MsgType.INPUT, 6, m.encodeInput(0, 8, Uint8Array.of(0, 0, 0x80, 0x3f))],
  ['run', MsgType.RUN, 7, m.encodeRun(5, 20)],
  ['read-output', MsgType.READ_OUTPUT, 8, m.encodeReadOutput(0, 0, 4096)],
  ['ack', MsgType.ACK, 3, m.encodeAck(8)],
  ['nak-bad-frame', MsgType.NAK, UNKNOWN_SEQ, m.encodeNak(m.NakReason.BAD_FRAME, 4096)],
  ['nak-wrong-offset', MsgType.NAK, 4, m.encodeNak(m.NakReason.WRONG_OFFSET, 8192)],
  ['loaded', MsgType.LOADED, 5, m.encodeLoaded(loaded)],
  ['progress', MsgType.PROGRESS, 7, m.encodeProgress(1, 10, 20)],
  ['result', MsgType.RESULT, 7, m.encodeResult({ simulated: false, totalRuns: 3, first: 0, freeHeapBytes: 201216, minFreeHeapBytes: 198144, latenciesUs: [1203, 1187, 1250] })],
  ['output', MsgType.OUTPUT, 8, m.encodeOutput(0, 0, 8, Uint8Array.of(0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0))],
  ['log', MsgType.LOG, UNKNOWN_SEQ, m.encodeLog('arena: 9984 of 262144 bytes used')],
  ['error-unsupported-op', MsgType.ERROR, 5, m.encodeError(m.DeviceErrorCode.UNSUPPORTED_OP, "The model uses op 'SIN', which the firmware's op resolver lacks; replace it in the model or add it to main/op_resolver.cpp and reflash.")],
  // v2: the host offers 2; v1 firmware refuses the frame by its header (the host then says HELLO {1}); v2 firmware agrees.
  ['hello-v2', MsgType.HELLO, 1, m.encodeHello(2), 2],
  ['error-version-from-v1-board', MsgType.ERROR, 1, m.encodeError(m.DeviceErrorCode.PROTOCOL_VERSION, 'The host sent protocol version 2 but this firmware speaks version 1; update the studio or reflash the firmware.')],
  ['hello-ack-v2', MsgType.HELLO_ACK, 1, m.encodeHelloAck({ ...esp32s3Facts, protocolVersion: 2, firmwareVersion: 'edgebench-fw 2.0.0' }), 2],
  ['profile', MsgType.PROFILE, 9, m.encodeProfile(20), 2],
  ['progress-profiled', MsgType.PROGRESS, 9, m.encodeProgress(m.ProgressPhase.PROFILED, 20, 20), 2],
  ['op-profile', MsgType.OP_PROFILE, 9, m.encodeOpProfile({ simulated: false, ticksPerSecond: 1_000_000, runs: 20, totalOps: 4, first: 0, ops: opTicks }), 2],
  ['op-profile-long-sum', MsgType.OP_PROFILE, 9, m.encodeOpProfile({ simulated: true, ticksPerSecond: 240_000_000, runs: 1000, totalOps: 5, first: 4, ops: [{ index: 4, name: 'DEPTHWISE_CONV_2D', ticks: 6_000_000_123 }] }), 2],
];

const lines = [
  '# EdgeBench serial protocol v1 and v2 test vectors (written by test/unit/serial/write-vectors.ts).',
  '# Blocks: "frame NAME" with the header version, type, seq, payload (hex), wire (hex, delimiters included) and the',
  '# decoded fields in the canonical rendering of test/unit/serial/render.ts; "invalid NAME" with',
  '# wire bytes that must not decode and the decoder\'s reason. Checked by test/firmware (g++) and',
  '# test/unit/serial (TypeScript).',
  '',
];
for (const [name, type, seq, payload, version = 1] of frames) {
  lines.push(`frame ${name}`, `version ${version}`, `type 0x${type.toString(16).padStart(2, '0')}`, `seq ${seq}`, `payload ${hex(payload) || '-'}`, `wire ${hex(encodeFrame(type, seq, payload, version))}`, `decoded ${renderMessage(type, payload)}`, '');
}
const hello = encodeFrame(MsgType.HELLO, 1, m.encodeHello(1), 1);
const flipped = hello.slice();
flipped[4] = (flipped[4] as number) ^ 0x02; // a seq bit: still no 0x00 inside, so only the CRC can tell
// An ACK whose last two CRC bytes were lost before it was stuffed: valid COBS, wrong length.
const ackRaw = cobsDecode(encodeFrame(MsgType.ACK, 3, m.encodeAck(8), 1).subarray(1, -1)) as Uint8Array;
const truncated = Uint8Array.of(0, ...cobsEncode(ackRaw.subarray(0, ackRaw.length - 2)), 0);
const invalid: Array<[string, Uint8Array, string]> = [
  ['hello-bit-flipped', flipped, 'CRC-32 mismatch'],
  ['ack-truncated', truncated, 'length field does not match the frame size'],
  ['boot-log', Uint8Array.of(...Buffer.from('ESP-ROM:esp32s3-20210327\r\n'), 0), 'not valid COBS'],
  ['too-short', Uint8Array.of(0, 0x03, 0x11, 0x22, 0), 'shorter than a frame header and CRC'],
  ['cobs-group-past-end', Uint8Array.of(0, 0x05, 0x01, 0x02, 0), 'not valid COBS'],
];
for (const [name, wire, reason] of invalid) {
  const pieces = new FrameDecoder().push(wire);
  const got = pieces.length === 1 && pieces[0]?.kind === 'invalid' ? pieces[0].reason : 'something else';
  if (got !== reason) throw new Error(`Vector '${name}' decodes as ${got}, not '${reason}'.`);
  lines.push(`invalid ${name}`, `wire ${hex(wire)}`, `reason ${reason}`, '');
}
writeFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'serial-vectors', 'frames.txt'), lines.join('\n'));
