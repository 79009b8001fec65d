/**
 * Target specs as the CLI writes them: `ssh://USER@HOST:PORT` (port 22 when left out). IPv6
 * hosts go in brackets, as in URLs: `ssh://pi@[fe80::1]:2222`.
 */
import { StudioError } from '../../../shared/errors';
import type { SshTargetSpec } from './ssh-errors';

export function parseSshTargetUrl(text: string, name?: string): SshTargetSpec {
  const bad = (why: string): StudioError =>
    new StudioError('BAD_INPUT', `The target '${text}' is not a valid SSH target (${why}); write it as ssh://USER@HOST:PORT, e.g. ssh://pi@192.168.1.20:22.`, { target: text });
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw bad('it does not parse as a URL');
  }
  if (url.protocol !== 'ssh:') throw bad(`it starts with '${url.protocol}' instead of 'ssh:'`);
  if (url.username === '') throw bad('the user is missing');
  if (url.hostname === '') throw bad('the host is missing');
  if (url.password !== '') throw bad('a password does not belong in the target; the studio asks for it and keeps it in memory only');
  const port = url.port === '' ? 22 : Number(url.port);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const user = decodeURIComponent(url.username);
  return { name: name ?? (port === 22 ? `${user}@${host}` : `${user}@${host}:${port}`), host, port, user };
}
