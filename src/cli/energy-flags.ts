/**
 * `edgebench bench --energy [SOURCE]`: the flags, from the power sources' descriptors, and the
 * request they make. `--energy` alone means the default source (RAPL on this computer); the
 * parser takes a value for every non-boolean flag, so a bare --energy is given its default here,
 * before parsing, when the next word is not a source's name.
 */
import { POWER_SOURCES, PowerSourceName, DEFAULT_POWER_SOURCE } from '../shared/plugins/power-sources';
import { StudioError } from '../shared/errors';
import type { EnergyRequest } from '../core/power/cell-meter';
import { flagNumber, flagString, type FlagSpecs, type ParsedArgs } from './args';

const rapl = POWER_SOURCES.rapl;
// "tegrastats, pi-pmic on ssh targets; android on adb targets": each board source with the kinds it measures, read with the board's own tool.
const onBoards = PowerSourceName.options
  .filter((name) => POWER_SOURCES[name].engine.kind === 'bench' && !POWER_SOURCES[name].targetKinds.includes('local'))
  .reduce<Map<string, string[]>>((byKind, name) => byKind.set(POWER_SOURCES[name].targetKinds.join('/'), [...(byKind.get(POWER_SOURCES[name].targetKinds.join('/')) ?? []), name]), new Map());
const onBoardsText = [...onBoards].map(([kinds, names]) => `${names.join(', ')} on ${kinds} targets`).join('; ');

export const energyFlags: FlagSpecs = {
  energy: {
    kind: 'choice',
    choices: PowerSourceName.options,
    valueName: 'SOURCE',
    help: `Measure energy per inference, idle baseline subtracted; alone: ${DEFAULT_POWER_SOURCE}, this computer's RAPL counters; ${onBoardsText}, read with the board's own tool (${PowerSourceName.options.filter((name) => POWER_SOURCES[name].engine.kind === 'parser').join(', ')}: not read during runs).`,
  },
  [rapl.optionSpecs.intervalMs.flag]: { kind: 'int', min: 5, max: 1000, valueName: 'MS', help: rapl.optionSpecs.intervalMs.help },
  [rapl.optionSpecs.idleMs.flag]: { kind: 'int', min: 100, max: 60_000, valueName: 'MS', help: rapl.optionSpecs.idleMs.help },
};

/** `--energy` with no source after it becomes `--energy=DEFAULT`; `--energy rapl` and `--energy=rapl` are left alone. */
export function withEnergyDefault(argv: readonly string[]): string[] {
  const names: readonly string[] = PowerSourceName.options;
  return argv.map((token, i) => {
    if (token !== '--energy') return token;
    const next = argv[i + 1];
    return next !== undefined && names.includes(next) ? token : `--energy=${DEFAULT_POWER_SOURCE}`;
  });
}

/** What the flags asked for, or null without --energy. */
export function energyRequestFromArgs(args: ParsedArgs): EnergyRequest | null {
  const source = flagString(args, 'energy');
  if (source === undefined) {
    const orphan = [rapl.optionSpecs.intervalMs.flag, rapl.optionSpecs.idleMs.flag].find((flag) => args.flags.has(flag));
    if (orphan !== undefined) throw new StudioError('BAD_INPUT', `--${orphan} sets how energy is measured; add --energy, or drop --${orphan}.`, { flag: orphan });
    return null;
  }
  const name = PowerSourceName.parse(source);
  const descriptor = POWER_SOURCES[name];
  const given = { intervalMs: flagNumber(args, rapl.optionSpecs.intervalMs.flag), idleMs: flagNumber(args, rapl.optionSpecs.idleMs.flag) };
  const parsed = descriptor.options.safeParse(Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const flag = issue?.path[0] === 'idleMs' ? rapl.optionSpecs.idleMs.flag : rapl.optionSpecs.intervalMs.flag;
    throw new StudioError('BAD_INPUT', `--${flag} is out of range for --energy ${name} (${issue?.message ?? 'invalid'}); ${descriptor.optionSpecs.intervalMs.field.hint ?? ''}.`.replace(/; \.$/, '.'), { flag });
  }
  return { source: name, intervalMs: parsed.data.intervalMs, idleMs: parsed.data.idleMs };
}
