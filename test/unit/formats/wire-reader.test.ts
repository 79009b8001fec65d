import { describe, expect, it } from 'vitest';
import { WireReader, WireType } from '../../../src/core/formats/protobuf/wire-reader';
import { ProtoWriter } from '../../../src/core/formats/protobuf/wire-writer';
import { StudioError } from '../../../src/shared/errors';

const source = { fileName: 'x.onnx', formatLabel: 'ONNX model' };
const reader = (bytes: Uint8Array): WireReader => new WireReader(bytes, source);

describe('protobuf wire reader', () => {
  it.each([
    { value: 0, bytes: [0x00] },
    { value: 300, bytes: [0xac, 0x02] },
    { value: 2 ** 31, bytes: [0x80, 0x80, 0x80, 0x80, 0x08] },
    { value: 2 ** 53 - 1, bytes: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f] },
    { value: -1, bytes: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01] },
    { value: -2, bytes: [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01] },
  ])('decodes int64 varint $value', ({ value, bytes }) => {
    const r = reader(new Uint8Array(bytes));
    expect(r.int64()).toBe(value);
    expect(r.more()).toBe(false);
  });

  it('decodes uint64 beyond 2^53 exactly as a bigint', () => {
    const bytes = new ProtoWriter().rawVarint(0xfedcba9876543210n).finish();
    expect(reader(bytes).uint64Big()).toBe(0xfedcba9876543210n);
  });

  it('reads tags, fixed32/64, floats, strings and nested messages', () => {
    const bytes = new ProtoWriter()
      .float(1, 1.5)
      .double(2, -2.25)
      .string(3, 'héllo')
      .message(4, new ProtoWriter().varint(1, 7))
      .finish();
    const r = reader(bytes);
    const seen: unknown[] = [];
    while (r.more()) {
      const { field, wireType } = r.tag();
      if (field === 1) seen.push(r.float());
      else if (field === 2) seen.push(r.double());
      else if (field === 3) seen.push(r.string());
      else if (field === 4) {
        const sub = r.message();
        sub.tag();
        seen.push(sub.int64());
      } else r.skip(wireType);
    }
    expect(seen).toEqual([1.5, -2.25, 'héllo', 7]);
  });

  it('returns length-delimited fields as views of the same buffer (no copy)', () => {
    const payload = new Uint8Array(1000).fill(9);
    const bytes = new ProtoWriter().bytes(9, payload).finish();
    const r = reader(bytes);
    r.tag();
    const view = r.bytesView();
    expect(view.buffer).toBe(bytes.buffer);
    expect(view.byteLength).toBe(1000);
  });

  it('reads packed and unpacked repeated int64 and float fields', () => {
    const bytes = new ProtoWriter().packedVarint(1, [1, -1, 300]).varint(1, 5).packedFloat(2, [0.5, 2]).float(2, 3).finish();
    const r = reader(bytes);
    const ints: number[] = [];
    const floats: number[] = [];
    while (r.more()) {
      const { field, wireType } = r.tag();
      if (field === 1) r.repeatedInt64(wireType, ints);
      else r.repeatedFloat(wireType, floats);
    }
    expect(ints).toEqual([1, -1, 300, 5]);
    expect(floats).toEqual([0.5, 2, 3]);
  });

  it('skips every wire type, including deprecated groups', () => {
    // field 1 START_GROUP { field 2 varint 1 } END_GROUP, then field 3 fixed64, field 4 fixed32, field 5 varint 42.
    const bytes = new Uint8Array([0x0b, 0x10, 0x01, 0x0c, 0x19, 1, 2, 3, 4, 5, 6, 7, 8, 0x25, 1, 2, 3, 4, 0x28, 42]);
    const r = reader(bytes);
    for (let i = 0; i < 3; i += 1) r.skip(r.tag().wireType);
    expect(r.tag()).toEqual({ field: 5, wireType: WireType.VARINT });
    expect(r.int64()).toBe(42);
  });

  it.each([
    { name: 'a varint cut short', bytes: [0x08, 0x80], pattern: /truncated at byte 2 of 3/ },
    { name: 'a length past the end', bytes: [0x0a, 0x10, 0x41], pattern: /truncated at byte 3 of 18/ },
    { name: 'a fixed64 cut short', bytes: [0x09, 1, 2, 3], pattern: /truncated at byte 4 of 9/ },
    { name: 'field number 0', bytes: [0x00, 0x01], pattern: /field tag 0 is not valid protobuf \(at byte 0\)/ },
    { name: 'wire type 7', bytes: [0x0f], pattern: /field tag 15 is not valid protobuf/ },
    { name: 'an 11-byte varint', bytes: [0x08, ...new Array(11).fill(0xff)], pattern: /varint is longer than 10 bytes/ },
    { name: 'an unterminated group', bytes: [0x0b, 0x10, 0x01], pattern: /truncated/ },
  ])('throws MODEL_FORMAT naming the file for $name', ({ bytes, pattern }) => {
    const read = (): void => {
      const r = reader(new Uint8Array(bytes));
      while (r.more()) r.skip(r.tag().wireType);
    };
    expect(read).toThrowError(StudioError);
    expect(read).toThrowError(expect.objectContaining({ code: 'MODEL_FORMAT', context: expect.objectContaining({ file: 'x.onnx' }) }));
    expect(read).toThrowError(/^'x\.onnx' is not a valid ONNX model/);
    expect(read).toThrowError(pattern);
  });
});
