/**
 * Host keys pinned in an OpenSSH-format known_hosts file: plain entries (`host,alias keytype
 * base64`), `[host]:port` entries for other ports, hashed `|1|salt|hmac` entries (read only: we
 * write plain entries, as `ssh -o HashKnownHosts=no` does), wildcard patterns and negations, and
 * `@revoked` markers. Nothing here accepts a key on its own: adding one is the caller's decision.
 */
import { createHash, createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { StudioError } from '../../../shared/errors';
import { writeFileAtomic } from '../../workspace/atomic-write';

export interface HostKey {
  /** e.g. 'ssh-ed25519', 'ecdsa-sha2-nistp256', 'ssh-rsa'. */
  type: string;
  /** The key blob as it travels in SSH and in known_hosts (base64 there). */
  blob: Buffer;
}

export type HostKeyCheck =
  | { status: 'known' }
  /** The host is listed, but with other keys: a changed key (or an attack). */
  | { status: 'changed'; knownFingerprints: string[]; line: number }
  | { status: 'revoked'; line: number }
  | { status: 'unknown' };

interface Entry {
  line: number;
  marker: '' | '@revoked' | '@cert-authority';
  matches: (hostKeyName: string) => boolean;
  key: HostKey;
}

/** OpenSSH's fingerprint: "SHA256:" + unpadded base64 of the SHA-256 of the key blob. */
export function fingerprintOf(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type is the first string inside the blob (uint32 length + bytes). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const length = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + length).toString('latin1');
}

/** How known_hosts names a host: the bare name on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

export class KnownHostsStore {
  private constructor(
    readonly filePath: string,
    private text: string,
    private entries: Entry[],
  ) {}

  /** Reads the file; a missing file is an empty store (it is created on the first accepted key). */
  static async open(filePath: string): Promise<KnownHostsStore> {
    let text = '';
    try {
      text = await readFile(filePath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new StudioError('WORKSPACE', `The known-hosts file '${filePath}' cannot be read (${(error as Error).message}); check its permissions.`, {
          file: filePath,
        });
      }
    }
    return new KnownHostsStore(filePath, text, parseKnownHosts(text));
  }

  /** Compares a presented key with what the file says about host:port. */
  check(host: string, port: number, key: HostKey): HostKeyCheck {
    const name = knownHostsName(host, port);
    const forHost = this.entries.filter((entry) => entry.marker !== '@cert-authority' && entry.matches(name));
    const revoked = forHost.find((entry) => entry.marker === '@revoked' && entry.key.blob.equals(key.blob));
    if (revoked !== undefined) return { status: 'revoked', line: revoked.line };
    const pinned = forHost.filter((entry) => entry.marker === '');
    if (pinned.some((entry) => entry.key.blob.equals(key.blob))) return { status: 'known' };
    // OpenSSH only calls a key changed when the same key type was pinned; ssh2 is told to prefer
    // the pinned types (preferredKeyTypes), so a different type here means the server lost that key.
    if (pinned.length > 0) {
      return { status: 'changed', knownFingerprints: pinned.map((entry) => fingerprintOf(entry.key.blob)), line: pinned[0]!.line };
    }
    return { status: 'unknown' };
  }

  /** The key types pinned for host:port, so the handshake can ask for those first. */
  preferredKeyTypes(host: string, port: number): string[] {
    const name = knownHostsName(host, port);
    return [...new Set(this.entries.filter((e) => e.marker === '' && e.matches(name)).map((e) => e.key.type))];
  }

  /** Pins a key for host:port (a plain, unhashed line), keeping every other line as it was. */
  async add(host: string, port: number, key: HostKey): Promise<void> {
    const line = `${knownHostsName(host, port)} ${key.type} ${key.blob.toString('base64')}`;
    const text = this.text === '' || this.text.endsWith('\n') ? `${this.text}${line}\n` : `${this.text}\n${line}\n`;
    await writeFileAtomic(this.filePath, text);
    this.text = text;
    this.entries = parseKnownHosts(text);
  }
}

export function parseKnownHosts(text: string): Entry[] {
  const entries: Entry[] = [];
  text.split('\n').forEach((raw, index) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) return;
    let marker: Entry['marker'] = '';
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') marker = fields.shift() as Entry['marker'];
    const [hosts, type, base64] = fields;
    // A line we cannot read is left alone, as OpenSSH does: it never matches anything.
    if (hosts === undefined || type === undefined || base64 === undefined) return;
    const blob = Buffer.from(base64, 'base64');
    if (blob.length === 0 || keyTypeOf(blob) !== type) return;
    entries.push({ line: index + 1, marker, matches: hostMatcher(hosts), key: { type, blob } });
  });
  return entries;
}

/** A host field: `|1|salt|hash`, or comma-separated patterns with `*`, `?` and `!` negation. */
function hostMatcher(field: string): (name: string) => boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    const saltBytes = Buffer.from(salt ?? '', 'base64');
    return (name) => createHmac('sha1', saltBytes).update(name).digest('base64') === hash;
  }
  const patterns = field.split(',').map((pattern) => ({
    negated: pattern.startsWith('!'),
    regex: globToRegex(pattern.replace(/^!/, '')),
  }));
  return (name) => {
    const lower = name.toLowerCase();
    if (patterns.some((p) => p.negated && p.regex.test(lower))) return false;
    return patterns.some((p) => !p.negated && p.regex.test(lower));
  };
}

function globToRegex(pattern: string): RegExp {
  const escaped = pattern
    .toLowerCase()
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}
