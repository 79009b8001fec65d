/**
 * What a target kind descriptor says: the shared half of a kind (its engine half, which opens a
 * connection and runs cells, is in src/core/targets/target-registry.ts's table).
 */
import type { z } from 'zod';
import type { BenchSettingKey } from '../bench-settings';
import type { CliFlagSpec, PluginIdentity } from '../plugin';

/** The values of a kind's own CLI flags (file flags already checked and made absolute), and the environment. */
export interface CliSession {
  readonly flags: Readonly<Record<string, string | boolean | undefined>>;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * What the engine's connections take from a kind's own CLI flags, read once for every target of
 * the kind (src/core/targets/target-registry.ts's TargetContext holds these fields and more).
 */
export interface TargetCliContext {
  /** OpenSSH-format known_hosts file holding pinned host keys. */
  readonly knownHostsFile?: string;
  /** Trust the host key of a board seen for the first time. */
  readonly acceptHostKey?: 'any-new';
  /** A password for this session only (from an environment variable, never a flag). */
  readonly password?: string;
  /** A private key file overriding the targets' own. */
  readonly identityFile?: string;
}

/** How the CLI names a target of this kind: `--target ssh://pi@host:22`. */
export interface TargetSpecSyntax<Config> {
  /** What a spec starts with ('ssh://'). */
  readonly scheme: string;
  /** For --help and messages: 'ssh://USER@HOST:PORT'. */
  readonly syntax: string;
  /** A spec as the CLI takes it, completed by the kind's own flags (an SSH key, a password variable); throws BAD_INPUT in one sentence. */
  parse(text: string, session: CliSession): Config;
  /** A stored target's spec: what the Targets page shows and runs record (target.spec). */
  format(config: Config): string;
}

/** A field of the Targets page's form, as typed text. */
export interface TargetFormField {
  /** The form value it edits. */
  readonly key: string;
  readonly label: string;
  /** text: one line typed; choice: one of `choices`, as radio buttons. */
  readonly kind: 'text' | 'choice';
  readonly hint?: string;
  readonly placeholder?: string;
  /** Values offered under a text field (a datalist), e.g. common baud rates. */
  readonly suggestions?: readonly string[];
  readonly choices?: ReadonlyArray<{ readonly value: string; readonly label: string; readonly hint?: string }>;
  /** Shown only while another field holds one of these values (the key file, for auth 'key'). */
  readonly showWhen?: { readonly key: string; readonly in: readonly string[] };
  /** The field's width class in the studio's stylesheet ('grow' takes the row's free space). */
  readonly className?: string;
  /** data-testid: `${testId}` on a text input, `${testId}-${value}` on each choice. */
  readonly testId: string;
}

/** A sentence under the fields, with an optional link (to the Devices page). */
export interface TargetFormNote {
  readonly text: string;
  readonly link?: { readonly href: string; readonly text: string; readonly after: string; readonly testId: string };
  readonly showWhen?: { readonly key: string; readonly in: readonly string[] };
  readonly testId?: string;
}

export type TargetFormItem = { readonly row: readonly TargetFormField[] } | { readonly field: TargetFormField } | { readonly note: TargetFormNote };

export type FormValues = Readonly<Record<string, string>>;

/** The Targets page's Add/Edit form for a kind: what it shows, and how typed text becomes a stored config. */
export interface TargetFormSpec<Config> {
  /** Beside the kind's choice in the Add form. */
  readonly kindHint: string;
  /** What Test connection does for a target of this kind, shown on its card until it is first tested. */
  readonly testNote: string;
  readonly namePlaceholder: string;
  readonly items: readonly TargetFormItem[];
  /** A new target's values. */
  readonly defaults: FormValues;
  fromConfig(config: Config): FormValues;
  /** The config to store (named `name`), or one sentence per wrong field saying what to type. */
  toConfig(values: FormValues, name: string): { ok: true; config: Config } | { ok: false; errors: Record<string, string> };
}

/** The schema of a stored target: an object discriminated by `kind`. */
export type StoredConfigSchema<Name extends string = string> = z.ZodObject<{ kind: z.ZodLiteral<Name> } & z.ZodRawShape>;

/** A kind the user adds and the workspace stores in targets.json. */
export interface StoredTargetKind<Schema extends StoredConfigSchema = StoredConfigSchema> {
  /** Its entry in targets.json. */
  readonly config: Schema;
  readonly spec: TargetSpecSyntax<z.output<Schema>>;
  readonly form: TargetFormSpec<z.output<Schema>>;
}

export interface TargetKindDescriptor<Name extends string = string, Stored extends StoredTargetKind | null = StoredTargetKind | null> extends PluginIdentity<Name> {
  /** null: the one implicit target, This computer (never stored, the default --target, no spec in a reproduce command). */
  readonly stored: Stored;
  /**
   * computer: an application CPU that runs the studio's runners (ONNX variants can be made for
   * it, by its probed CPU). microcontroller: a board running firmware, which runs TFLite models.
   */
  readonly processor: 'computer' | 'microcontroller';
  /** The benchmark settings its runs honour: reproduce commands write only these, remedies never advise another (no --threads for a microcontroller). */
  readonly benchSettings: readonly BenchSettingKey[];
  /** Its own CLI flags (bench, targets probe, quantize --for), read by `stored.spec.parse` and `cliContext`. */
  readonly cliFlags: Readonly<Record<string, CliFlagSpec>>;
  /** What its flags give the engine's connections (a key file, a password from the environment); throws BAD_INPUT in one sentence. */
  readonly cliContext?: (session: CliSession) => TargetCliContext;
}

/** Declares a stored kind (its config, spec and form checked against its schema), or with `stored: null` the implicit one. */
export function defineTargetKind<const Name extends string, Schema extends StoredConfigSchema<Name>>(
  descriptor: TargetKindDescriptor<Name, StoredTargetKind<Schema>>,
): TargetKindDescriptor<Name, StoredTargetKind<Schema>>;
export function defineTargetKind<const Name extends string>(descriptor: TargetKindDescriptor<Name, null>): TargetKindDescriptor<Name, null>;
export function defineTargetKind(descriptor: TargetKindDescriptor): TargetKindDescriptor {
  return descriptor;
}
