/**
 * targets.json: the SSH boards and serial devices the user added. Written atomically; a damaged
 * file is reported among the workspace's problems and left byte for byte alone (adding, editing
 * or removing a target then refuses rather than overwrite it; "This computer" still works).
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../shared/errors';
import { TargetsFile, type TargetConfig } from '../../shared/targets';
import { writeJsonAtomic } from './atomic-write';

export interface StoredTarget {
  id: string;
  config: TargetConfig;
}

export type TargetsRead = { kind: 'ok'; targets: StoredTarget[] } | { kind: 'damaged'; /** What is wrong, as a clause ("it is not valid JSON (...)"). */ detail: string };

/** What to do about a damaged targets.json (the Targets page shows it through the workspace's problems). */
export const REPAIR_ADVICE =
  'It was left untouched: repair it by hand, or move it aside to start a new list of targets (the boards in it are not used until then).';

/** The sentence listed among the workspace's problems for a damaged targets.json. */
export function targetsProblem(detail: string): string {
  return `${detail.charAt(0).toUpperCase()}${detail.slice(1)}. ${REPAIR_ADVICE}`;
}

export class TargetsStore {
  constructor(private readonly workspaceRoot: string) {}

  get file(): string {
    return path.join(this.workspaceRoot, 'targets.json');
  }

  /** The workspace's own known_hosts file (OpenSSH format) for pinned SSH host keys. */
  get knownHostsFile(): string {
    return path.join(this.workspaceRoot, 'known_hosts');
  }

  /**
   * The stored targets, or why targets.json cannot be used. A damaged file is never rewritten:
   * the studio lists it among the workspace's problems and works without its targets.
   */
  async read(): Promise<TargetsRead> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'ok', targets: [] };
      return { kind: 'damaged', detail: `it cannot be read (${(error as Error).message})` };
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      return { kind: 'damaged', detail: `it is not valid JSON (${(error as Error).message})` };
    }
    const parsed = TargetsFile.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? ` at '${issue.path.join('.')}'` : '';
      return { kind: 'damaged', detail: `it does not match the targets file format${where} (${issue?.message ?? 'invalid'})` };
    }
    return { kind: 'ok', targets: parsed.data.targets };
  }

  /** The stored targets; a damaged targets.json refuses (so nothing is ever written over it). */
  async list(): Promise<StoredTarget[]> {
    const read = await this.read();
    if (read.kind === 'ok') return read.targets;
    throw new StudioError('WORKSPACE', `The workspace's targets.json cannot be used: ${read.detail}. ${REPAIR_ADVICE}`, { path: this.file });
  }

  async get(id: string): Promise<StoredTarget> {
    const found = (await this.list()).find((target) => target.id === id);
    if (!found) throw new StudioError('NOT_FOUND', `There is no target '${id}'; add it on the Targets page first.`, { target: id });
    return found;
  }

  async add(config: TargetConfig): Promise<StoredTarget> {
    const targets = await this.list();
    const id = `${config.kind}-${randomBytes(4).toString('hex')}`;
    const stored = { id, config };
    await this.write([...targets, stored]);
    return stored;
  }

  async update(id: string, config: TargetConfig): Promise<StoredTarget> {
    const targets = await this.list();
    if (!targets.some((t) => t.id === id)) throw new StudioError('NOT_FOUND', `There is no target '${id}' to edit.`, { target: id });
    const stored = { id, config };
    await this.write(targets.map((t) => (t.id === id ? stored : t)));
    return stored;
  }

  async remove(id: string): Promise<boolean> {
    const targets = await this.list();
    if (!targets.some((t) => t.id === id)) return false;
    await this.write(targets.filter((t) => t.id !== id));
    return true;
  }

  private async write(targets: StoredTarget[]): Promise<void> {
    await writeJsonAtomic(this.file, { schema: 'edgebench.targets/1', targets });
  }
}
