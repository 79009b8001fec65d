/**
 * One SSH connection to a board (ssh2): host key pinned against a known_hosts file, keepalive so
 * a dead link is noticed, and exec / SFTP with timeouts. Every exec channel is drained (stdout
 * and stderr read to the end) and closed, whatever happens.
 */
import { readFile } from 'node:fs/promises';
import ssh2 from 'ssh2';
import type { Client as Ssh2Client, ClientChannel, ConnectConfig, ServerHostKeyAlgorithm, SFTPWrapper } from 'ssh2';
import { StudioError } from '../../../shared/errors';
import { remedy, worded } from '../../../shared/remedies';
import { fingerprintOf, keyTypeOf, knownHostsName, type KnownHostsStore } from './known-hosts';
import { connectError, connectionLost, describeTarget, sshError, type SshTargetSpec } from './ssh-errors';

export type { SshTargetSpec };

export const SSH_DEFAULTS = {
  connectTimeoutMs: 15_000,
  execTimeoutMs: 60_000,
  /** A transfer that moves no byte for this long is given up. */
  transferStallMs: 30_000,
  // 10 s × 3 unanswered keepalives: a dead link is noticed within 40 s (the bound).
  keepaliveIntervalMs: 10_000,
  keepaliveCountMax: 3,
} as const;

export interface SshConnectOptions {
  knownHosts: KnownHostsStore;
  /** Pin the key of a host not yet in knownHosts (the user pressed accept, or --accept-new-host-key). */
  acceptNewHostKey?: boolean;
  /** Pin the key of a host not yet in knownHosts only if its fingerprint is this one (the user compared and accepted it). */
  acceptFingerprint?: string;
  /** Held in memory only, never written anywhere. */
  password?: string;
  identityFile?: string;
  passphrase?: string;
  /** The ssh-agent socket (SSH_AUTH_SOCK). */
  agent?: string;
  connectTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  signal?: AbortSignal;
}

export interface ExecOptions {
  /** Written to the command's stdin, which is then closed. */
  stdin?: string;
  timeoutMs?: number;
  /** How the command is named in a timeout message, e.g. "the probe script". */
  what?: string;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: string | null;
}

const { Client } = ssh2;

