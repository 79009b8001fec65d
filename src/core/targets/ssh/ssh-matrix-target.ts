/**
 * The SSH kind of the target registry: a stored target (targets.json) plus what the studio or the
 * CLI supplies for this session (known-hosts file, accepted host key, password, key override)
 * becomes a matrix `target` whose cells run on the board.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { StudioError, type ErrorDetail } from '../../../shared/errors';
import { remedy, worded } from '../../../shared/remedies';
import type { TargetTestResult } from '../../../shared/contract';
import { targetSpecOf, type SshTargetConfig } from '../../../shared/targets';
import type { TargetContext, TargetKindModule } from '../target-registry';
import { describeTopology } from '../cpu-clusters';
import { KnownHostsStore } from './known-hosts';
import { onnxruntimeNodePackage } from './node-runner-bundle';
import type { SshConnectOptions } from './ssh-connection';
import { boardRuntimes, chooseRunner } from './ssh-probe';
import { sshMatrixTarget, SshTargetSession } from './ssh-target';

export const sshTargetKind: TargetKindModule<'ssh'> = {
  async open(config: SshTargetConfig, context: TargetContext) {
    const session = new SshTargetSession(
      { name: config.name, host: config.host, port: config.port, user: config.user },
      {
        connect: await connectOptions(config, context),
        onNotice: (message) => context.onLog?.('info', message),
        ...(context.onUpload !== undefined ? { onUpload: context.onUpload } : {}),
      },
    );
    return { target: { ...sshMatrixTarget(session), spec: targetSpecOf(config) }, close: () => session.close() };
  },

  async test(config: SshTargetConfig, context: TargetContext): Promise<TargetTestResult> {
    let connect: Omit<SshConnectOptions, 'signal'>;
    try {
      connect = await connectOptions(config, context);
    } catch (error) {
      // A missing password or key file is a result the Targets page shows, like any failed test.
      if (!(error instanceof StudioError)) throw error;
      return { ok: false, message: error.message, hardware: null, hostKey: null, details: {}, error: error.toData() };
    }
    const session = new SshTargetSession({ name: config.name, host: config.host, port: config.port, user: config.user }, { connect });
    try {
      const probe = await session.probe(context.signal);
      const runtimes = boardRuntimes(probe, onnxruntimeNodePackage().version);
      const runnerFor = (format: 'onnx' | 'tflite'): string => {
        try {
          return chooseRunner(probe, format, session.spec).reason;
        } catch (error) {
          return (error as Error).message;
        }
      };
      const runner = runnerFor('onnx');
      const details: Record<string, string> = {
        kernel: probe.kernel,
        runtimes: runtimes.map((r) => `${r.name} ${r.version} (${r.via})`).join(', ') || 'none',
        onnxRunner: runner,
        tfliteRunner: runnerFor('tflite'),
        node: probe.node?.version ?? 'none',
        python: probe.python === null ? 'none' : `${probe.python.version} (${probe.python.path})`,
      };
      details.cpus = `${describeTopology(probe.cpu.topology)}${probe.cpu.taskset === null ? '; no taskset (install util-linux to pin runs to CPUs)' : ''}`;
      if (probe.cpu.governors.length > 0) details.governor = [...new Set(probe.cpu.governors)].join(', ');
      if (probe.boardModel !== null) details.boardModel = probe.boardModel;
      if (probe.pi?.temperatureC != null) details.temperatureC = String(probe.pi.temperatureC);
      if (probe.pi?.throttled != null) details.throttled = probe.pi.throttled.raw;
      if (probe.jetson?.powerMode != null) details.powerMode = probe.jetson.powerMode;
      const board = probe.boardModel ?? `${probe.hardware.cpuModel} (${probe.hardware.arch})`;
      return { ok: true, message: `Connected to ${config.name}: ${board}, ${probe.hardware.cores} cores; ONNX models will run with ${runner.replace(/\.$/, '')}.`, hardware: probe.hardware, hostKey: null, details };
    } catch (error) {
      if (!(error instanceof StudioError) || error.code === 'CANCELLED') throw error;
      return { ok: false, message: error.message, hardware: null, hostKey: hostKeyOf(error.detail), details: {}, error: error.toData() };
    } finally {
      await session.close();
    }
  },
};

/** The host key a failed test asks the user to trust (or warns about), from the error's kind. */
function hostKeyOf(detail: ErrorDetail | undefined): TargetTestResult['hostKey'] {
  switch (detail?.kind) {
    case 'host-key-unknown':
      return { fingerprint: detail.fingerprint, status: 'unknown' };
    case 'host-key-changed':
      return { fingerprint: detail.fingerprint, status: 'changed' };
    default:
      return null;
  }
}

/** Connection options from the stored target and the session's context. Secrets come from the context only. */
export async function connectOptions(config: SshTargetConfig, context: TargetContext): Promise<Omit<SshConnectOptions, 'signal'>> {
  const options: Omit<SshConnectOptions, 'signal'> = { knownHosts: await KnownHostsStore.open(context.knownHostsFile) };
  if (context.acceptHostKey === 'any-new') options.acceptNewHostKey = true;
  else if (context.acceptHostKey !== undefined) options.acceptFingerprint = context.acceptHostKey;
  if (config.auth === 'password') {
    if (context.password === undefined) {
      throw new StudioError('BAD_INPUT', `The target '${config.name}' logs in with a password, and none was given for this session; enter it (it is kept in memory only).`, { target: config.name });
    }
    options.password = context.password;
  } else if (config.auth === 'agent') {
    const socket = process.env.SSH_AUTH_SOCK;
    if (socket === undefined || socket === '') {
      throw new StudioError('BAD_INPUT', `The target '${config.name}' logs in through the SSH agent, but SSH_AUTH_SOCK is not set; start ssh-agent and add the key (ssh-add), or use a key file.`, { target: config.name });
    }
    options.agent = socket;
  } else {
    options.identityFile = expandHome(context.identityFile ?? config.identityFile ?? defaultIdentity(config.name));
  }
  return options;
}

/** "~/.ssh/id_ed25519" as users type it (the form's placeholder invites it). */
function expandHome(file: string): string {
  return file === '~' || file.startsWith('~/') ? join(homedir(), file.slice(1)) : file;
}

/** OpenSSH's own defaults, in its order. */
function defaultIdentity(name: string): string {
  const candidates = ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((file) => join(homedir(), '.ssh', file));
  const found = candidates.find((path) => existsSync(path));
  if (found === undefined) {
    throw new StudioError('BAD_INPUT', worded`The target '${name}' has no key file set and none of ${candidates.join(', ')} exists; choose its key file (${remedy('identity')}).`, { target: name });
  }
  return found;
}
