import { z } from 'zod';
import { StudioError } from '../../errors';
import { defineTargetKind, type FormValues } from './target-kind';

export const SshAuth = z.enum(['key', 'agent', 'password']);

export const SshTargetConfig = z.object({
  kind: z.literal('ssh'),
  name: z.string().min(1).max(100),
  host: z.string().min(1).max(255),
  port: z.number().int().min(1).max(65535).default(22),
  user: z.string().min(1).max(100),
  auth: SshAuth.default('key'),
  /** Private key file, for auth 'key' (default: ~/.ssh/id_ed25519, then id_rsa). */
  identityFile: z.string().max(1000).optional(),
});
export type SshTargetConfig = z.infer<typeof SshTargetConfig>;

/** Where a board is, as `ssh://USER@HOST:PORT` says it. */
export interface SshAddress {
  /** What runs and messages call the board; "user@host" (with ":port" when it is not 22) by default. */
  name: string;
  host: string;
  port: number;
  user: string;
}

/**
 * `ssh://USER@HOST:PORT` (port 22 when left out). IPv6 hosts go in brackets, as in URLs:
 * `ssh://pi@[fe80::1]:2222`. A password in the URL is refused: the studio asks for it.
 */
export function parseSshUrl(text: string, name?: string): SshAddress {
  const bad = (why: string): StudioError =>
    new StudioError('BAD_INPUT', `The target '${text}' is not a valid SSH target (${why}); write it as ssh://USER@HOST:PORT, e.g. ssh://pi@192.168.1.20:22.`, { target: text });
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw bad('it does not parse as a URL');
  }
  if (url.protocol !== 'ssh:') throw bad(`it starts with '${url.protocol}' instead of 'ssh:'`);
  if (url.username === '') throw bad('the user is missing');
  if (url.hostname === '') throw bad('the host is missing');
  if (url.password !== '') throw bad('a password does not belong in the target; the studio asks for it and keeps it in memory only');
  const port = url.port === '' ? 22 : Number(url.port);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const user = decodeURIComponent(url.username);
  return { name: name ?? (port === 22 ? `${user}@${host}` : `${user}@${host}:${port}`), host, port, user };
}

export const DEFAULT_KEY_FILE = '~/.ssh/id_ed25519';

function checkHost(host: string): string | undefined {
  if (host === '') return "Enter the board's host name or IP address, e.g. raspberrypi.local or 192.168.1.42.";
  if (/^[a-z]+:\/\//i.test(host) || host.includes('@')) return 'Enter only the host (no ssh:// or user@), e.g. 192.168.1.42.';
  if (/\s/.test(host)) return 'A host name has no spaces: enter e.g. raspberrypi.local.';
  if (host.length > 255) return 'Use at most 255 characters.';
  return undefined;
}

function parsePort(text: string): number | string {
  const port = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(port) || port < 1 || port > 65535) return "Use a port from 1 to 65535 (SSH's default is 22).";
  return port;
}

function sshConfigFrom(values: FormValues, name: string): { ok: true; config: SshTargetConfig } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const host = (values.host ?? '').trim();
  const user = (values.user ?? '').trim();
  const identityFile = (values.identityFile ?? '').trim();
  const auth = SshAuth.catch('key').parse(values.auth);
  const hostError = checkHost(host);
  if (hostError) errors.host = hostError;
  const port = parsePort(values.port ?? '');
  if (typeof port === 'string') errors.port = port;
  if (user === '') errors.user = 'Enter the user to log in as, e.g. pi.';
  else if (/[\s@]/.test(user)) errors.user = 'A user name has no spaces or @: enter e.g. pi.';
  if (auth === 'key' && identityFile.length > 1000) errors.identityFile = 'Use a path of at most 1000 characters.';
  if (typeof port === 'string' || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, config: { kind: 'ssh', name, host, port, user, auth, ...(auth === 'key' && identityFile !== '' ? { identityFile } : {}) } };
}

