/**
 * Where a matrix's cells run, per target kind, one line each: this computer runs cells in local
 * runner processes; an SSH board deploys model and runner over SFTP and runs them there; a
 * serial device uploads the model over the cable. Each kind gives the matrix a `target` hook.
 */
import type { TargetTestResult } from '../../shared/contract';
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

export interface TargetKindModule {
  /** Connects for a benchmark job; the caller closes it when the job ends. */
  open(config: TargetConfig, context: TargetContext): Promise<OpenTarget>;
  /** "Test connection": connect, probe, say what was found (or what to do), then disconnect. */
  test(config: TargetConfig, context: TargetContext): Promise<TargetTestResult>;
}

export const TARGET_KINDS: Record<TargetConfig['kind'], () => Promise<TargetKindModule>> = {
  ssh: async () => (await import('./ssh/ssh-matrix-target')).sshTargetKind,
  serial: async () => (await import('./serial/serial-matrix-target')).serialTargetKind,
};

export async function openTarget(config: TargetConfig, context: TargetContext): Promise<OpenTarget> {
  return (await TARGET_KINDS[config.kind]()).open(config, context);
}

export async function testTarget(config: TargetConfig, context: TargetContext): Promise<TargetTestResult> {
  return (await TARGET_KINDS[config.kind]()).test(config, context);
}
