/**
 * A plug-in's options as CLI flags, read off its zod schema and option specs: the flag's kind and
 * choices come from the schema (a z.enum's values, a number's int-ness and minimum), its name and
 * help from the spec. The CLI parses with these, and reproduce commands write an option back as
 * `--flag value` when it differs from the schema's default, so both ends read one description.
 */
import { z } from 'zod';
import { StudioError } from '../errors';
import type { CliFlagSpec, OptionSpec, OptionsSchema } from './plugin';

/** One option of a plug-in as the CLI sees it. */
export interface OptionFlag {
  /** The option's key in the plug-in's options ('graphOptimizationLevel'). */
  readonly key: string;
  /** The flag without its dashes ('graph-opt'). */
  readonly flag: string;
  readonly spec: CliFlagSpec;
  /** The schema's default: the value without the flag, which a reproduce command leaves out. */
  readonly defaultValue: unknown;
}

/** Any plug-in's option spec (`never` accepts every option's value type). */
type AnyOptionSpec = OptionSpec<never, never>;

function inner(field: z.ZodType): z.ZodType {
  return field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : field;
}

/** The flag of one option, from its schema field and spec; an option type the CLI cannot take is a bug in its descriptor. */
function flagOf(owner: string, key: string, field: z.ZodType, spec: AnyOptionSpec): OptionFlag {
  const type = inner(field);
  const base = { help: spec.help, ...(spec.valueName !== undefined ? { valueName: spec.valueName } : {}) };
  let cli: CliFlagSpec;
  if (type instanceof z.ZodEnum) cli = { ...base, kind: 'choice', choices: type.options.map(String) };
  else if (type instanceof z.ZodNumber) {
    const { minValue: min, maxValue: max } = type;
    cli = { ...base, kind: type.isInt ? 'int' : 'number', ...(min !== null && Number.isFinite(min) ? { min } : {}), ...(max !== null && Number.isFinite(max) ? { max } : {}) };
  } else if (type instanceof z.ZodBoolean) cli = { ...base, kind: 'boolean' };
  else if (type instanceof z.ZodString) cli = { ...base, kind: 'string' };
  else throw new StudioError('INTERNAL', `${owner}'s option ${key} has a type the CLI cannot take as a flag; use an enum, a number, a boolean or a string.`);
  const defaultValue = field.parse(undefined);
  if (cli.kind === 'boolean' && defaultValue !== false) {
    throw new StudioError('INTERNAL', `${owner}'s option ${key} defaults to true, which a flag that sets it cannot undo; make the option default to false.`);
  }
  return { key, flag: spec.flag, spec: cli, defaultValue };
}

/** Every option of a plug-in as a flag, in its schema's order. */
export function optionFlags(owner: string, schema: OptionsSchema, specs: Readonly<Record<string, AnyOptionSpec>>): OptionFlag[] {
  return Object.entries(schema.shape).map(([key, field]) => {
    const spec = specs[key];
    if (spec === undefined) throw new StudioError('INTERNAL', `${owner}'s option ${key} has no option spec (flag, field and report row).`);
    return flagOf(owner, key, field as z.ZodType, spec);
  });
}

/** The arguments that set these options: `--flag value` for each that differs from its default (a boolean as `--flag` alone). */
export function optionArgs(flags: readonly OptionFlag[], options: Readonly<Record<string, unknown>>): string[] {
  return flags.flatMap(({ key, flag, spec, defaultValue }) => {
    const value = options[key];
    if (value === undefined || value === defaultValue) return [];
    return spec.kind === 'boolean' ? [`--${flag}`] : [`--${flag}`, String(value)];
  });
}
