/**
 * Targets the user adds (SSH boards, serial devices), as stored in the workspace's targets.json.
 * "This computer" is implicit. Secrets never go into the file: a password lives in memory only.
 * Each kind's config is declared by its descriptor (src/shared/plugins/target-kinds); the union is derived.
 */
import { z } from 'zod';
import { TARGET_KINDS, TargetConfig, type StoredTargetKind } from './plugins/target-kinds';

export { TargetConfig } from './plugins/target-kinds';
export { SshAuth, SshTargetConfig } from './plugins/target-kinds/ssh';
export { SerialTargetConfig } from './plugins/target-kinds/serial';
export { AdbTargetConfig } from './plugins/target-kinds/adb';
export { SerialProtocol } from './plugins/serial-protocols';

/** targets.json */
export const TargetsFile = z.object({
  schema: z.literal('edgebench.targets/1'),
  targets: z.array(z.object({ id: z.string(), config: TargetConfig })),
});
export type TargetsFile = z.infer<typeof TargetsFile>;

/** A stored target's kind descriptor: how its spec, form and config read. */
export function storedKindOf<C extends TargetConfig>(config: C): StoredTargetKind {
  const stored = TARGET_KINDS[config.kind].stored;
  // A TargetConfig only exists for stored kinds (its union is built from them).
  return stored as unknown as StoredTargetKind;
}

/** The spec string the CLI takes for a stored target: ssh://user@host:port, serial:///dev/ttyUSB0?baud=N&protocol=P. */
export function targetSpecOf(config: TargetConfig): string {
  return storedKindOf(config).spec.format(config);
}
