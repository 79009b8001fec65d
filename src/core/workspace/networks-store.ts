/**
 * networks.json: which workspace models are one network in several formats (src/shared/networks.ts).
 * Written atomically; a workspace without the file (made before networks existed) has none. A
 * damaged file is listed among the workspace's problems and never rewritten: linking and
 * unlinking then refuse, saying what to do.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ModelEntry } from '../../shared/contract';
import { StudioError } from '../../shared/errors';
import { RUNTIMES_FOR_FORMAT } from '../../shared/runtimes';
import { NETWORKS_SCHEMA, NetworksFile, commonName, formatLabel, type NetworkEntry, type NetworkRecord } from '../../shared/networks';
import { writeJsonAtomic } from './atomic-write';
import type { Workspace } from './workspace';

export const NETWORKS_FILE = 'networks.json';

export type NetworksRead = { kind: 'ok'; networks: NetworkRecord[] } | { kind: 'damaged'; message: string };

export function networksPath(workspace: Workspace): string {
  return path.join(workspace.root, NETWORKS_FILE);
}

/** Reads networks.json without ever modifying it; missing is an empty list. */
export async function readNetworks(workspace: Workspace): Promise<NetworksRead> {
  let text: string;
  try {
    text = await fs.readFile(networksPath(workspace), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'ok', networks: [] };
    return { kind: 'damaged', message: `It cannot be read (${(error as Error).message}); it was left untouched.` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { kind: 'damaged', message: `It is not valid JSON (${(error as Error).message}); it was left untouched. Repair it by hand, or move it aside to link the formats again.` };
  }
  const parsed = NetworksFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at '${issue.path.join('.')}'` : '';
    return { kind: 'damaged', message: `It does not match the expected format${where} (${issue?.message ?? 'invalid'}); it was left untouched. Repair it by hand, or move it aside to link the formats again.` };
  }
  return { kind: 'ok', networks: parsed.data.networks };
}

async function readForChange(workspace: Workspace): Promise<NetworkRecord[]> {
  const read = await readNetworks(workspace);
  if (read.kind === 'damaged') {
    throw new StudioError('WORKSPACE', `${NETWORKS_FILE}: ${read.message}`, { path: networksPath(workspace) });
  }
  return read.networks;
}

async function write(workspace: Workspace, networks: NetworkRecord[]): Promise<void> {
  await writeJsonAtomic(networksPath(workspace), NetworksFile.parse({ schema: NETWORKS_SCHEMA, networks }));
}

// Changes to one workspace's networks.json run one after another, so two links at once never lose one.
const queues = new Map<string, Promise<unknown>>();
function serialized<T>(workspace: Workspace, change: () => Promise<T>): Promise<T> {
  const key = path.resolve(workspace.root);
  const next = (queues.get(key) ?? Promise.resolve()).catch(() => undefined).then(change);
  queues.set(key, next);
  return next;
}

/** The networks with their members still in the workspace (a removed model is listed as missing). */
export function resolveNetworks(records: readonly NetworkRecord[], models: readonly ModelEntry[]): NetworkEntry[] {
  const byId = new Map(models.map((m) => [m.id, m]));
  return records.map((record) => {
    const present = record.modelIds.flatMap((id) => {
      const model = byId.get(id);
      return model ? [model] : [];
    });
    return {
      ...record,
      members: present.map((model) => ({ modelId: model.id, name: model.name, format: model.info.format, runtime: RUNTIMES_FOR_FORMAT[model.info.format][0] as string })),
      missing: record.modelIds.filter((id) => !byId.has(id)),
    };
  });
}

export async function listNetworks(workspace: Workspace): Promise<NetworkEntry[]> {
  const read = await readNetworks(workspace);
  // A damaged file is among workspace.info's problems; meanwhile there are no networks.
  if (read.kind === 'damaged' || read.networks.length === 0) return [];
  return resolveNetworks(read.networks, await workspace.listModels());
}

/**
 * Links models as formats of one network: a new network, or the one some of them belong to
 * (then the others join it). Refused, in one sentence, when two are of one format (that is a
 * variant, linked with models.link), when they belong to two networks, or when one is a variant.
 */
export function linkNetwork(workspace: Workspace, request: { modelIds: string[]; name?: string }): Promise<NetworkEntry> {
  return serialized(workspace, async () => {
    const ids = [...new Set(request.modelIds)];
    const models = await Promise.all(ids.map((id) => workspace.readModelEntry(id)));
    const networks = await readForChange(workspace);
    const involved = networks.filter((network) => network.modelIds.some((id) => ids.includes(id)));
    if (involved.length > 1) {
      throw new StudioError('BAD_INPUT', `These models belong to two networks ('${involved[0]?.name}' and '${involved[1]?.name}'); unlink one of them first, then link again.`, { networks: involved.map((n) => n.id).join(',') });
    }
    const existing = involved[0];
    const all = await workspace.listModels();
    const members = [...(existing?.modelIds ?? []).flatMap((id) => all.filter((m) => m.id === id)), ...models.filter((m) => !existing?.modelIds.includes(m.id))];
    const variant = members.find((m) => m.origin !== null);
    if (variant) {
      throw new StudioError('BAD_INPUT', `'${variant.name}' is a variant (${variant.variant}) of another model, not a format of its own; link the model it was made from instead.`, { model: variant.id });
    }
    const seen = new Map<string, ModelEntry>();
    for (const model of members) {
      const twin = seen.get(model.info.format);
      if (twin) {
        throw new StudioError('BAD_INPUT', `'${twin.name}' and '${model.name}' are both ${formatLabel(model.info.format)} files: a network has one file per format (link a second file of one format to its float model as a variant).`, { model: model.id });
      }
      seen.set(model.info.format, model);
    }
    if (members.length < 2) {
      throw new StudioError('BAD_INPUT', 'Linking formats takes at least two models of different formats (for example an .onnx and a .tflite of one network).');
    }
    const name = request.name?.trim() || existing?.name || commonName(members.map((m) => m.name));
    const record: NetworkRecord = existing
      ? { ...existing, name, modelIds: members.map((m) => m.id) }
      : { id: `net-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`, name, modelIds: members.map((m) => m.id), createdAt: new Date().toISOString() };
    await write(workspace, existing ? networks.map((n) => (n.id === existing.id ? record : n)) : [...networks, record]);
    return resolveNetworks([record], all)[0] as NetworkEntry;
  });
}

/**
 * Takes a model out of its network (a network left with one model is dissolved), or dissolves a
 * whole network. The models themselves are untouched. Returns the network as it remains, or null.
 */
export function unlinkNetwork(workspace: Workspace, request: { modelId?: string; networkId?: string }): Promise<NetworkEntry | null> {
  return serialized(workspace, async () => {
    const networks = await readForChange(workspace);
    const network = request.networkId !== undefined ? networks.find((n) => n.id === request.networkId) : networks.find((n) => request.modelId !== undefined && n.modelIds.includes(request.modelId));
    if (!network) {
      const what = request.networkId !== undefined ? `There is no network '${request.networkId}' in this workspace.` : `The model '${request.modelId}' is not linked to other formats.`;
      throw new StudioError('NOT_FOUND', `${what} Nothing was changed.`, { id: request.networkId ?? request.modelId ?? '' });
    }
    const kept = request.networkId !== undefined ? [] : network.modelIds.filter((id) => id !== request.modelId);
    const remains = kept.length >= 2 ? { ...network, modelIds: kept } : null;
    await write(workspace, remains ? networks.map((n) => (n.id === network.id ? remains : n)) : networks.filter((n) => n.id !== network.id));
    return remains ? (resolveNetworks([remains], await workspace.listModels())[0] as NetworkEntry) : null;
  });
}

/** A network by id, or the one a model belongs to; NOT_FOUND in one sentence otherwise. */
export async function findNetwork(workspace: Workspace, idOrModel: string): Promise<NetworkEntry> {
  const networks = await listNetworks(workspace);
  const found = networks.find((n) => n.id === idOrModel || n.name === idOrModel) ?? networks.find((n) => n.modelIds.includes(idOrModel));
  if (!found) throw new StudioError('NOT_FOUND', `There is no network '${idOrModel}' in this workspace; link the formats of one network first (Models page: Same network as…, or 'edgebench models link A B').`, { id: idOrModel });
  return found;
}
