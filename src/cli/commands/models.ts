/**
 * `edgebench models list|link|unlink|suggest|check`: the workspace's models, and which of them are
 * one network in several formats (networks.json; the studio's Models page edits the same links).
 */
import { StudioError } from '../../shared/errors';
import { formatInRuntime, formatLabel, suggestNetworks, type NetworkAgreement, type NetworkEntry } from '../../shared/networks';
import { RUNTIME_LABELS } from '../../shared/runtimes';
import type { RuntimeName } from '../../shared/run-schema';
import { checkFormats, evaluateNetwork } from '../../core/jobs/network-jobs';
import { nodeForkSpawner } from '../../core/runner/runner-client';
import { findNetwork, linkNetwork, listNetworks, readNetworks, unlinkNetwork } from '../../core/workspace/networks-store';
import type { Workspace } from '../../core/workspace/workspace';
import { flagBool, flagNumber, flagString, formatHelp, parseArgs, type FlagSpecs } from '../args';
import { workspaceFlag, workspaceFrom } from '../input-flags';
import type { CommandIo } from '../io';
import { findModel } from './inputs';

const flags: FlagSpecs = {
  name: { kind: 'string', valueName: 'NAME', help: "link: the network's name (default: what the models' names share)." },
  network: { kind: 'string', valueName: 'ID', help: 'unlink: dissolve this whole network (its id or name) instead of taking one model out.' },
  dataset: { kind: 'string', valueName: 'ID', help: 'eval: the workspace dataset to evaluate every format on.' },
  limit: { kind: 'number', min: 1, valueName: 'N', help: 'eval: only the first N samples.' },
  ...workspaceFlag,
  json: { kind: 'boolean', help: 'Print JSON only.' },
  help: { kind: 'boolean', help: 'Show this help.' },
};

export const modelsHelp = formatHelp(
  'edgebench models list|link|unlink|suggest|check|eval [MODEL...] [--name NAME] [--network ID] [--dataset ID] [--workspace DIR] [--json]',
  [
    'The models of a workspace, and the ONNX, TFLite and TF.js files that are one network in several formats:',
    'a benchmark of a network runs every format with its own runtime, and the studio shows them side by side.',
    '',
    '  list           the models, and each network with its formats',
    '  link A B [C]   link the files of one network (one per format; files are imported when new)',
    '  unlink MODEL   take a model out of its network (or --network ID to dissolve one); the models stay',
    '  suggest        models whose inputs, outputs, parameters and compute ops match, with the reasons (nothing is linked)',
    '  check NETWORK  run every format on the same seeded inputs, each in its own runtime, against the reference',
    '                 (the ONNX file, else the first linked):',
    '                 cosine, top-1 agreement, largest error (exit 1 when a format disagrees); also check A B [C]',
    '  eval NETWORK --dataset ID   evaluate every format on a workspace dataset (stored like edgebench eval\'s',
    '                 evaluations): top-1 of each, and its top-1 agreement and cosine with the reference (exit 1 when one disagrees)',
    '',
    'MODEL is a model file, a workspace model id, or a workspace model name. Example:',
    '  edgebench models link demo-mnist.onnx demo-mnist.tflite demo-mnist-tfjs/model.json',
  ].join('\n'),
  flags,
);