/** The host-key algorithms that use each key type of known_hosts: an RSA key is offered under three names. */
const ALGORITHMS_FOR_KEY_TYPE: Record<string, ServerHostKeyAlgorithm[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

export async function openSshConnection(target: SshTargetSpec, opts: SshConnectOptions): Promise<SshConnection> {
  if (opts.signal?.aborted) throw cancelled(target);
  const timeoutMs = opts.connectTimeoutMs ?? SSH_DEFAULTS.connectTimeoutMs;
  const config: ConnectConfig = {
    host: target.host,
    port: target.port,
    username: target.user,
    readyTimeout: timeoutMs,
    keepaliveInterval: opts.keepaliveIntervalMs ?? SSH_DEFAULTS.keepaliveIntervalMs,
    keepaliveCountMax: opts.keepaliveCountMax ?? SSH_DEFAULTS.keepaliveCountMax,
  };
  const methods: string[] = [];
  if (opts.identityFile !== undefined) {
    config.privateKey = await readIdentity(opts.identityFile);
    if (opts.passphrase !== undefined) config.passphrase = opts.passphrase;
    methods.push(`the key '${opts.identityFile}'`);
  }
  if (opts.agent !== undefined) {
    config.agent = opts.agent;
    methods.push('the SSH agent');
  }
  if (opts.password !== undefined) {
    config.password = opts.password;
    methods.push('the password');
  }
  if (methods.length === 0) {
    throw new StudioError('BAD_INPUT', worded`No way to log in to ${describeTarget(target)} was given; choose a key file (${remedy('identity')}), an agent or a password.`, {
      target: target.name,
    });
  }
  const pinnedTypes = opts.knownHosts.preferredKeyTypes(target.host, target.port);
  if (pinnedTypes.length > 0) {
    const pinned = pinnedTypes.flatMap((type) => ALGORITHMS_FOR_KEY_TYPE[type] ?? []);
    const all = Object.values(ALGORITHMS_FOR_KEY_TYPE).flat();
    config.algorithms = { serverHostKey: [...new Set([...pinned, ...all])] };
  }

  const client = new Client();
  let hostKeyProblem: StudioError | undefined;
  config.hostVerifier = (blob: Buffer, verify: (ok: boolean) => void): void => {
    const key = { type: keyTypeOf(blob), blob };
    const fingerprint = fingerprintOf(blob);
    const check = opts.knownHosts.check(target.host, target.port, key);
    const context = { knownHosts: opts.knownHosts.filePath };
    if (check.status === 'known') return verify(true);
    if (check.status === 'unknown' && (opts.acceptNewHostKey === true || opts.acceptFingerprint === fingerprint)) {
      opts.knownHosts.add(target.host, target.port, key).then(
        () => verify(true),
        (error: unknown) => {
          hostKeyProblem = new StudioError('WORKSPACE', `The host key of ${target.name} could not be saved in '${opts.knownHosts.filePath}' (${(error as Error).message}).`, context);
          verify(false);
        },
      );
      return;
    }
    hostKeyProblem = hostKeyError(target, check, { fingerprint, keyType: key.type }, opts.knownHosts.filePath);
    verify(false);
  };

  return new Promise<SshConnection>((resolve, reject) => {
    let settled = false;
    const finish = (error: StudioError | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      opts.signal?.removeEventListener('abort', onAbort);
      client.removeListener('ready', onReady);
      client.removeListener('error', onError);
      client.removeListener('close', onClose);
      if (error === null) return resolve(new SshConnection(target, client));
      // ssh2 may still report the teardown ("Connection lost before handshake"); it is already answered.
      client.on('error', () => undefined);
      client.destroy();
      reject(error);
    };
    const onReady = (): void => finish(null);
    const onError = (error: Error): void => finish(hostKeyProblem ?? connectError(target, error, { methods: methods.join(' and '), timeoutMs }));
    const onClose = (): void => finish(hostKeyProblem ?? connectError(target, new Error('the server closed the connection'), { methods: methods.join(' and '), timeoutMs }));
    const onAbort = (): void => finish(cancelled(target));
    // readyTimeout covers the handshake; this guard also covers a verifier or DNS that never answers.
    const guard = setTimeout(() => onError(Object.assign(new Error('timed out'), { level: 'client-timeout' })), timeoutMs + 2_000);
    client.on('ready', onReady).on('error', onError).on('close', onClose);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      client.connect(config);
    } catch (error) {
      // ssh2 throws synchronously for keys it cannot parse or decrypt.
      finish(
        new StudioError('BAD_INPUT', `The key '${opts.identityFile ?? ''}' cannot be used: ${(error as Error).message.replace(/\.$/, '')}; give its passphrase or choose another key.`, {
          file: opts.identityFile ?? '',
        }),
      );
    }
  });
}

function hostKeyError(target: SshTargetSpec, check: ReturnType<KnownHostsStore['check']>, key: { fingerprint: string; keyType: string }, file: string): StudioError {
  const name = knownHostsName(target.host, target.port);
  const { fingerprint } = key;
  const context = { knownHosts: file };
  if (check.status === 'changed') {
    return sshError(
      target,
      { kind: 'host-key-changed', fingerprint, knownFingerprints: check.knownFingerprints, line: check.line },
      `The host key of ${name} has changed (now ${fingerprint}, pinned ${check.knownFingerprints.join(', ')} at line ${check.line} of '${file}'), so the connection was refused; if the board was reinstalled, remove that line and accept the new key, otherwise someone may be intercepting the connection.`,
      context,
    );
  }
  if (check.status === 'revoked') {
    return sshError(target, { kind: 'host-key-revoked', fingerprint }, `The host key ${fingerprint} of ${name} is marked @revoked at line ${check.line} of '${file}'; the connection was refused.`, context);
  }
  const keyFile = `ssh_host_${key.keyType.replace(/^ssh-/, '').replace(/-.*/, '')}_key.pub`;
  return sshError(
    target,
    { kind: 'host-key-unknown', fingerprint, keyType: key.keyType },
    worded`${name} is not in '${file}' yet; its host key fingerprint is ${fingerprint}: compare it with \`ssh-keygen -lf /etc/ssh/${keyFile}\` on the board, then accept it with ${remedy('accept-new-host-key')}.`,
    context,
  );
}

async function readIdentity(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new StudioError('FILE_NOT_FOUND', worded`The key file '${file}' cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); check the path given to ${remedy('identity')}.`, { file });
  }
}

function cancelled(target: SshTargetSpec): StudioError {
  return new StudioError('CANCELLED', `Connecting to ${target.name} was cancelled.`, { target: target.name });
}

