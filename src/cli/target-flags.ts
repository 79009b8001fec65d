/**
 * --target SPEC (repeatable) and the SSH connection flags, shared by `bench` and `targets`.
 * A spec is `local`, `ssh://USER@HOST:PORT` or `serial://PATH?baud=N&protocol=edgebench|mlperf-tiny`.
 */
import os from 'node:os';
import path from 'node:path';
import { StudioError } from '../shared/errors';
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

export function parseTargets(args: ParsedArgs): CliTarget[] {
  const specs = (args.flags.get('target') ?? ['local']).map(String);
  const passwordEnv = flagString(args, 'password-env');
  const identity = flagString(args, 'identity');
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
  const identity = flagString(args, 'identity');
  return {
    knownHostsFile: path.resolve(flagString(args, 'known-hosts') ?? path.join(os.homedir(), '.ssh', 'known_hosts')),
    ...(flagBool(args, 'accept-new-host-key') ? { acceptHostKey: 'any-new' as const } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(identity ? { identityFile: path.resolve(identity) } : {}),
    ...(onLog ? { onLog } : {}),
  };
}
