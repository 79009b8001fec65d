/**
 * `edgebench energy import RUN.json SESSION`: MLPerf Tiny's energy mode measured with EEMBC's
 * EnergyRunner (a set-up the studio does not drive: the board behind an IO manager and an energy
 * monitor), imported into a run's energy from the session's files (src/core/power/energyrunner.ts).
 * SESSION is the session's folder (log.txt, results.txt, trace1-energy.bin, trace1-timestamps.json,
 * whichever are there) or its results.txt alone.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { energyRunnerEnergy, type EnergyRunnerFiles } from '../../core/power/energyrunner';
import { writeJsonAtomic } from '../../core/workspace/atomic-write';
import { energyLines } from '../../shared/energy';
import { StudioError } from '../../shared/errors';
import { flagBool, flagString, formatHelp, parseArgs, type FlagSpecs } from '../args';
import type { CommandIo } from '../io';
import { loadOne } from './compare';

const flags: FlagSpecs = {
  out: { kind: 'string', valueName: 'FILE', help: 'Write the run with its energy to FILE instead of back into RUN.json (atomically either way).' },
  json: { kind: 'boolean', help: 'Print the energy as JSON.' },
  help: { kind: 'boolean', help: 'Show this help.' },
};

export const energyHelp = formatHelp(
  'edgebench energy import RUN.json SESSION [--out FILE] [--json]',
  [
    "Imports MLPerf Tiny's energy mode, measured with EEMBC's EnergyRunner, into a run's energy: SESSION is the",
    "runner's session folder (log.txt, results.txt, and where saved its monitor's trace1-energy.bin with",
    'trace1-timestamps.json) or a results.txt. With the trace, each window is integrated here between the DUT\'s',
    "timestamps at the trace's own sample rate; without it, the monitor's own figures per window are taken. The",
    "figure is the median of the windows' energy per inference with no idle baseline subtracted (MLPerf Tiny's",
    'metric), and carries its method, rail (the DUT supply, monitor and voltage) and sample rate.',
  ].join('\n'),
  flags,
);

const SESSION_FILES: Record<keyof EnergyRunnerFiles, string> = { log: 'log.txt', results: 'results.txt', trace: 'trace1-energy.bin', timestamps: 'trace1-timestamps.json' };

async function sessionFiles(session: string): Promise<EnergyRunnerFiles> {
  if (!existsSync(session)) throw new StudioError('FILE_NOT_FOUND', `The EnergyRunner session '${session}' does not exist; give its folder or its results.txt.`, { file: session });
  if (!statSync(session).isDirectory()) return { results: await readFile(session, 'utf8') };
  const files: EnergyRunnerFiles = {};
  for (const [key, name] of Object.entries(SESSION_FILES) as Array<[keyof EnergyRunnerFiles, string]>) {
    const file = path.join(session, name);
    if (!existsSync(file)) continue;
    if (key === 'trace') files.trace = new Uint8Array(await readFile(file));
    else files[key] = await readFile(file, 'utf8');
  }
  if (files.results === undefined && files.trace === undefined) {
    throw new StudioError('BAD_INPUT', `The folder '${session}' has neither results.txt nor trace1-energy.bin: give an EnergyRunner ML Energy session's folder.`, { file: session });
  }
  return files;
}

export async function energyCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseArgs('energy', argv, flags);
  if (flagBool(args, 'help')) {
    io.out(energyHelp);
    return 0;
  }
  const [action, runFile, session, ...extra] = args.positionals;
  if (action !== 'import' || runFile === undefined || session === undefined || extra.length > 0) {
    throw new StudioError('BAD_INPUT', "edgebench energy takes 'import RUN.json SESSION', e.g. 'edgebench energy import run.json ~/eembc/runner/sessions/20220929192730'.");
  }
  const loaded = await loadOne(runFile, 'run', 'Give one run file.');
  const energy = energyRunnerEnergy(await sessionFiles(session));
  const out = path.resolve(flagString(args, 'out') ?? runFile);
  await writeJsonAtomic(out, { ...loaded.run, energy });
  if (flagBool(args, 'json')) io.out(JSON.stringify(energy, null, 2));
  else io.out([`${loaded.run.model.name} on ${loaded.run.target.name}:`, ...energyLines(energy), `  written to ${out}`].join('\n'));
  return 0;
}
