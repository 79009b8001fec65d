/**
 * The engine half of every stored target kind, one line each (the shared half, its descriptor
 * with its config, spec, form and CLI flags, is in src/shared/plugins/target-kinds): an SSH board
 * deploys model and runner over SFTP and runs them there; a serial device uploads the model over
 * the cable. Each gives the matrix a `target` hook; This computer (the implicit kind) runs cells
 * in local runner processes without one. The table is typed by the stored kinds, so a new kind's
 * descriptor without its module does not compile.
 */
import type { TargetTestResult } from '../../shared/contract';
import type { StoredKindName } from '../../shared/plugins/target-kinds';
import type { TargetConfig } from '../../shared/targets';
import type { MatrixHooks } from '../jobs/matrix';

/** What a target kind needs from the studio or the CLI to connect. */
export interface TargetContext {
  /** OpenSSH-format known_hosts file holding pinned host keys. */
  knownHostsFile: string;
  /** Trust a host key whose fingerprint is this (the user accepted it), or any new key (CLI --accept-new-host-key). */
  acceptHostKey?: string | 'any-new';
  /** SSH password for this session only (never stored). */
  password?: string;
  /** SSH private key file, overriding the target's own (CLI --identity). */
  identityFile?: string;
  /** Serial traffic and notices for the live log. */
  onLog?: (direction: 'rx' | 'tx' | 'info', text: string) => void;
  /** Model upload progress. */
  onUpload?: (sentBytes: number, totalBytes: number) => void;
  signal?: AbortSignal;
}

export interface OpenTarget {
  target: NonNullable<MatrixHooks['target']>;
  close(): Promise<void>;
}

/** A stored target's config of one kind. */
export type ConfigOf<K extends StoredKindName> = Extract<TargetConfig, { kind: K }>;

export interface TargetKindModule<K extends StoredKindName = StoredKindName> {
  /** Connects for a benchmark job; the caller closes it when the job ends. */
  open(config: ConfigOf<K>, context: TargetContext): Promise<OpenTarget>;
  /** "Test connection": connect, probe, say what was found (or what to do), then disconnect. */
  test(config: ConfigOf<K>, context: TargetContext): Promise<TargetTestResult>;
}

/** Loaded when a target of the kind is used, so the CLI starts without ssh2 or serialport. */
export const TARGET_KIND_MODULES = {
  ssh: async () => (await import('./ssh/ssh-matrix-target')).sshTargetKind,
  serial: async () => (await import('./serial/serial-matrix-target')).serialTargetKind,
  adb: async () => (await import('./adb/adb-matrix-target')).adbTargetKind,
} satisfies { [K in StoredKindName]: () => Promise<TargetKindModule<K>> };

async function moduleFor(config: TargetConfig): Promise<TargetKindModule> {
  // The table's key and the config's kind agree (the satisfies above), which TypeScript cannot follow through an index.
  return (await TARGET_KIND_MODULES[config.kind]()) as unknown as TargetKindModule;
}

export async function openTarget(config: TargetConfig, context: TargetContext): Promise<OpenTarget> {
  return (await moduleFor(config)).open(config, context);
}

export async function testTarget(config: TargetConfig, context: TargetContext): Promise<TargetTestResult> {
  return (await moduleFor(config)).test(config, context);
}
