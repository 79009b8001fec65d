/**
 * Serial target specs as the CLI writes them:
 *   serial:///dev/ttyUSB0?baud=921600&protocol=edgebench
 *   serial:///dev/ttyACM0?baud=115200&protocol=mlperf-tiny
 *   serial://COM3?baud=auto&protocol=mlperf-tiny&reset=esp32
 * The path is everything between "serial://" and "?" (percent-decoded), so Windows names work too.
 */
import { StudioError } from '../../errors';
import { DEFAULT_SERIAL_PROTOCOL, SERIAL_PROTOCOLS, SerialProtocol } from '../serial-protocols';

/** How the port is reset after opening (see src/core/targets/serial/transport/serialport-transport.ts). */
export type ResetOnOpen = 'none' | 'esp32';

export interface SerialTargetSpec {
  /** "/dev/ttyUSB0", "COM3". */
  path: string;
  /** A rate in bits per second, or 'auto' to try the usual rates until the board answers. */
  baudRate: number | 'auto';
  protocol: SerialProtocol;
  /** Reset the board after opening. */
  reset: ResetOnOpen;
  /** DTR/RTS levels after opening; undefined keeps the OS's. */
  dtr?: boolean;
  rts?: boolean;
  /** What runs and messages call the board; the path by default. */
  name: string;
}

const KNOWN_PARAMS = ['baud', 'protocol', 'reset', 'dtr', 'rts', 'name'];

/** 'serial://PATH?baud=N&protocol=edgebench|mlperf-tiny', with every protocol of the registry. */
export const SERIAL_SPEC_SYNTAX = `serial://PATH?baud=N&protocol=${SerialProtocol.options.join('|')}`;

function flag(value: string, bad: (why: string) => StudioError, key: string): boolean {
  if (value === '1' || value === 'true' || value === 'on') return true;
  if (value === '0' || value === 'false' || value === 'off') return false;
  throw bad(`${key}='${value}' must be 1 or 0`);
}

export function parseSerialTargetSpec(text: string): SerialTargetSpec {
  const bad = (why: string): StudioError =>
    new StudioError(
      'BAD_INPUT',
      `The target '${text}' is not a valid serial target (${why}); write it as ${SERIAL_SPEC_SYNTAX}, e.g. serial:///dev/ttyUSB0?baud=921600&protocol=edgebench.`,
      { target: text },
    );
  if (!text.startsWith('serial://')) throw bad(`it does not start with 'serial://'`);
  const rest = text.slice('serial://'.length);
  const question = rest.indexOf('?');
  const rawPath = question === -1 ? rest : rest.slice(0, question);
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    throw bad(`the path '${rawPath}' has a broken %-escape`);
  }
  if (path === '' || path === '/') throw bad('the port path is missing');
  const params = new URLSearchParams(question === -1 ? '' : rest.slice(question + 1));
  for (const key of params.keys()) {
    if (!KNOWN_PARAMS.includes(key)) throw bad(`'${key}' is not a known setting; known: ${KNOWN_PARAMS.join(', ')}`);
  }

  const protocolText = params.get('protocol') ?? DEFAULT_SERIAL_PROTOCOL;
  const parsedProtocol = SerialProtocol.safeParse(protocolText);
  if (!parsedProtocol.success) throw bad(`protocol '${protocolText}' is not one of ${SerialProtocol.options.join(', ')}`);
  const protocol = parsedProtocol.data;

  const baudText = params.get('baud');
  let baudRate: number | 'auto' = SERIAL_PROTOCOLS[protocol].defaultBaud;
  if (baudText === 'auto') baudRate = 'auto';
  else if (baudText !== null) {
    const n = Number(baudText);
    if (!Number.isInteger(n) || n < 300 || n > 20_000_000) throw bad(`baud '${baudText}' must be a whole number of bits per second such as 115200, or 'auto'`);
    baudRate = n;
  }

  const resetText = params.get('reset') ?? 'none';
  if (resetText !== 'none' && resetText !== 'esp32') throw bad(`reset '${resetText}' must be 'none' or 'esp32'`);

  const dtrText = params.get('dtr');
  const rtsText = params.get('rts');
  return {
    path,
    baudRate,
    protocol,
    reset: resetText,
    ...(dtrText !== null && { dtr: flag(dtrText, bad, 'dtr') }),
    ...(rtsText !== null && { rts: flag(rtsText, bad, 'rts') }),
    name: params.get('name') ?? path,
  };
}

/** The spec back as text, with every setting spelled out (for run files and "reproduce" lines). */
export function formatSerialTargetSpec(spec: SerialTargetSpec): string {
  const params = new URLSearchParams({ baud: String(spec.baudRate), protocol: spec.protocol });
  if (spec.reset !== 'none') params.set('reset', spec.reset);
  if (spec.dtr !== undefined) params.set('dtr', spec.dtr ? '1' : '0');
  if (spec.rts !== undefined) params.set('rts', spec.rts ? '1' : '0');
  if (spec.name !== spec.path) params.set('name', spec.name);
  const path = spec.path.split('/').map(encodeURIComponent).join('/');
  return `serial://${path}?${params.toString()}`;
}
