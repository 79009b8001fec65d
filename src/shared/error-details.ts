/**
 * What kind of failure an error is, as typed data: one zod schema per kind, each with the fields
 * that kind needs (a host key's fingerprint, the port, the command the board was answering), in
 * one union discriminated by `kind`, so the UI and the CLI switch on it exhaustively instead of
 * reading strings out of `context`. Grouped by domain: ssh and serial-port failures come with
 * code TARGET (the target cannot be reached or used), device failures with DEVICE (the board
 * misbehaved), a model that does not fit a board with RUNTIME.
 *
 * This file imports nothing but zod: errors.ts (and so every layer) loads it.
 */
import { z } from 'zod';

const text = z.string();
/** The library's or the operating system's own words, when they add something. */
const reason = text.optional();

function kind<K extends string, Shape extends z.ZodRawShape>(name: K, shape: Shape) {
  return z.object({ kind: z.literal(name), ...shape });
}

/** An SSH connection, login, command or transfer failed. */
const sshKinds = [
  /** First connection: the user must compare the fingerprint with the board's and trust it. */
  kind('host-key-unknown', { fingerprint: text, keyType: text.optional() }),
  /** The pinned key differs: reinstalled board, or someone in between. */
  kind('host-key-changed', { fingerprint: text, knownFingerprints: z.array(text).default([]), line: z.number().int().optional() }),
  kind('host-key-revoked', { fingerprint: text }),
  kind('auth-failed', { reason }),
  kind('refused', { reason }),
  kind('unreachable', { reason }),
  kind('dns', { reason }),
  kind('timeout', { reason }),
  /** The link dropped after it was up. */
  kind('connection-lost', { reason }),
  kind('exec-timeout', {}),
  kind('transfer-failed', { reason }),
  /** The board has no runtime that can run this model format. */
  kind('no-runtime', { format: text.optional() }),
] as const;

/** A serial port could not be opened or used. */
const portKinds = [
  kind('port-missing', { port: text, reason }),
  kind('port-busy', { port: text, reason }),
  kind('port-permission', { port: text, reason }),
  kind('port-not-serial', { port: text, reason }),
  kind('bad-baud', { port: text, baudRate: z.number().int().optional(), reason }),
  kind('port-vanished', { port: text, reason }),
  kind('port-timeout', { port: text, reason }),
  kind('port-failed', { port: text, reason }),
  kind('port-closed', { port: text }),
  /** No rate of the list made the board answer; `tried` says what each rate got. */
  kind('baud-not-found', { port: text, tried: z.array(text).default([]) }),
] as const;

/** The board misbehaved: it restarted, stayed silent, refused a command or speaks another firmware. */
const deviceKinds = [
  kind('board-reset', { port: text, command: text.optional() }),
  kind('no-answer', { port: text, command: text, heard: text.optional() }),
  kind('device-error', { port: text, command: text, refusal: text }),
  kind('not-mlperf-tiny', { port: text, reason }),
  kind('input-size', { port: text, inputBytes: z.number().int(), maxBytes: z.number().int().optional() }),
  kind('load-incomplete', { port: text }),
  kind('no-timestamps', { port: text }),
  kind('clock-stopped', { port: text }),
  kind('short-window', { port: text }),
  /** A board that was reset into its bootloader did not come back. */
  kind('device-gone', { device: text }),
] as const;

/** The model cannot run on the board's runtime. */
const runtimeKinds = [kind('model-too-big', { file: text }), kind('arena-too-small', { file: text })] as const;

export const ErrorDetail = z.discriminatedUnion('kind', [...sshKinds, ...portKinds, ...deviceKinds, ...runtimeKinds]);
export type ErrorDetail = z.infer<typeof ErrorDetail>;
export type ErrorKind = ErrorDetail['kind'];
export type DetailOf<K extends ErrorKind> = Extract<ErrorDetail, { kind: K }>;

const namesOf = <T extends readonly { shape: { kind: z.ZodLiteral<string> } }[]>(schemas: T) =>
  schemas.map((schema) => schema.shape.kind.value) as T[number]['shape']['kind']['value'][];

export const SSH_ERROR_KINDS = namesOf(sshKinds);
export type SshErrorKind = (typeof SSH_ERROR_KINDS)[number];
export const PORT_ERROR_KINDS = namesOf(portKinds);
export type PortErrorKind = (typeof PORT_ERROR_KINDS)[number];
export const DEVICE_ERROR_KINDS = namesOf(deviceKinds);
export type DeviceErrorKind = (typeof DEVICE_ERROR_KINDS)[number];
export const RUNTIME_ERROR_KINDS = namesOf(runtimeKinds);

const NUMBER_FIELDS = new Set(['baudRate', 'inputBytes', 'maxBytes', 'line']);
/** Old context keys of fields the detail names better. */
const RENAMED: Readonly<Record<string, string>> = { detail: 'reason', deviceError: 'refusal' };
const LIST_FIELDS: Readonly<Record<string, string>> = { knownFingerprints: ',', tried: '\n' };

/**
 * The detail of error data written before details existed, which kept the kind and its fields
 * as strings in `context` (`{ kind: 'board-reset', port, command }`); undefined when the context
 * names no kind this version knows or lacks a field the kind needs.
 */
export function detailFromContext(context: Readonly<Record<string, string>>): ErrorDetail | undefined {
  if (context.kind === undefined) return undefined;
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(context)) {
    const name = RENAMED[key] ?? key;
    if (NUMBER_FIELDS.has(name)) fields[name] = Number(value);
    else if (LIST_FIELDS[name] !== undefined) fields[name] = value === '' ? [] : value.split(LIST_FIELDS[name]);
    else fields[name] = value;
  }
  const parsed = ErrorDetail.safeParse(fields);
  return parsed.success ? parsed.data : undefined;
}
