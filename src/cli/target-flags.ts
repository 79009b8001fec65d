/**
 * --target SPEC (repeatable) and the target kinds' own flags (an SSH key, a known_hosts file...),
 * shared by `bench`, `targets probe` and `quantize --for`. Both come from the target kind
 * descriptors (src/shared/plugins/target-kinds): a spec is the implicit kind's name (`local`) or
 * starts with a stored kind's scheme, whose `spec.parse` reads it with the kind's flags.
 */
import { statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StudioError } from '../shared/errors';
import { specialFileKind } from '../core/file-kind';
import type { CliFlagSpec } from '../shared/plugins/plugin';
import { STORED_KINDS, TARGET_KINDS, TargetKind, type CliSession, type StoredKindName, type TargetCliContext } from '../shared/plugins/target-kinds';
import type { TargetConfig } from '../shared/targets';
import type { TargetContext } from '../core/targets/target-registry';
import { flagBool, flagString, type FlagSpec, type FlagSpecs, type ParsedArgs } from './args';

/** The kind a target is when no --target is given (This computer), named by its descriptor. */
export const DEFAULT_TARGET_KIND = TargetKind.options.find((kind) => TARGET_KINDS[kind].stored === null) ?? 'local';

/** A stored kind's descriptor half that reads and writes specs. */
export function specSyntaxOf(kind: StoredKindName): NonNullable<(typeof TARGET_KINDS)[StoredKindName]['stored']>['spec'] {
  return (TARGET_KINDS[kind].stored as NonNullable<(typeof TARGET_KINDS)[StoredKindName]['stored']>).spec;
}

/** "local, ssh://USER@HOST:PORT or serial://PATH?…": the implicit kind and each stored kind's syntax, for --help and messages. */
export function targetSyntaxList(kinds: readonly TargetKind[] = TargetKind.options): string {
  const names = kinds.map((kind) => (kind === DEFAULT_TARGET_KIND ? kind : specSyntaxOf(kind as StoredKindName).syntax));
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

function flagSpecOf(spec: CliFlagSpec): FlagSpec {
  return {
    kind: spec.kind,
    help: spec.help,
    ...(spec.valueName !== undefined ? { valueName: spec.valueName } : {}),
    ...(spec.choices !== undefined ? { choices: spec.choices } : {}),
    ...(spec.min !== undefined ? { min: spec.min } : {}),
  };
}

/** The given kinds' own flags, in registry order (a flag two kinds share is declared once). */
export function targetKindFlags(kinds: readonly TargetKind[] = TargetKind.options): FlagSpecs {
  return Object.fromEntries(kinds.flatMap((kind) => Object.entries(TARGET_KINDS[kind].cliFlags).map(([name, spec]) => [name, flagSpecOf(spec)])));
}

export const targetFlags: FlagSpecs = {
  target: {
    kind: 'assignments',
    valueName: 'SPEC',
    help: `Where to run: ${[`${DEFAULT_TARGET_KIND} (default)`, ...STORED_KINDS.map((kind) => specSyntaxOf(kind).syntax)].join(', ')} (repeatable: targets run in parallel).`,
  },
  ...targetKindFlags(),
};

export type CliTarget = { kind: 'local' } | { kind: 'remote'; spec: string; config: TargetConfig };

/**
 * The file a flag names, refused in one sentence when it is a FIFO, socket or device: the SSH
 * code reads the key and the known_hosts file with readFile, which on a FIFO blocks forever in a
 * thread no signal reaches (see file-kind.ts). stat() does not open the file, so it never blocks.
 */
function fileFlag(args: ParsedArgs, flag: string, what: string): string | undefined {
  const file = flagString(args, flag);
  if (file === undefined) return undefined;
  let kind: string | undefined;
  try {
    kind = specialFileKind(statSync(file));
  } catch {
    // Missing or unreadable: the kind's code says so in its own words.
    return file;
  }
  if (kind !== undefined) {
    throw new StudioError('BAD_INPUT', `--${flag} '${file}' is ${kind}, not a regular file: give the path of ${what} itself.`, { flag, file, kind });
  }
  return file;
}

/** Every kind's flags as given (file flags checked and made absolute), with the environment: what `spec.parse` reads. */
function cliSession(args: ParsedArgs): CliSession {
  const flags: Record<string, string | boolean | undefined> = {};
  for (const kind of TargetKind.options) {
    for (const [name, spec] of Object.entries(TARGET_KINDS[kind].cliFlags)) {
      if (spec.kind === 'boolean') flags[name] = flagBool(args, name);
      else if (spec.file !== undefined) {
        const file = fileFlag(args, name, spec.file);
        flags[name] = file === undefined ? undefined : path.resolve(file);
      } else flags[name] = args.flags.get(name)?.[0]?.toString();
    }
  }
  return { flags, env: process.env };
}

/** The stored kind whose scheme starts the spec. */
export function storedKindOfSpec(spec: string): StoredKindName | undefined {
  return STORED_KINDS.find((kind) => spec.startsWith(specSyntaxOf(kind).scheme));
}

export function parseTargets(args: ParsedArgs): CliTarget[] {
  const specs = (args.flags.get('target') ?? [DEFAULT_TARGET_KIND]).map(String);
  const session = cliSession(args);
  return specs.map((spec): CliTarget => {
    if (spec === DEFAULT_TARGET_KIND) return { kind: 'local' };
    const kind = storedKindOfSpec(spec);
    if (kind !== undefined) return { kind: 'remote', spec, config: specSyntaxOf(kind).parse(spec, session) as TargetConfig };
    throw new StudioError('BAD_INPUT', `--target '${spec}' is not a target: use ${targetSyntaxList()}.`, {
      flag: 'target',
    });
  });
}

/** What the kinds' flags give the connections (each kind's descriptor reads its own), with the default known_hosts file. */
export function targetContext(args: ParsedArgs, onLog?: TargetContext['onLog']): TargetContext {
  const session = cliSession(args);
  const fromKinds = Object.assign({}, ...TargetKind.options.map((kind) => TARGET_KINDS[kind].cliContext?.(session) ?? {})) as TargetCliContext;
  return {
    ...fromKinds,
    knownHostsFile: fromKinds.knownHostsFile ?? path.join(os.homedir(), '.ssh', 'known_hosts'),
    ...(onLog ? { onLog } : {}),
  };
}
