/**
 * Target specs as the CLI writes them: `ssh://USER@HOST:PORT` (port 22 when left out), parsed by
 * the SSH kind's descriptor (src/shared/plugins/target-kinds/ssh.ts), which the CLI and the UI share.
 */
import { parseSshUrl } from '../../../shared/plugins/target-kinds/ssh';
import type { SshTargetSpec } from './ssh-errors';

export function parseSshTargetUrl(text: string, name?: string): SshTargetSpec {
  return parseSshUrl(text, name);
}
