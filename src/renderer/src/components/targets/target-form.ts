/** The Add/Edit target form: its fields as typed text, their validation, and the config they make. */
import { TargetConfig, type SerialTargetConfig, type SshTargetConfig } from '../../../../shared/targets';

export type TargetKindChoice = TargetConfig['kind'];

export interface TargetFormValues {
  kind: TargetKindChoice;
  name: string;
  // SSH
  host: string;
  port: string;
  user: string;
  auth: SshTargetConfig['auth'];
  /** Empty: the engine tries OpenSSH's defaults (~/.ssh/id_ed25519, id_ecdsa, id_rsa). */
  identityFile: string;
  // Serial
  path: string;
  /** "auto" or a number as typed. */
  baudRate: string;
  protocol: SerialTargetConfig['protocol'];
}

export type TargetFormErrors = Partial<Record<keyof TargetFormValues, string>>;

export const EMPTY_TARGET_FORM: TargetFormValues = {
  kind: 'ssh',
  name: '',
  host: '',
  port: '22',
  user: '',
  auth: 'key',
  identityFile: '',
  path: '',
  baudRate: 'auto',
  protocol: 'edgebench',
};

export const DEFAULT_KEY_FILE = '~/.ssh/id_ed25519';
/** Rates offered in the baud field's list (ESP32 and STM32 boards commonly use these). */
export const COMMON_BAUD_RATES = [9600, 57600, 115200, 230400, 460800, 921600] as const;
const MIN_BAUD = 300;
const MAX_BAUD = 12_000_000;

export function formFromConfig(config: TargetConfig): TargetFormValues {
  if (config.kind === 'ssh') {
    return { ...EMPTY_TARGET_FORM, kind: 'ssh', name: config.name, host: config.host, port: String(config.port), user: config.user, auth: config.auth, identityFile: config.identityFile ?? '' };
  }
  return { ...EMPTY_TARGET_FORM, kind: 'serial', name: config.name, path: config.path, baudRate: String(config.baudRate), protocol: config.protocol };
}

function checkName(name: string, otherNames: readonly string[]): string | undefined {
  if (name === '') return 'Give the target a name, e.g. pi4-lab.';
  if (name.length > 100) return 'Use at most 100 characters.';
  if (otherNames.some((other) => other.toLowerCase() === name.toLowerCase())) {
    return `Another target is called '${name}': choose a different name.`;
  }
  return undefined;
}

function checkHost(host: string): string | undefined {
  if (host === '') return "Enter the board's host name or IP address, e.g. raspberrypi.local or 192.168.1.42.";
  if (/^[a-z]+:\/\//i.test(host) || host.includes('@')) return 'Enter only the host (no ssh:// or user@), e.g. 192.168.1.42.';
  if (/\s/.test(host)) return 'A host name has no spaces: enter e.g. raspberrypi.local.';
  if (host.length > 255) return 'Use at most 255 characters.';
  return undefined;
}

function parsePort(text: string): number | string {
  const port = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(port) || port < 1 || port > 65535) {
    return "Use a port from 1 to 65535 (SSH's default is 22).";
  }
  return port;
}

function parseBaud(text: string): number | 'auto' | string {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'auto' || trimmed === '') return 'auto';
  const baud = Number(trimmed);
  if (!Number.isInteger(baud) || baud < MIN_BAUD || baud > MAX_BAUD) {
    return `Enter a baud rate from ${MIN_BAUD} to ${MAX_BAUD.toLocaleString('en-US')} (e.g. 115200), or auto to try the usual rates.`;
  }
  return baud;
}

function sshConfig(values: TargetFormValues, name: string, errors: TargetFormErrors): SshTargetConfig | null {
  const host = values.host.trim();
  const user = values.user.trim();
  const identityFile = values.identityFile.trim();
  const hostError = checkHost(host);
  if (hostError) errors.host = hostError;
  const port = parsePort(values.port);
  if (typeof port === 'string') errors.port = port;
  if (user === '') errors.user = 'Enter the user to log in as, e.g. pi.';
  else if (/[\s@]/.test(user)) errors.user = 'A user name has no spaces or @: enter e.g. pi.';
  if (values.auth === 'key' && identityFile.length > 1000) errors.identityFile = 'Use a path of at most 1000 characters.';
  if (typeof port === 'string' || Object.keys(errors).length > 0) return null;
  return {
    kind: 'ssh',
    name,
    host,
    port,
    user,
    auth: values.auth,
    ...(values.auth === 'key' && identityFile !== '' ? { identityFile } : {}),
  };
}

function serialConfig(values: TargetFormValues, name: string, errors: TargetFormErrors): SerialTargetConfig | null {
  const path = values.path.trim();
  if (path === '') errors.path = 'Enter the serial port, e.g. /dev/ttyUSB0 or COM3 (the Devices page lists the ports).';
  const baudRate = parseBaud(values.baudRate);
  if (typeof baudRate === 'string' && baudRate !== 'auto') errors.baudRate = baudRate;
  if (Object.keys(errors).length > 0) return null;
  return { kind: 'serial', name, path, baudRate: baudRate as number | 'auto', protocol: values.protocol };
}

/**
 * Either the config to store, or one message per wrong field saying what to type.
 * `otherNames` are the names of the other stored targets (names must tell targets apart in charts).
 */
export function validateTargetForm(
  values: TargetFormValues,
  otherNames: readonly string[],
): { ok: true; config: TargetConfig } | { ok: false; errors: TargetFormErrors } {
  const errors: TargetFormErrors = {};
  const name = values.name.trim();
  const nameError = name.toLowerCase() === 'this computer' ? "'This computer' is the studio's own machine: choose another name." : checkName(name, otherNames);
  if (nameError) errors.name = nameError;
  const config = values.kind === 'ssh' ? sshConfig(values, name, errors) : serialConfig(values, name, errors);
  if (config === null || Object.keys(errors).length > 0) return { ok: false, errors };
  // The contract's own validator has the last word, so the form never sends what the engine refuses.
  const parsed = TargetConfig.safeParse(config);
  if (!parsed.success) return { ok: false, errors: { name: parsed.error.issues[0]?.message ?? 'Check the fields.' } };
  return { ok: true, config: parsed.data };
}
