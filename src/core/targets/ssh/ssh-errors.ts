/**
 * One sentence per way an SSH connection fails, saying what to do. Each carries code TARGET and
 * a typed detail (src/shared/error-details.ts: the host key's fingerprint, the system's reason),
 * so the UI and CLI react (an accept button, a reconnect) by switching on its kind, not by
 * parsing messages. `context` says where: the target, host, port and user.
 */
import type { DetailOf, SshErrorKind } from '../../../shared/error-details';
import { StudioError, type WordedMessage } from '../../../shared/errors';

export type { SshErrorKind } from '../../../shared/error-details';

export interface SshTargetSpec {
  /** What the user calls the board, e.g. "pi4-lab"; shown in runs and messages. */
  name: string;
  host: string;
  port: number;
  user: string;
}

export type SshDetail = DetailOf<SshErrorKind>;
/** Kinds whose detail needs no field, which a call may name by kind alone. */
type PlainSshKind = Exclude<SshErrorKind, 'host-key-unknown' | 'host-key-changed' | 'host-key-revoked'>;

/** "pi@raspberrypi.local:22", how a target is quoted in messages. */
export function describeTarget(target: SshTargetSpec): string {
  return `${target.user}@${target.host}:${target.port}`;
}

export function targetContext(target: SshTargetSpec, extra: Record<string, string> = {}): Record<string, string> {
  return { target: target.name, host: target.host, port: String(target.port), user: target.user, ...extra };
}

export function sshError(target: SshTargetSpec, detail: SshDetail | PlainSshKind, message: string | WordedMessage, extra: Record<string, string> = {}): StudioError {
  return new StudioError('TARGET', message, targetContext(target, extra), { detail: typeof detail === 'string' ? { kind: detail } : detail });
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
      return sshError(target, { kind: 'refused', reason: detail }, `Nothing accepts SSH connections on ${target.host} port ${target.port} (connection refused); check the port and that sshd runs on the board.`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return sshError(target, { kind: 'dns', reason: detail }, `The host name '${target.host}' cannot be resolved; check its spelling or use the board's IP address.`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
    case 'EHOSTDOWN':
      return sshError(target, { kind: 'unreachable', reason: detail }, `${target.host} cannot be reached (${detail}); check that the board is powered and on this computer's network.`);
  }
  if (error.level === 'client-authentication') {
    return sshError(
      target,
      { kind: 'auth-failed', reason: detail },
      `${where} refused to log in with ${auth.methods}; put the matching public key in ~${target.user}/.ssh/authorized_keys on the board, or choose another key, agent or password.`,
    );
  }
  if (error.level === 'client-timeout') {
    return sshError(
      target,
      { kind: 'timeout', reason: detail },
      `${where} did not complete the SSH handshake within ${Math.round(auth.timeoutMs / 1000)} s; check that the board is up, that this port is its SSH port, and the network in between.`,
    );
  }
  return sshError(target, { kind: 'unreachable', reason: detail }, `Connecting to ${where} failed: ${detail.replace(/\.$/, '')}. Check the host, port and the board's sshd.`);
}

/** A link that dropped after it was up (keepalive timeout, reset, board rebooted). */
export function connectionLost(target: SshTargetSpec, doing: string, reason: string): StudioError {
  return sshError(
    target,
    { kind: 'connection-lost', reason },
    `The SSH connection to ${target.name} (${describeTarget(target)}) was lost while ${doing} (${reason.replace(/\.$/, '')}); check the board's power and network, then run again (the next job reconnects).`,
  );
}
