/**
 * A small, typed flag parser. Every mistake becomes a StudioError('BAD_INPUT') whose message
 * names the flag and says what to pass, which the CLI turns into exit code 2.
 */
import { StudioError } from '../shared/errors';

export type FlagKind = 'boolean' | 'int' | 'number' | 'string' | 'assignments' | 'intList' | 'choice' | 'choiceList';

export interface FlagSpec {
  kind: FlagKind;
  /** Shown in --help. */
  help: string;
  /** For int/number: the smallest and largest values accepted. */
  min?: number;
  max?: number;
  /** For --help: what the value looks like ("N", "FILE", "NAME=1x512"). */
  valueName?: string;
  /** For choice / choiceList: the accepted values. */
  choices?: readonly string[];
}

export type FlagSpecs = Record<string, FlagSpec>;

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, Array<string | number | boolean>>;
}

export function parseArgs(command: string, argv: string[], specs: FlagSpecs): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, Array<string | number | boolean>>();
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (token === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!token.startsWith('-') || token === '-') {
      positionals.push(token);
      continue;
    }
    const [rawName, inlineValue] = splitOnce(token.replace(/^--?/, ''), '=');
    const name = rawName === 'h' ? 'help' : rawName;
    const spec = specs[name];
    if (!spec) {
      throw new StudioError(
        'BAD_INPUT',
        `Unknown flag '${token.split('=')[0]}' for 'edgebench ${command}'. Run 'edgebench ${command} --help' to see the flags it takes.`,
        { flag: token },
      );
    }
    let value: string | number | boolean;
    if (spec.kind === 'boolean') {
      if (inlineValue !== undefined) {
        throw new StudioError('BAD_INPUT', `--${name} takes no value; pass it alone.`, { flag: name });
      }
      value = true;
    } else {
      const raw = inlineValue ?? argv[++i];
      if (raw === undefined || (inlineValue === undefined && raw.startsWith('--'))) {
        throw new StudioError('BAD_INPUT', `--${name} needs a value, e.g. --${name} ${example(spec)}.`, { flag: name });
      }
      value = convert(name, raw, spec);
    }
    const list = flags.get(name) ?? [];
    if (list.length > 0 && spec.kind !== 'assignments') {
      throw new StudioError('BAD_INPUT', `--${name} was given twice; pass it once.`, { flag: name });
    }
    list.push(value);
    flags.set(name, list);
  }
  return { positionals, flags };
}

function convert(name: string, raw: string, spec: FlagSpec): string | number {
  if (spec.kind === 'intList') {
    const parts = raw.split(',').map((part) => part.trim());
    const min = spec.min ?? 0;
    if (parts.some((part) => !/^\d+$/.test(part) || Number(part) < min)) {
      throw new StudioError('BAD_INPUT', `--${name} expects whole numbers of at least ${min} separated by commas (e.g. --${name} 1,2,4), got '${raw}'.`, {
        flag: name,
      });
    }
    return raw;
  }
  if (spec.kind === 'choice' || spec.kind === 'choiceList') {
    const parts = spec.kind === 'choice' ? [raw] : raw.split(',').map((part) => part.trim());
    const bad = parts.find((part) => !(spec.choices ?? []).includes(part));
    if (bad !== undefined) {
      throw new StudioError('BAD_INPUT', `--${name} expects ${spec.kind === 'choiceList' ? 'one or more of' : 'one of'} ${(spec.choices ?? []).join(', ')}; got '${bad}'.`, {
        flag: name,
      });
    }
    return raw;
  }
  if (spec.kind === 'int' || spec.kind === 'number') {
    const numeric = spec.kind === 'int' ? /^-?\d+$/.test(raw) : /^-?(\d+\.?\d*|\.\d+)(e-?\d+)?$/i.test(raw);
    const value = Number(raw);
    const min = spec.min ?? Number.NEGATIVE_INFINITY;
    const max = spec.max ?? Number.POSITIVE_INFINITY;
    if (!numeric || !Number.isFinite(value) || value < min || value > max) {
      const what = spec.kind === 'int' ? 'a whole number' : 'a number';
      const bound = Number.isFinite(min) && Number.isFinite(max) ? ` from ${min} to ${max}` : Number.isFinite(min) ? ` of at least ${min}` : Number.isFinite(max) ? ` of at most ${max}` : '';
      throw new StudioError('BAD_INPUT', `--${name} expects ${what}${bound}, got '${raw}'.`, { flag: name });
    }
    return value;
  }
  return raw;
}

function example(spec: FlagSpec): string {
  if (spec.choices?.[0]) return spec.choices[0];
  if (spec.valueName) return spec.valueName;
  return spec.kind === 'int' || spec.kind === 'number' ? String(Math.max(spec.min ?? 1, 1)) : 'VALUE';
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

export function flagBool(args: ParsedArgs, name: string): boolean {
  return args.flags.get(name)?.[0] === true;
}

export function flagNumber(args: ParsedArgs, name: string): number | undefined {
  const value = args.flags.get(name)?.[0];
  return typeof value === 'number' ? value : undefined;
}

/** A comma-separated list flag (intList / choiceList), split. */
export function flagList(args: ParsedArgs, name: string): string[] | undefined {
  const value = flagString(args, name);
  return value === undefined ? undefined : value.split(',').map((part) => part.trim());
}

export function flagString(args: ParsedArgs, name: string): string | undefined {
  const value = args.flags.get(name)?.[0];
  return typeof value === 'string' ? value : undefined;
}

/** --shape NAME=1x3x224x224 (repeatable) → { NAME: [1,3,224,224] } */
export function parseShapes(args: ParsedArgs): Record<string, number[]> {
  const shapes: Record<string, number[]> = {};
  for (const raw of args.flags.get('shape') ?? []) {
    const [name, dims] = splitOnce(String(raw), '=');
    const parts = dims?.split(/[x,]/) ?? [];
    if (!name || !dims || parts.length === 0 || parts.some((p) => !/^\d+$/.test(p))) {
      throw new StudioError(
        'BAD_INPUT',
        `--shape expects NAME=DIMS with dimensions joined by 'x' (e.g. --shape input=1x3x224x224), got '${String(raw)}'.`,
        { flag: 'shape' },
      );
    }
    shapes[name] = parts.map(Number);
  }
  return shapes;
}

/** --value NAME=16000 (repeatable) → { NAME: 16000 } */
export function parseValues(args: ParsedArgs): Record<string, number> {
  const values: Record<string, number> = {};
  for (const raw of args.flags.get('value') ?? []) {
    const [name, text] = splitOnce(String(raw), '=');
    const value = Number(text);
    if (!name || text === undefined || text.trim() === '' || !Number.isFinite(value)) {
      throw new StudioError('BAD_INPUT', `--value expects NAME=NUMBER (e.g. --value sample_rate=16000), got '${String(raw)}'.`, {
        flag: 'value',
      });
    }
    values[name] = value;
  }
  return values;
}

export function formatHelp(usage: string, description: string, specs: FlagSpecs): string {
  const rows = Object.entries(specs).map(([name, spec]) => {
    const value = spec.valueName ?? (spec.choices ? spec.choices.join('|') : spec.kind === 'string' ? 'VALUE' : 'N');
    const left = spec.kind === 'boolean' ? `--${name}` : `--${name} ${value}`;
    return `  ${left.padEnd(28)} ${spec.help}`;
  });
  return `Usage: ${usage}\n\n${description}\n\nFlags:\n${rows.join('\n')}\n`;
}
