import { StudioError } from '../../shared/errors';
import { describeDevice, describePortPath, listSerialDevices, type SerialDeviceInfo } from '../../core/targets/serial/discovery/list-ports';
import { flagBool, formatHelp, parseArgs, type FlagSpecs } from '../args';
import type { CommandIo } from '../io';

const flags: FlagSpecs = {
  json: { kind: 'boolean', help: 'Print the ports as a JSON array: path, vendorId, productId, serialNumber, manufacturer, recognizedAs (null when unknown).' },
  help: { kind: 'boolean', help: 'Show this help.' },
};

export const devicesHelp = formatHelp(
  'edgebench devices list [PORT...] [--json]',
  [
    'Lists the serial ports this computer sees and the board each one probably is, from its USB ids',
    '(Espressif native USB, CP210x, CH340/CH9102, FTDI, ST-LINK virtual COM ports, Arduino). On Linux',
    'without udevadm (containers, CI runners) the ports are read from /sys/class/tty.',
    'Pseudo-terminals (socat, the simulated board) are not listed: pass their path directly,',
    'e.g. --target "serial:///tmp/edgebench-pty/host?protocol=mlperf-tiny".',
    'With PORT paths, says what each one is instead (a USB board, a built-in UART, a pseudo-terminal).',
  ].join('\n'),
  flags,
);

/** The JSON row: every key present, null when the OS does not say. */
export interface DeviceRow {
  path: string;
  vendorId: string | null;
  productId: string | null;
  serialNumber: string | null;
  manufacturer: string | null;
  recognizedAs: string | null;
}

export function deviceRows(devices: SerialDeviceInfo[]): DeviceRow[] {
  return devices.map((d) => ({
    path: d.path,
    vendorId: d.vendorId ?? null,
    productId: d.productId ?? null,
    serialNumber: d.serialNumber ?? null,
    manufacturer: d.manufacturer ?? null,
    recognizedAs: d.recognizedAs ?? null,
  }));
}

export function devicesTable(devices: SerialDeviceInfo[]): string {
  if (devices.length === 0) {
    return 'No serial ports found. Plug the board in (a data cable, not a charge-only one); pseudo-terminals are not listed, pass their path directly.';
  }
  const rows = [
    ['PATH', 'USB ID', 'SERIAL', 'MANUFACTURER'],
    ...devices.map((d) => [d.path, d.vendorId ? `${d.vendorId}:${d.productId ?? '????'}` : '-', d.serialNumber ?? '-', d.manufacturer ?? '-']),
  ];
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((row) => (row[col] ?? '').length))) ?? [];
  const table = rows.map((row) => row.map((cell, col) => cell.padEnd(widths[col] ?? 0)).join('  ').trimEnd());
  return [...table, '', ...devices.map((d) => `Found: ${describeDevice(d)}`)].join('\n');
}

export async function devicesCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseArgs('devices', argv, flags);
  if (flagBool(args, 'help')) {
    io.out(devicesHelp);
    return 0;
  }
  const [sub = 'list', ...ports] = args.positionals;
  if (sub !== 'list') {
    throw new StudioError('BAD_INPUT', `'edgebench devices ${args.positionals.join(' ')}' is not a devices command; the one there is: edgebench devices list [PORT...] [--json].`, {
      argument: args.positionals.join(' '),
    });
  }
  const devices = ports.length > 0 ? await Promise.all(ports.map((port) => describePortPath(port))) : await listSerialDevices();
  io.out(flagBool(args, 'json') ? JSON.stringify(deviceRows(devices), null, 2) : devicesTable(devices));
  return 0;
}
