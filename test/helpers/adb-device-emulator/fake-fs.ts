/** The emulated device's file system: files (fixed bytes, or text computed when read, as sysfs does) and directories. */
export type FileContent = Buffer | string | (() => string);

interface FileEntry {
  kind: 'file';
  content: FileContent;
  mode: number;
  mtimeS: number;
}
interface DirEntry {
  kind: 'dir';
  mode: number;
  mtimeS: number;
}
export type FsEntry = FileEntry | DirEntry;

const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

function parentOf(path: string): string {
  const cut = path.lastIndexOf('/');
  return cut <= 0 ? '/' : path.slice(0, cut);
}

export function normalize(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

export class FakeFs {
  private readonly entries = new Map<string, FsEntry>([['/', { kind: 'dir', mode: 0o755, mtimeS: 0 }]]);

  mkdirs(path: string): void {
    const full = normalize(path);
    if (full === '/') return;
    this.mkdirs(parentOf(full));
    if (!this.entries.has(full)) this.entries.set(full, { kind: 'dir', mode: 0o771, mtimeS: Math.floor(Date.now() / 1000) });
  }

  write(path: string, content: FileContent, mode = 0o644): void {
    const full = normalize(path);
    this.mkdirs(parentOf(full));
    this.entries.set(full, { kind: 'file', content, mode, mtimeS: Math.floor(Date.now() / 1000) });
  }

  get(path: string): FsEntry | undefined {
    return this.entries.get(normalize(path));
  }

  read(path: string): Buffer | undefined {
    const entry = this.get(path);
    if (entry?.kind !== 'file') return undefined;
    return typeof entry.content === 'function' ? Buffer.from(entry.content()) : typeof entry.content === 'string' ? Buffer.from(entry.content) : entry.content;
  }

  chmod(path: string, mode: number): boolean {
    const entry = this.get(path);
    if (entry === undefined) return false;
    entry.mode = mode;
    return true;
  }

  remove(path: string, recursive: boolean): boolean {
    const full = normalize(path);
    if (!this.entries.has(full)) return false;
    if (recursive) for (const key of [...this.entries.keys()]) if (key.startsWith(`${full}/`)) this.entries.delete(key);
    this.entries.delete(full);
    return true;
  }

  /** Names directly under a directory, sorted. */
  list(path: string): string[] | undefined {
    const full = normalize(path);
    if (this.get(full)?.kind !== 'dir') return undefined;
    const prefix = full === '/' ? '/' : `${full}/`;
    return [...this.entries.keys()].filter((key) => key.startsWith(prefix) && key !== full && !key.slice(prefix.length).includes('/')).map((key) => key.slice(prefix.length)).sort();
  }

  /** stat(2)'s mode, size and mtime; undefined when missing. */
  stat(path: string): { mode: number; size: number; mtimeS: number } | undefined {
    const entry = this.get(path);
    if (entry === undefined) return undefined;
    if (entry.kind === 'dir') return { mode: S_IFDIR | entry.mode, size: 4096, mtimeS: entry.mtimeS };
    return { mode: S_IFREG | entry.mode, size: this.read(path)?.length ?? 0, mtimeS: entry.mtimeS };
  }

  /** Paths matching a shell glob (* ? [..] within one path component), sorted, as mksh expands them. */
  glob(pattern: string): string[] {
    const source = pattern
      .split('/')
      .map((part) =>
        part.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]'),
      )
      .join('/');
    const regex = new RegExp(`^${source}$`);
    return [...this.entries.keys()].filter((key) => regex.test(key)).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  }
}
