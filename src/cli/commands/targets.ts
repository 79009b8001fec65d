import { StudioError } from '../../shared/errors';
import { connectOptions } from '../../core/targets/ssh/ssh-matrix-target';
import { onnxruntimeNodePackage } from '../../core/targets/ssh/node-runner-bundle';
import { boardRuntimes } from '../../core/targets/ssh/ssh-probe';
import { SshTargetSession } from '../../core/targets/ssh/ssh-target';
import { testTarget } from '../../core/targets/target-registry';
import { flagBool, formatHelp, parseArgs, type FlagSpecs } from '../args';
import { formatBytes } from '../../shared/units';
import type { CommandIo } from '../io';
import { STORED_KINDS } from '../../shared/plugins/target-kinds';
import { parseTargets, specSyntaxOf, targetContext, targetKindFlags, targetSyntaxList } from '../target-flags';

const flags: FlagSpecs = {
  ...targetKindFlags(),
  json: { kind: 'boolean', help: 'Print JSON only.' },
  help: { kind: 'boolean', help: 'Show this help.' },
};

export const targetsHelp = formatHelp(
  'edgebench targets probe TARGET [--identity KEY] [--known-hosts FILE] [--accept-new-host-key] [--json]',
  [
    'Connects to a board and says what it is: arch, CPU, cores, CPU features, memory, OS and kernel, board model,',
    'temperature and throttling (Raspberry Pi), power mode (Jetson), Python and Node with the runtimes they have,',
    `and native benchmark tools on the PATH. TARGET is ${targetSyntaxList(STORED_KINDS)}.`,
  ].join('\n'),
  flags,
);

export async function targetsCommand(argv: string[], io: CommandIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    io.out(targetsHelp);
    return 0;
  }
  if (sub !== 'probe') throw new StudioError('BAD_INPUT', `Unknown 'edgebench targets ${sub}'; the subcommand is 'probe'. Run 'edgebench targets --help'.`);
  const args = parseArgs('targets probe', rest, flags);
  if (flagBool(args, 'help')) {
    io.out(targetsHelp);
    return 0;
  }
  const [spec, ...extra] = args.positionals;
  if (!spec || extra.length > 0) throw new StudioError('BAD_INPUT', "edgebench targets probe takes one target, e.g. 'edgebench targets probe ssh://pi@192.168.1.20:22'.");
  args.flags.set('target', [spec]);
  const [target] = parseTargets(args);
  if (!target || target.kind === 'local') {
    throw new StudioError('BAD_INPUT', `'${spec}' needs no probe: run 'edgebench bench' here, or give ${STORED_KINDS.map((kind) => `${specSyntaxOf(kind).scheme}…`).join(' or ')}.`);
  }
  const context = targetContext(args);
  const json = flagBool(args, 'json');

  // An SSH board's probe also lists its runtimes and native tools (SSH's own engine code); other kinds say what their test finds.
  if (target.config.kind === 'ssh') {
    const config = target.config;
    const session = new SshTargetSession({ name: config.name, host: config.host, port: config.port, user: config.user }, { connect: await connectOptions(config, context) });
    try {
      const probe = await session.probe(io.signal);
      const runtimes = boardRuntimes(probe, onnxruntimeNodePackage().version);
      const report = { target: spec, ...probe, runtimes };
      if (json) io.out(JSON.stringify(report, null, 2));
      else {
        const h = probe.hardware;
        io.out(
          [
            `${spec}: ${probe.boardModel ?? h.cpuModel} (${h.arch}), ${h.cores} cores, ${formatBytes(h.memoryBytes)}`,
            `  os        ${h.os}, kernel ${probe.kernel}`,
            `  features  ${h.cpuFeatures.join(' ') || '(none that matter for inference)'}`,
            `  runtimes  ${runtimes.map((r) => `${r.name} ${r.version} (${r.via})`).join(', ') || 'none: install onnxruntime with pip on the board, or install Node 18+'}`,
            `  node      ${probe.node?.version ?? 'none'}   python ${probe.python?.version ?? 'none'}`,
          ].join('\n'),
        );
      }
      return 0;
    } finally {
      await session.close();
    }
  }
  const result = await testTarget(target.config, { ...context, signal: io.signal });
  if (!result.ok) throw new StudioError('RUNNER', result.message, { target: spec });
  io.out(json ? JSON.stringify({ target: spec, hardware: result.hardware, details: result.details, message: result.message }, null, 2) : result.message);
  return 0;
}
