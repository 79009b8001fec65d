/**
 * --target SPEC (repeatable) and the SSH connection flags, shared by `bench` and `targets`.
 * A spec is `local`, `ssh://USER@HOST:PORT` or `serial://PATH?baud=N&protocol=edgebench|mlperf-tiny`.
 */
import { statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StudioError } from '../shared/errors';
import { specialFileKind } from '../core/file-kind';
import type { TargetConfig } from '../shared/targets';
import { parseSerialTargetSpec } from '../core/targets/serial/target-spec';
import { parseSshTargetUrl } from '../core/targets/ssh/ssh-target-url';
import type { TargetContext } from '../core/targets/target-registry';
import { flagBool, flagString, type FlagSpecs, type ParsedArgs } from './args';

export const targetFlags: FlagSpecs = {
  target: {
    kind: 'assignments',
    valueName: 'SPEC',
    help: 'Where to run: local (default), ssh://USER@HOST:PORT, serial://PATH?baud=N&protocol=edgebench|mlperf-tiny (repeatable: targets run in parallel).',
  },
  identity: { kind: 'string', valueName: 'KEY', help: 'SSH private key file (default: ~/.ssh/id_ed25519, id_ecdsa, id_rsa).' },
  'known-hosts': { kind: 'string', valueName: 'FILE', help: 'OpenSSH known_hosts file with the boards\' pinned host keys (default ~/.ssh/known_hosts).' },
  'accept-new-host-key': { kind: 'boolean', help: 'Trust and store the host key of a board seen for the first time (a changed key is still refused).' },
  'password-env': { kind: 'string', valueName: 'VAR', help: 'Log in with the password held in this environment variable (never pass a password as a flag).' },
};

export type CliTarget = { kind: 'local' } | { kind: 'remote'; spec: string; config: TargetConfig };

/**
 * The file a flag names, refused in one sentence when it is a FIFO, socket or device: the SSH
 * code reads the key and the known_hosts file with readFile, which on a FIFO blocks forever in a
 * thread no signal reaches (see file-kind.ts). stat() does not open the file, so it never blocks.
 */
function sshFileFlag(args: ParsedArgs, flag: 'identity' | 'known-hosts', what: string): string | undefined {
  const file = flagString(args, flag);
  if (file === undefined) return undefined;
  let kind: string | undefined;
  try {
    kind = specialFileKind(statSync(file));
  } catch {
    // Missing or unreadable: the SSH code says so in its own words.
    return file;
  }
  if (kind !== undefined) {
    throw new StudioError('BAD_INPUT', `--${flag} '${file}' is ${kind}, not a regular file: give the path of ${what} itself.`, { flag, file, kind });
  }
  return file;
}

export function parseTargets(args: ParsedArgs): CliTarget[] {
  const specs = (args.flags.get('target') ?? ['local']).map(String);
  const passwordEnv = flagString(args, 'password-env');
  const identity = sshFileFlag(args, 'identity', 'the SSH private key file');
  return specs.map((spec): CliTarget => {
    if (spec === 'local') return { kind: 'local' };
    if (spec.startsWith('ssh://')) {
      const ssh = parseSshTargetUrl(spec);
      return {
        kind: 'remote',
        spec,
        config: {
          kind: 'ssh',
          name: ssh.name,
          host: ssh.host,
          port: ssh.port,
          user: ssh.user,
          auth: passwordEnv ? 'password' : identity || !process.env.SSH_AUTH_SOCK ? 'key' : 'agent',
          ...(identity ? { identityFile: path.resolve(identity) } : {}),
        },
      };
    }
    if (spec.startsWith('serial://')) {
      const serial = parseSerialTargetSpec(spec);
      return { kind: 'remote', spec, config: { kind: 'serial', name: serial.name, path: serial.path, baudRate: serial.baudRate, protocol: serial.protocol } };
    }
    throw new StudioError('BAD_INPUT', `--target '${spec}' is not a target: use local, ssh://USER@HOST:PORT or serial://PATH?baud=N&protocol=edgebench|mlperf-tiny.`, {
      flag: 'target',
    });
  });
}

export function targetContext(args: ParsedArgs, onLog?: TargetContext['onLog']): TargetContext {
  const passwordEnv = flagString(args, 'password-env');
  let password: string | undefined;
  if (passwordEnv) {
    password = process.env[passwordEnv];
    if (password === undefined) {
      throw new StudioError('BAD_INPUT', `--password-env names '${passwordEnv}', which is not set in the environment; export it first.`, { flag: 'password-env' });
    }
  }
  const identity = sshFileFlag(args, 'identity', 'the SSH private key file');
  return {
    knownHostsFile: path.resolve(sshFileFlag(args, 'known-hosts', 'the known_hosts file') ?? path.join(os.homedir(), '.ssh', 'known_hosts')),
    ...(flagBool(args, 'accept-new-host-key') ? { acceptHostKey: 'any-new' as const } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(identity ? { identityFile: path.resolve(identity) } : {}),
    ...(onLog ? { onLog } : {}),
  };
}
