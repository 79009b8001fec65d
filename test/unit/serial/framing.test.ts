/**
 * The TypeScript twin against the shared vectors (the g++ tests check the C++ core against the
 * same bytes): CRC-32, COBS, frame bytes, decoded fields, damaged frames, and the payload
 * efficiency promised in docs/serial-protocol.md.
 */
import { describe, expect, test } from 'vitest';
import { cobsDecode, cobsEncode } from '../../../src/core/targets/serial/edgebench-protocol/cobs';
import { crc32 } from '../../../src/core/targets/serial/edgebench-protocol/crc32';
import { encodeFrame, FrameDecoder, MsgType } from '../../../src/core/targets/serial/edgebench-protocol/frame';
import * as m from '../../../src/core/targets/serial/edgebench-protocol/messages';
import { StudioError } from '../../../src/shared/errors';
import { hex, renderMessage } from './render';
import { frameVectors, invalidVectors, pairVectors, parseHex } from './vectors';

describe('CRC-32 and COBS', () => {
  test.each(pairVectors('crc32.txt'))('crc32 of $input.length bytes is $expected', ({ input, expected }) => {
    expect(crc32(input).toString(16).padStart(8, '0')).toBe(expected);
  });

  test('crc32 continues across pieces like zlib.crc32(data, previous)', () => {
    const data = Buffer.from('123456789');
    expect(crc32(data.subarray(4), crc32(data.subarray(0, 4)))).toBe(0xcbf43926);
  });

  test.each(pairVectors('cobs.txt'))('COBS of $input.length bytes round-trips to its canonical encoding', ({ input, expected }) => {
    const encoded = parseHex(expected);
    expect(hex(cobsEncode(input))).toBe(hex(encoded));
    expect(hex(cobsDecode(encoded) as Uint8Array)).toBe(hex(input));
  });
});

describe('frames.txt', () => {
  test.each(frameVectors())('$name: encodes to the same wire bytes and decodes to the same fields', (v) => {
    expect(hex(encodeFrame(v.type, v.seq, v.payload, v.version))).toBe(hex(v.wire));
    const chunks = new FrameDecoder().push(v.wire);
    expect(chunks).toHaveLength(1);
    const chunk = chunks[0];
    if (chunk?.kind !== 'frame') throw new Error(`'${v.name}' did not decode`);
    expect({ version: chunk.frame.version, type: chunk.frame.type, seq: chunk.frame.seq, payload: hex(chunk.frame.payload) }).toEqual({ version: v.version, type: v.type, seq: v.seq, payload: hex(v.payload) });
    expect(renderMessage(chunk.frame.type, chunk.frame.payload)).toBe(v.decoded);
  });

  test.each(invalidVectors())('$name is refused: $reason', (v) => {
    const chunks = new FrameDecoder().push(v.wire);
    expect(chunks).toEqual([{ kind: 'invalid', bytes: expect.any(Uint8Array), reason: v.reason }]);
  });

  test('a boot log, then a frame split across reads: the log is kept and the frame decodes', () => {
    const decoder = new FrameDecoder();
    const hello = frameVectors()[0]?.wire as Uint8Array;
    const stream = Uint8Array.of(...Buffer.from('rst:0x1 (POWERON),boot:0x8\r\nI (31) boot: ESP-IDF v5.3.1\r\n'), ...hello);
    const chunks = [...decoder.push(stream.subarray(0, 40)), ...decoder.push(stream.subarray(40))];
    expect(chunks.map((c) => c.kind)).toEqual(['invalid', 'frame']);
    expect(Buffer.from(chunks[0]?.kind === 'invalid' ? chunks[0].bytes : []).toString()).toContain('ESP-IDF v5.3.1');
  });
});

describe('payloads', () => {
  test('a payload too short for its fields is a StudioError naming the message', () => {
    expect(() => m.decodeRun(Uint8Array.of(1, 0, 5))).toThrow(StudioError);
    expect(() => m.decodeRun(Uint8Array.of(1, 0, 5))).toThrow(/RUN payload is 3 bytes/);
    expect(() => m.decodeAck(Uint8Array.of(1, 0, 0, 0, 9))).toThrow(/1 bytes after its fields/);
  });

  test('a full 4 KiB chunk puts at least 85% payload on the wire (about 99%)', () => {
    const data = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7) & 0xff);
    const wire = encodeFrame(MsgType.MODEL_CHUNK, 1, m.encodeModelChunk(0, data));
    // docs/serial-protocol.md: at most 1 + 4112 + ceil(4112 / 254) + 1 = 4131 bytes.
    expect(wire.length).toBeLessThanOrEqual(4131);
    expect(data.length / wire.length).toBeGreaterThan(0.99);
  });
});
