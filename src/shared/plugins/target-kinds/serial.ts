import { z } from 'zod';
import { DEFAULT_SERIAL_PROTOCOL, SERIAL_PROTOCOLS, SerialProtocol } from '../serial-protocols';
import { formatSerialTargetSpec, parseSerialTargetSpec, SERIAL_SPEC_SYNTAX } from './serial-spec';
import { defineTargetKind, type FormValues } from './target-kind';

export const SerialTargetConfig = z.object({
  kind: z.literal('serial'),
  name: z.string().min(1).max(100),
  path: z.string().min(1).max(1000),
  /** 'auto' tries the usual rates. */
  baudRate: z.union([z.number().int().min(300).max(12_000_000), z.literal('auto')]).default('auto'),
  protocol: SerialProtocol.default(DEFAULT_SERIAL_PROTOCOL),
});
export type SerialTargetConfig = z.infer<typeof SerialTargetConfig>;

/** Rates offered in the baud field's list (ESP32 and STM32 boards commonly use these). */
export const COMMON_BAUD_RATES = [9600, 57600, 115200, 230400, 460800, 921600] as const;
const MIN_BAUD = 300;
const MAX_BAUD = 12_000_000;

function parseBaud(text: string): number | 'auto' | string {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'auto' || trimmed === '') return 'auto';
  const baud = Number(trimmed);
  if (!Number.isInteger(baud) || baud < MIN_BAUD || baud > MAX_BAUD) {
    return `Enter a baud rate from ${MIN_BAUD} to ${MAX_BAUD.toLocaleString('en-US')} (e.g. 115200), or auto to try the usual rates.`;
  }
  return baud;
}

function serialConfigFrom(values: FormValues, name: string): { ok: true; config: SerialTargetConfig } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const path = (values.path ?? '').trim();
  if (path === '') errors.path = 'Enter the serial port, e.g. /dev/ttyUSB0 or COM3 (the Devices page lists the ports).';
  const baudRate = parseBaud(values.baudRate ?? '');
  if (typeof baudRate === 'string' && baudRate !== 'auto') errors.baudRate = baudRate;
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const protocol = SerialProtocol.catch(DEFAULT_SERIAL_PROTOCOL).parse(values.protocol);
  return { ok: true, config: { kind: 'serial', name, path, baudRate: baudRate as number | 'auto', protocol } };
}

/** A microcontroller on a USB-serial cable, speaking one of the serial device protocols. */
export const serialTargetKind = defineTargetKind({
  name: 'serial',
  label: 'Serial',
  description: 'A microcontroller board on a serial port, running EdgeBench or MLPerf Tiny firmware.',
  processor: 'microcontroller',
  // The firmware has one thread, no JIT to warm up by time and no per-op profiler.
  benchSettings: ['runs', 'warmupRuns', 'minTimeMs', 'maxTimeMs', 'mode'],
  cliFlags: {},
  stored: {
    config: SerialTargetConfig,
    spec: {
      scheme: 'serial://',
      syntax: SERIAL_SPEC_SYNTAX,
      parse(text): SerialTargetConfig {
        const serial = parseSerialTargetSpec(text);
        return { kind: 'serial', name: serial.name, path: serial.path, baudRate: serial.baudRate, protocol: serial.protocol };
      },
      // baud=auto is written out: without it the CLI would open the port at the protocol's default rate, not try the usual ones.
      format: (config) => formatSerialTargetSpec({ path: config.path, baudRate: config.baudRate, protocol: config.protocol, reset: 'none', name: config.path }),
    },
    form: {
      kindHint: 'ESP32 or STM32 board on a USB cable',
      testNote: 'Not tested yet. Test connection opens the port and asks the board what it is and which firmware it runs.',
      namePlaceholder: 'esp32-s3',
      defaults: { path: '', baudRate: 'auto', protocol: DEFAULT_SERIAL_PROTOCOL },
      items: [
        {
          row: [
            { key: 'path', label: 'Port', kind: 'text', hint: 'e.g. /dev/ttyUSB0, /dev/ttyACM0 or COM3', placeholder: '/dev/ttyUSB0', className: 'grow', testId: 'target-path-input' },
            {
              key: 'baudRate',
              label: 'Baud rate',
              kind: 'text',
              hint: 'auto tries the usual rates',
              suggestions: ['auto', ...COMMON_BAUD_RATES.map(String)],
              className: 'baud-field',
              testId: 'target-baud-input',
            },
          ],
        },
        {
          note: {
            text: 'Not sure which port? ',
            link: { href: '#/devices', text: 'Find ports on the Devices page', after: '; it recognizes common boards by their USB IDs.', testId: 'target-devices-link' },
          },
        },
        {
          field: {
            key: 'protocol',
            label: 'Protocol',
            kind: 'choice',
            testId: 'target-protocol',
            choices: SerialProtocol.options.map((name) => ({ value: name, label: SERIAL_PROTOCOLS[name].label, hint: SERIAL_PROTOCOLS[name].formHint })),
          },
        },
      ],
      fromConfig: (config) => ({ path: config.path, baudRate: String(config.baudRate), protocol: config.protocol }),
      toConfig: serialConfigFrom,
    },
  },
});
