/**
 * One sentence per way an SSH connection fails, saying what to do. Host-key problems and lost
 * links carry `context.kind` so the UI and CLI can react (an accept button, a reconnect) without
 * parsing messages. They use the RUNNER code until the shared ErrorCode gains a TARGET code.
 */
import { StudioError } from '../../../shared/errors';

export interface SshTargetSpec {
  /** What the user calls the board, e.g. "pi4-lab"; shown in runs and messages. */
  name: string;
  host: string;
  port: number;
  user: string;
}

export type SshErrorKind =
  | 'host-key-unknown'
  | 'host-key-changed'
  | 'host-key-revoked'
  | 'auth-failed'
  | 'refused'
  | 'unreachable'
  | 'dns'
  | 'timeout'
  | 'connection-lost'
  | 'exec-timeout'
  | 'transfer-failed'
  | 'no-runtime';

/** "pi@raspberrypi.local:22", how a target is quoted in messages. */
export function describeTarget(target: SshTargetSpec): string {
  return `${target.user}@${target.host}:${target.port}`;
}

export function targetContext(target: SshTargetSpec, kind: SshErrorKind, extra: Record<string, string> = {}): Record<string, string> {
  return { kind, target: target.name, host: target.host, port: String(target.port), user: target.user, ...extra };
}

export function sshError(target: SshTargetSpec, kind: SshErrorKind, message: string, extra: Record<string, string> = {}): StudioError {
  return new StudioError('RUNNER', message, targetContext(target, kind, extra));
}

interface Ssh2Error extends Error {
  code?: string | number;
  level?: string;
}

/** What went wrong before the connection was ready, from ssh2's or the socket's error. */
export function connectError(target: SshTargetSpec, error: Ssh2Error, auth: { methods: string; timeoutMs: number }): StudioError {
  const where = describeTarget(target);
  const detail = error.message;
  switch (error.code) {
    case 'ECONNREFUSED':
      return sshError(target, 'refused', `Nothing accepts SSH connections on ${target.host} port ${target.port} (connection refused); check the port and that sshd runs on the board.`, { detail });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return sshError(target, 'dns', `The host name '${target.host}' cannot be resolved; check its spelling or use the board's IP address.`, { detail });
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
    case 'EHOSTDOWN':
      return sshError(target, 'unreachable', `${target.host} cannot be reached (${detail}); check that the board is powered and on this computer's network.`, { detail });
  }
  if (error.level === 'client-authentication') {
    return sshError(
      target,
      'auth-failed',
      `${where} refused to log in with ${auth.methods}; put the matching public key in ~${target.user}/.ssh/authorized_keys on the board, or choose another key, agent or password.`,
      { detail },
    );
  }
  if (error.level === 'client-timeout') {
    return sshError(
      target,
      'timeout',
      `${where} did not complete the SSH handshake within ${Math.round(auth.timeoutMs / 1000)} s; check that the board is up, that this port is its SSH port, and the network in between.`,
      { detail },
    );
  }
  return sshError(target, 'unreachable', `Connecting to ${where} failed: ${detail.replace(/\.$/, '')}. Check the host, port and the board's sshd.`, { detail });
}

/** A link that dropped after it was up (keepalive timeout, reset, board rebooted). */
export function connectionLost(target: SshTargetSpec, doing: string, reason: string): StudioError {
  return sshError(
    target,
    'connection-lost',
    `The SSH connection to ${target.name} (${describeTarget(target)}) was lost while ${doing} (${reason.replace(/\.$/, '')}); check the board's power and network, then run again (the next job reconnects).`,
    { reason },
  );
}