export async function modelsCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseArgs('models', argv, flags);
  if (flagBool(args, 'help')) {
    io.out(modelsHelp);
    return 0;
  }
  const [action, ...refs] = args.positionals;
  const workspace = workspaceFrom(args);
  const json = flagBool(args, 'json');
  switch (action) {
    case 'list':
      return list(workspace, refs, json, io);
    case 'link': {
      if (refs.length < 2) throw new StudioError('BAD_INPUT', "edgebench models link takes two or more models of one network, e.g. 'edgebench models link demo-mnist.onnx demo-mnist.tflite'.");
      await workspace.ensure();
      const models = [];
      for (const ref of refs) models.push(await findModel(workspace, ref, true, io));
      const name = flagString(args, 'name');
      const network = await linkNetwork(workspace, { modelIds: models.map((m) => m.id), ...(name !== undefined ? { name } : {}) });
      io.out(json ? JSON.stringify(network, null, 2) : `Linked as the network '${network.name}' (${network.id}):\n${memberLines(network).join('\n')}`);
      return 0;
    }
    case 'unlink': {
      const networkRef = flagString(args, 'network');
      if ((networkRef === undefined) === (refs.length !== 1)) throw new StudioError('BAD_INPUT', "edgebench models unlink takes one model (or --network ID to dissolve a network), e.g. 'edgebench models unlink demo-mnist.tflite'.");
      const remains =
        networkRef !== undefined
          ? await unlinkNetwork(workspace, { networkId: (await findNetwork(workspace, networkRef)).id })
          : await unlinkNetwork(workspace, { modelId: (await findModel(workspace, refs[0] as string, false, io)).id });
      io.out(json ? JSON.stringify({ network: remains }, null, 2) : remains ? `The network '${remains.name}' keeps:\n${memberLines(remains).join('\n')}` : 'The network was dissolved; its models stay in the workspace.');
      return 0;
    }
    case 'suggest': {
      const read = await readNetworks(workspace);
      const suggestions = suggestNetworks(await workspace.listModels(), read.kind === 'ok' ? read.networks : []);
      if (json) io.out(JSON.stringify(suggestions, null, 2));
      else if (suggestions.length === 0) io.out('No models look like one network in several formats (or they are linked already).');
      else {
        for (const s of suggestions) {
          io.out(`${s.networkId ? `Add to the network '${s.name}'` : `One network '${s.name}'`}: ${s.modelIds.join(' ')}`);
          for (const reason of s.reasons) io.out(`  ${reason}`);
          io.out(`  Link them with: edgebench models link ${s.modelIds.join(' ')}`);
        }
      }
      return 0;
    }
    case 'check': {
      if (refs.length === 0) throw new StudioError('BAD_INPUT', "edgebench models check takes a network (its id or name), or two or more models, e.g. 'edgebench models check demo-mnist'.");
      const request =
        refs.length === 1
          ? { networkId: (await findNetwork(workspace, refs[0] as string)).id }
          : { modelIds: await Promise.all(refs.map(async (ref) => (await findModel(workspace, ref, false, io)).id)) };
      const agreement = await checkFormats(workspace, nodeForkSpawner(), request, (message) => io.err(message));
      io.out(json ? JSON.stringify(agreement, null, 2) : agreementLines(agreement).join('\n'));
      return agreement.agree ? 0 : 1;
    }
    case 'eval': {
      const dataset = flagString(args, 'dataset');
      if (refs.length !== 1 || dataset === undefined) throw new StudioError('BAD_INPUT', "edgebench models eval takes one network and --dataset ID, e.g. 'edgebench models eval demo-mnist --dataset demo-digits'.", { flag: 'dataset' });
      const limit = flagNumber(args, 'limit');
      const network = await findNetwork(workspace, refs[0] as string);
      const agreement = await evaluateNetwork(workspace, nodeForkSpawner(), { networkId: network.id, datasetId: dataset, ...(limit !== undefined ? { limit } : {}) }, (message) => io.err(message));
      io.out(json ? JSON.stringify(agreement, null, 2) : agreementLines(agreement).join('\n'));
      return agreement.agree ? 0 : 1;
    }
    default:
      throw new StudioError('BAD_INPUT', `edgebench models needs list, link, unlink, suggest, check or eval${action === undefined ? '' : ` (got '${action}')`}; run 'edgebench models --help'.`);
  }
}

async function list(workspace: Workspace, refs: string[], json: boolean, io: CommandIo): Promise<number> {
  if (refs.length > 0) throw new StudioError('BAD_INPUT', 'edgebench models list takes no models; it lists them all.');
  const models = await workspace.listModels();
  const networks = await listNetworks(workspace);
  if (json) {
    io.out(JSON.stringify({ models: models.map((m) => ({ id: m.id, name: m.name, format: m.info.format, variant: m.variant, parentId: m.origin?.parentId ?? null })), networks }, null, 2));
    return 0;
  }
  if (models.length === 0) io.out(`No models in ${workspace.root}.`);
  for (const m of models) io.out(`${m.id}  ${formatLabel(m.info.format).padEnd(6)}  ${m.name}${m.variant === 'float' ? '' : ` (${m.variant})`}`);
  for (const network of networks) io.out(`\nNetwork '${network.name}' (${network.id}):\n${memberLines(network).join('\n')}`);
  return 0;
}

function runtimeLabel(name: string): string {
  return name in RUNTIME_LABELS ? RUNTIME_LABELS[name as RuntimeName] : name;
}

function memberLines(network: NetworkEntry): string[] {
  const lines = network.members.map((m) => `  ${formatLabel(m.format).padEnd(6)} ${m.name} (${m.modelId}), runs in ${runtimeLabel(m.runtime).replace(/\s*\(.*\)$/, '')}`);
  if (network.missing.length > 0) lines.push(`  no longer in the workspace: ${network.missing.join(', ')}`);
  return lines;
}

/** One line per format, as the check prints it. */
export function agreementLines(agreement: NetworkAgreement): string[] {
  const inputs = agreement.inputs === 'seeded' ? `${agreement.samples} seeded inputs` : `${agreement.samples} samples of ${agreement.datasetId}`;
  const lines = [`Formats on the same ${inputs}: ${agreement.agree ? 'they agree' : 'a format DISAGREES'}`];
  for (const f of agreement.formats) {
    const where = formatInRuntime(f.format, runtimeLabel(f.runtime));
    if (f.reference) {
      lines.push(`  ${where} (${f.name}): ${f.top1 === null ? '' : `top-1 ${(f.top1 * 100).toFixed(2)} %, `}the reference`);
      continue;
    }
    const top1 = f.top1 === null ? '' : `top-1 ${(f.top1 * 100).toFixed(2)} %, `;
    const figures = f.cosine === null ? 'not comparable' : `cosine ${f.cosine.toFixed(6)}, top-1 agreement ${((f.top1Agreement ?? 0) * 100).toFixed(1)} %, max abs error ${(f.maxAbsError ?? 0).toExponential(2)}`;
    lines.push(`  ${where} (${f.name}): ${f.cosine === null ? '' : top1}${figures}${f.disagrees ? '  <- disagrees' : ''}`);
    for (const note of f.notes) lines.push(`    ${note}`);
  }
  for (const s of agreement.skipped) lines.push(`  skipped ${s.modelId}: ${s.reason}`);
  return lines;
}