export class SshConnection {
  private lostReason: string | null = null;
  private readonly closeListeners = new Set<(reason: string) => void>();
  private sftpSession: Promise<SFTPWrapper> | null = null;

  constructor(
    readonly target: SshTargetSpec,
    private readonly client: Ssh2Client,
  ) {
    const lose = (reason: string): void => {
      if (this.lostReason !== null) return;
      this.lostReason = reason;
      for (const listener of this.closeListeners) listener(reason);
    };
    client.on('error', (error: Error) => lose(error.message));
    client.on('close', () => lose('the connection closed'));
  }

  /** Why the connection ended, or null while it is up. */
  get lost(): string | null {
    return this.lostReason;
  }

  /** Called once when the link ends (closed by us, by the board, or by keepalive). Returns an unsubscribe. */
  onLost(listener: (reason: string) => void): () => void {
    if (this.lostReason !== null) {
      listener(this.lostReason);
      return () => undefined;
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** Opens a channel running `command` (no pty: stdout and stderr stay apart, bytes pass untouched). */
  openChannel(command: string, doing: string): Promise<ClientChannel> {
    if (this.lostReason !== null) return Promise.reject(connectionLost(this.target, doing, this.lostReason));
    return new Promise((resolve, reject) => {
      this.client.exec(command, { pty: false }, (error, channel) => {
        if (error) reject(this.lostReason !== null ? connectionLost(this.target, doing, this.lostReason) : sshError(this.target, 'connection-lost', `${this.target.name} refused to run a command while ${doing}: ${error.message}.`));
        else resolve(channel);
      });
    });
  }

  /** Runs a command to its end and returns its output; a timeout kills it and rejects. */
  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const what = options.what ?? `'${command.slice(0, 60)}'`;
    const timeoutMs = options.timeoutMs ?? SSH_DEFAULTS.execTimeoutMs;
    const channel = await this.openChannel(command, `running ${what}`);
    return new Promise<ExecResult>((resolve, reject) => {
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let code: number | null = null;
      let signal: string | null = null;
      const unsubscribe = this.onLost((reason) => {
        clearTimeout(timer);
        reject(connectionLost(this.target, `running ${what}`, reason));
      });
      const timer = setTimeout(() => {
        unsubscribe();
        stopChannel(channel);
        reject(sshError(this.target, 'exec-timeout', `Running ${what} on ${this.target.name} did not finish within ${Math.round(timeoutMs / 1000)} s, so it was stopped; the board may be overloaded.`));
      }, timeoutMs);
      channel.on('data', (chunk: Buffer) => stdout.push(chunk));
      channel.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      channel.on('exit', (exitCode: number | null, exitSignal?: string) => {
        code = exitCode;
        signal = exitSignal ?? null;
      });
      channel.on('close', () => {
        clearTimeout(timer);
        unsubscribe();
        resolve({ stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'), code, signal });
      });
      channel.end(options.stdin ?? '');
    });
  }

  /** The connection's SFTP session, opened on first use. */
  sftp(): Promise<SFTPWrapper> {
    if (this.lostReason !== null) return Promise.reject(connectionLost(this.target, 'opening SFTP', this.lostReason));
    this.sftpSession ??= new Promise<SFTPWrapper>((resolve, reject) => {
      this.client.sftp((error, sftp) => {
        if (error) {
          this.sftpSession = null;
          reject(sshError(this.target, 'transfer-failed', `${this.target.name} refused an SFTP session (${error.message}); enable the sftp subsystem in the board's sshd_config.`));
          return;
        }
        sftp.on('close', () => {
          this.sftpSession = null;
        });
        resolve(sftp);
      });
    });
    return this.sftpSession;
  }

  /** Ends the connection; waits (briefly) for the socket to close. Never throws. */
  async close(): Promise<void> {
    if (this.lostReason !== null) return;
    const closed = new Promise<void>((resolve) => this.onLost(() => resolve()));
    this.client.end();
    const timer = setTimeout(() => this.client.destroy(), 2_000);
    await closed;
    clearTimeout(timer);
  }
}

/** Kills what runs in the channel (OpenSSH ≥ 7.9 honours the signal request) and closes it. */
export function stopChannel(channel: ClientChannel): void {
  try {
    channel.signal('KILL');
  } catch {
    // The channel may already be closing; close() below is what matters.
  }
  channel.close();
}
