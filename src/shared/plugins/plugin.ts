/**
 * The contract every plug-in descriptor follows. A descriptor is data plus zod, with no Node, DOM
 * or Electron, so the renderer, the CLI, reports and the engine all read the same one: what the
 * plug-in is, what it accepts, its options (typed per plug-in, as onnxruntime's
 * ExecutionProviderOptionMap types options per execution provider), and how each option appears
 * as a CLI flag, in a reproduce command, in a report's settings and in the UI's form.
 * docs/extending.md walks through adding one of each kind.
 */
import type { z } from 'zod';
import { StudioError } from '../errors';

/** What every descriptor says about itself. */
export interface PluginIdentity<Name extends string = string> {
  /** The stable name: the registry key, the CLI's value, what run files record. */
  readonly name: Name;
  /** For people: the UI, messages, reports. */
  readonly label: string;
  /** One line: what it is, for --help and the UI's hints. */
  readonly description: string;
}

/** A flag as the CLI's parser takes it (src/cli/args.ts). */
export interface CliFlagSpec {
  readonly kind: 'boolean' | 'string' | 'int' | 'number' | 'choice';
  readonly help: string;
  readonly valueName?: string;
  readonly choices?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  /** The flag names a file (what file, for messages): the CLI refuses a FIFO, socket or device there and passes the absolute path. */
  readonly file?: string;
  /**
   * Where the studio does what the flag does, so a remedy can name it: a field of the kind's
   * stored form (its key), or an action in words ("Test connection on the Targets page").
   * Absent: "the target's settings on the Targets page".
   */
  readonly ui?: { readonly field: string } | { readonly action: string };
}

/** A form field as the UI draws it; validation comes from the option's zod schema. */
export type FieldSpec =
  | {
      readonly kind: 'select';
      /** Labels of the schema's values, in the order the list shows them (values left out are not offered). */
      readonly choices: Readonly<Record<string, string>>;
    }
  | { readonly kind: 'number' }
  | { readonly kind: 'toggle' }
  | { readonly kind: 'text'; readonly placeholder?: string };

/** A field that only means something while another option has a given value (inter-op threads in parallel mode). */
export interface EnabledWhen<Options> {
  readonly key: keyof Options & string;
  readonly equals: string | number | boolean;
  /** Why it is off otherwise, shown beside the disabled field. */
  readonly reason: string;
}

/** One option of a plug-in: its CLI flag, its form field and its report row. */
export interface OptionSpec<Options, Value> {
  /** The UI's label; remedies name it as "the <label> field". */
  readonly label: string;
  /** The CLI flag without its dashes ('graph-opt'); it is written back into reproduce commands. */
  readonly flag: string;
  /** The flag's --help line. */
  readonly help: string;
  /** What the flag's value looks like in --help, when the schema's choices do not say it. */
  readonly valueName?: string;
  readonly field: FieldSpec & {
    /** The hint under the field. */
    readonly hint?: string;
    /** A stable data-testid for the UI's tests (default: the flag). */
    readonly testId?: string;
    readonly enabledWhen?: EnabledWhen<Options>;
  };
  /**
   * How the value reads in a report's settings: "graph opt all". `label` '' shows the value alone;
   * `text` formats it (default String(value)).
   */
  readonly report: { readonly label: string; readonly text?: (value: Value) => string };
}

/** Every key of a plug-in's options has its spec: a new option without a flag, field and report row is a compile error. */
export type OptionSpecs<Options> = { readonly [K in keyof Options & string]-?: OptionSpec<Options, Options[K]> };

/** A zod object whose every field has a default, so `parse({})` gives the plug-in's defaults. */
export type OptionsSchema = z.ZodObject<z.ZodRawShape>;

/**
 * A registry: one entry per plug-in, keyed by its name (the type checks that each key is its
 * entry's name). Its order is the order of CLI choices, UI lists and the derived enum.
 */
export function defineRegistry<const R extends { readonly [K in keyof R]: { readonly name: K } }>(registry: R): R {
  return registry;
}

/**
 * The name tuple `z.enum` takes, from a registry object's keys. The registry's order is the
 * enum's order (CLI choices, UI lists, the JSON schema).
 */
export function registryNames<R extends Record<string, unknown>>(registry: R): [keyof R & string, ...(keyof R & string)[]] {
  const names = Object.keys(registry) as Array<keyof R & string>;
  if (names.length === 0) throw new StudioError('INTERNAL', 'A registry that names an enum needs at least one entry.');
  return names as [keyof R & string, ...(keyof R & string)[]];
}

/** A record with one entry per name, in the names' order. */
export function recordOf<K extends string, V>(names: readonly K[], value: (name: K) => V): Record<K, V> {
  return Object.fromEntries(names.map((name) => [name, value(name)])) as Record<K, V>;
}
