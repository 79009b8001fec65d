/** What the renderer shows of a target's kind, from the target kind registry (src/shared/plugins/target-kinds). */
import type { TargetEntry } from '../../shared/contract';
import { SERIAL_PROTOCOLS, SerialProtocol } from '../../shared/plugins/serial-protocols';
import { TARGET_KINDS, type TargetKind } from '../../shared/plugins/target-kinds';

/** The one implicit target (This computer): its kind is never stored, has no spec and is the default target. */
export function isImplicitTarget(target: Pick<TargetEntry, 'kind'>): boolean {
  return TARGET_KINDS[target.kind].stored === null;
}

/** The implicit target goes by its kind's label ("This computer"), a stored one by its name. */
export function targetTitle(target: Pick<TargetEntry, 'kind' | 'name'>): string {
  return isImplicitTarget(target) ? TARGET_KINDS[target.kind].label : target.name;
}

/*
 * The short badges the studio has always shown beside a target ('local', 'SSH', 'serial'). The
 * descriptors carry no short label yet (the lead is told); a kind without one here shows its label.
 */
const BADGES: Partial<Record<TargetKind, string>> = { local: 'local', ssh: 'SSH', serial: 'serial' };

export function kindBadge(kind: TargetKind): string {
  return BADGES[kind] ?? TARGET_KINDS[kind].label;
}

/** A board running firmware (the Devices page's targets), not a computer that runs the studio's runners. */
export function isMicrocontroller(target: Pick<TargetEntry, 'kind'>): boolean {
  return TARGET_KINDS[target.kind].processor === 'microcontroller';
}

/** The Devices page's simulated boards: every protocol that has one, in registry order (the first is the primary button). */
export const SIMULATED_BOARDS = SerialProtocol.options.flatMap((protocol) => {
  const simulated = SERIAL_PROTOCOLS[protocol].simulated;
  return simulated === undefined ? [] : [{ protocol, ...simulated }];
});
