/**
 * targets.json: the SSH boards and serial devices the user added. Written atomically; a damaged
 * file is reported and left alone (adding a target then refuses rather than overwrite it).
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

export class TargetsStore {
  constructor(private readonly workspaceRoot: string) {}

  get file(): string {
    return path.join(this.workspaceRoot, 'targets.json');
  }

  /** The workspace's own known_hosts file (OpenSSH format) for pinned SSH host keys. */
  get knownHostsFile(): string {
    return path.join(this.workspaceRoot, 'known_hosts');
  }

  async list(): Promise<StoredTarget[]> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    let parsed: ReturnType<typeof TargetsFile.safeParse>;
    try {
      parsed = TargetsFile.safeParse(JSON.parse(text));
    } catch {
      parsed = TargetsFile.safeParse(undefined);
    }
    if (!parsed.success) {
      throw new StudioError('WORKSPACE', `targets.json cannot be read; it was left untouched. Repair it by hand or move it aside to start a new list.`, {
        path: this.file,
      });
    }
    return parsed.data.targets;
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
