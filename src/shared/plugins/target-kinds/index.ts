/**
 * Every target kind, one line each. TargetKind and the stored TargetConfig union are derived from
 * these; the engine's modules (src/core/targets/target-registry.ts) are a table typed by them.
 */
import { z } from 'zod';
import { defineRegistry, registryNames } from '../plugin';
import { adbTargetKind } from './adb';
import { localTargetKind } from './local';
import { serialTargetKind } from './serial';
import { sshTargetKind } from './ssh';

export type { CliSession, StoredTargetKind, TargetCliContext, TargetFormField, TargetFormItem, TargetFormNote, TargetFormSpec, TargetKindDescriptor } from './target-kind';

export const TARGET_KINDS = defineRegistry({
  local: localTargetKind,
  ssh: sshTargetKind,
  serial: serialTargetKind,
  adb: adbTargetKind,
});

export const TargetKind = z.enum(registryNames(TARGET_KINDS));
export type TargetKind = z.infer<typeof TargetKind>;

type Kinds = typeof TARGET_KINDS;
/** Kinds the user adds, stored in targets.json (every kind but This computer). */
export type StoredKindName = { [K in TargetKind]: Kinds[K]['stored'] extends null ? never : K }[TargetKind];
type StoredSchema = { [K in StoredKindName]: NonNullable<Kinds[K]['stored']>['config'] }[StoredKindName];

export const STORED_KINDS = TargetKind.options.filter((kind): kind is StoredKindName => TARGET_KINDS[kind].stored !== null);

/** One entry of targets.json, discriminated by kind. */
export const TargetConfig = z.discriminatedUnion(
  'kind',
  STORED_KINDS.map((kind) => (TARGET_KINDS[kind].stored as NonNullable<Kinds[StoredKindName]['stored']>).config) as unknown as [StoredSchema, ...StoredSchema[]],
);
export type TargetConfig = z.infer<typeof TargetConfig>;
