import { StudioError } from '../../shared/errors';
import { defaultWorkspaceDir } from '../../core/workspace/default-dir';
import { runServe } from '../../server/serve-command';
import { flagBool, flagNumber, flagString, formatHelp, parseArgs, type FlagSpecs } from '../args';
import type { CommandIo } from '../io';

const flags: FlagSpecs = {
  port: { kind: 'int', min: 0, help: 'Port on 127.0.0.1; 0 (the default) picks a free one.' },
  workspace: { kind: 'string', valueName: 'DIR', help: 'Workspace folder (default: the desktop app\'s, in your user data folder).' },
  help: { kind: 'boolean', help: 'Show this help.' },
};

export const serveHelp = formatHelp(
  'edgebench serve [--port N] [--workspace DIR]',
  'Serves the studio UI on http://127.0.0.1 for a browser on this machine, guarded by a fresh token\nin the printed URL. Stop it with Ctrl+C.',
  flags,
);

export async function serveCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseArgs('serve', argv, flags);
  if (flagBool(args, 'help')) {
    io.out(serveHelp);
    return 0;
  }
  const port = flagNumber(args, 'port') ?? 0;
  if (port > 65535) {
    throw new StudioError('BAD_INPUT', `--port expects a port number from 0 to 65535, got '${port}'.`, { flag: 'port' });
  }
  await runServe({ port, workspaceDir: flagString(args, 'workspace') ?? defaultWorkspaceDir(), signal: io.signal, io });
  return 0;
}
