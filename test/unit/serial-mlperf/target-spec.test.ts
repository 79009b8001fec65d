import { describe, expect, test } from 'vitest';
import { formatSerialTargetSpec, parseSerialTargetSpec } from '../../../src/core/targets/serial/target-spec';
import { StudioError } from '../../../src/shared/errors';

describe('serial target specs', () => {
  test.each([
    ['serial:///dev/ttyUSB0?baud=921600&protocol=edgebench', { path: '/dev/ttyUSB0', baudRate: 921600, protocol: 'edgebench', reset: 'none', name: '/dev/ttyUSB0' }],
    ['serial:///dev/ttyACM0?baud=115200&protocol=mlperf-tiny', { path: '/dev/ttyACM0', baudRate: 115200, protocol: 'mlperf-tiny' }],
    ['serial:///dev/ttyACM0?protocol=mlperf-tiny', { baudRate: 115200 }],
    ['serial:///dev/ttyUSB1', { protocol: 'edgebench', baudRate: 921600 }],
    ['serial://COM3?baud=auto&reset=esp32&dtr=0&rts=0&name=bench-s3', { path: 'COM3', baudRate: 'auto', reset: 'esp32', dtr: false, rts: false, name: 'bench-s3' }],
    ['serial:///tmp/edgebench%20pty/host?baud=9600', { path: '/tmp/edgebench pty/host', baudRate: 9600 }],
  ])('%s', (text, expected) => {
    expect(parseSerialTargetSpec(text)).toMatchObject(expected);
  });

  test.each([
    ['ssh://pi@host', "does not start with 'serial://'"],
    ['serial://?baud=115200', 'the port path is missing'],
    ['serial:///dev/ttyUSB0?baud=fast', "baud 'fast' must be a whole number"],
    ['serial:///dev/ttyUSB0?baud=12', "baud '12'"],
    ['serial:///dev/ttyUSB0?protocol=modbus', "protocol 'modbus' is not one of edgebench, mlperf-tiny"],
    ['serial:///dev/ttyUSB0?bauds=9600', "'bauds' is not a known setting"],
    ['serial:///dev/ttyUSB0?reset=stm32', "reset 'stm32' must be 'none' or 'esp32'"],
    ['serial:///dev/ttyUSB0?dtr=maybe', "dtr='maybe' must be 1 or 0"],
  ])('%s is refused with one sentence that shows the right form', (text, why) => {
    let caught: unknown;
    try {
      parseSerialTargetSpec(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StudioError);
    const error = caught as StudioError;
    expect(error.code).toBe('BAD_INPUT');
    expect(error.message).toContain(why);
    expect(error.message).toContain('serial://PATH?baud=N&protocol=edgebench|mlperf-tiny');
    expect(error.context.target).toBe(text);
  });

  test('a formatted spec parses back to the same settings', () => {
    const spec = parseSerialTargetSpec('serial://COM3?baud=auto&reset=esp32&dtr=1&name=lab%20board&protocol=mlperf-tiny');
    expect(parseSerialTargetSpec(formatSerialTargetSpec(spec))).toEqual(spec);
    const plain = parseSerialTargetSpec('serial:///dev/ttyACM0');
    expect(formatSerialTargetSpec(plain)).toBe('serial:///dev/ttyACM0?baud=921600&protocol=edgebench');
  });
});
