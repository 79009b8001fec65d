/**
 * Targets the user adds (SSH boards, serial devices), as stored in the workspace's targets.json.
 * "This computer" is implicit. Secrets never go into the file: a password lives in memory only.
 */
import { z } from 'zod';

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

export const SerialProtocol = z.enum(['edgebench', 'mlperf-tiny']);

export const SerialTargetConfig = z.object({
  kind: z.literal('serial'),
  name: z.string().min(1).max(100),
  path: z.string().min(1).max(1000),
  /** 'auto' tries the usual rates. */
  baudRate: z.union([z.number().int().min(300).max(12_000_000), z.literal('auto')]).default('auto'),
  protocol: SerialProtocol.default('edgebench'),
});
export type SerialTargetConfig = z.infer<typeof SerialTargetConfig>;

export const TargetConfig = z.discriminatedUnion('kind', [SshTargetConfig, SerialTargetConfig]);
export type TargetConfig = z.infer<typeof TargetConfig>;

/** targets.json */
export const TargetsFile = z.object({
  schema: z.literal('edgebench.targets/1'),
  targets: z.array(z.object({ id: z.string(), config: TargetConfig })),
});
export type TargetsFile = z.infer<typeof TargetsFile>;

/** The spec string the CLI takes for a stored target: ssh://user@host:port, serial:///dev/ttyUSB0?baud=N&protocol=P. */
export function targetSpecOf(config: TargetConfig): string {
  if (config.kind === 'ssh') return `ssh://${encodeURIComponent(config.user)}@${config.host}:${config.port}`;
  const baud = config.baudRate === 'auto' ? '' : `baud=${config.baudRate}&`;
  return `serial://${config.path}?${baud}protocol=${config.protocol}`;
}