/** An SSH board (Raspberry Pi, Jetson, any Linux machine): model and runner go over SFTP, cells run there. */
export const sshTargetKind = defineTargetKind({
  name: 'ssh',
  label: 'SSH',
  description: 'A Linux board reached over SSH: the model and a runner are copied there and each cell runs on the board.',
  processor: 'computer',
  benchSettings: ['runs', 'warmupRuns', 'warmupMinTimeMs', 'minTimeMs', 'maxTimeMs', 'mode', 'freshInputs', 'threads', 'profileRuns', 'nativeTools', 'repeats', 'cpus'],
  cliFlags: {
    identity: {
      kind: 'string',
      valueName: 'KEY',
      file: 'the SSH private key file',
      help: 'SSH private key file (default: ~/.ssh/id_ed25519, id_ecdsa, id_rsa).',
      ui: { field: 'identityFile' },
    },
    'known-hosts': { kind: 'string', valueName: 'FILE', file: 'the known_hosts file', help: "OpenSSH known_hosts file with the boards' pinned host keys (default ~/.ssh/known_hosts)." },
    'accept-new-host-key': {
      kind: 'boolean',
      help: 'Trust and store the host key of a board seen for the first time (a changed key is still refused).',
      ui: { action: 'Test connection on the Targets page' },
    },
    'password-env': { kind: 'string', valueName: 'VAR', help: 'Log in with the password held in this environment variable (never pass a password as a flag).' },
  },
  cliContext(session) {
    const text = (flag: string): string | undefined => {
      const value = session.flags[flag];
      return typeof value === 'string' ? value : undefined;
    };
    const passwordEnv = text('password-env');
    const password = passwordEnv === undefined ? undefined : session.env[passwordEnv];
    if (passwordEnv !== undefined && password === undefined) {
      throw new StudioError('BAD_INPUT', `--password-env names '${passwordEnv}', which is not set in the environment; export it first.`, { flag: 'password-env' });
    }
    const knownHostsFile = text('known-hosts');
    const identityFile = text('identity');
    return {
      ...(knownHostsFile !== undefined ? { knownHostsFile } : {}),
      ...(session.flags['accept-new-host-key'] === true ? { acceptHostKey: 'any-new' as const } : {}),
      ...(password !== undefined ? { password } : {}),
      ...(identityFile !== undefined ? { identityFile } : {}),
    };
  },
  stored: {
    config: SshTargetConfig,
    spec: {
      scheme: 'ssh://',
      syntax: 'ssh://USER@HOST:PORT',
      parse(text, session): SshTargetConfig {
        const address = parseSshUrl(text);
        const identity = session.flags.identity;
        const passwordEnv = session.flags['password-env'];
        const auth: SshTargetConfig['auth'] = typeof passwordEnv === 'string' ? 'password' : typeof identity === 'string' || !session.env.SSH_AUTH_SOCK ? 'key' : 'agent';
        return { kind: 'ssh', ...address, auth, ...(typeof identity === 'string' ? { identityFile: identity } : {}) };
      },
      format: (config) => `ssh://${encodeURIComponent(config.user)}@${config.host}:${config.port}`,
    },
    form: {
      kindHint: 'Raspberry Pi, Jetson or any Linux board',
      testNote: 'Not tested yet. Test connection logs in, reads the hardware and finds the runtimes the board has.',
      namePlaceholder: 'pi4-lab',
      defaults: { host: '', port: '22', user: '', auth: 'key', identityFile: '' },
      items: [
        {
          row: [
            { key: 'host', label: 'Host', kind: 'text', hint: 'Host name or IP address', placeholder: 'raspberrypi.local', className: 'grow', testId: 'target-host-input' },
            { key: 'port', label: 'Port', kind: 'text', hint: "SSH's default is 22", className: 'port-field', testId: 'target-port-input' },
            { key: 'user', label: 'User', kind: 'text', hint: 'The account to log in as', placeholder: 'pi', className: 'user-field', testId: 'target-user-input' },
          ],
        },
        {
          field: {
            key: 'auth',
            label: 'Log in with',
            kind: 'choice',
            className: 'auth-field',
            testId: 'target-auth',
            choices: [
              { value: 'key', label: 'Key file', hint: 'a private key on this computer' },
              { value: 'agent', label: 'SSH agent', hint: 'keys loaded with ssh-add (SSH_AUTH_SOCK)' },
              { value: 'password', label: 'Password', hint: 'asked when you test or run' },
            ],
          },
        },
        {
          field: {
            key: 'identityFile',
            label: 'Key file',
            kind: 'text',
            hint: `Path on this computer; empty tries ${DEFAULT_KEY_FILE}, then id_ecdsa and id_rsa`,
            placeholder: DEFAULT_KEY_FILE,
            className: 'key-field',
            testId: 'target-key-input',
            showWhen: { key: 'auth', in: ['key'] },
          },
        },
        {
          note: {
            text:
              'The studio asks for the password when you test the connection or run a benchmark, and holds it in memory ' +
              'until it closes. It is never written to targets.json or anywhere else.',
            showWhen: { key: 'auth', in: ['password'] },
            testId: 'target-password-note',
          },
        },
        { note: { text: 'The studio uses the agent its own process sees (SSH_AUTH_SOCK); start ssh-agent and ssh-add the key first.', showWhen: { key: 'auth', in: ['agent'] } } },
      ],
      fromConfig: (config) => ({ host: config.host, port: String(config.port), user: config.user, auth: config.auth, identityFile: config.identityFile ?? '' }),
      toConfig: sshConfigFrom,
    },
  },
});
