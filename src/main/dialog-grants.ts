/**
 * "File paths are written only where a dialog gave them." The main process never writes to a
 * path the renderer names; it writes only to paths the user picked in a native dialog (kept
 * here for this session) and to the default workspace in the user data folder.
 */
import path from 'node:path';
import { StudioError } from '../shared/errors';

export class DialogGrants {
  private readonly files = new Set<string>();
  private readonly folders = new Set<string>();

  /** Records a file path returned by a save or open dialog. */
  grantFile(filePath: string): void {
    this.files.add(path.resolve(filePath));
  }

  /** Records a folder returned by an open dialog; everything inside it is granted. */
  grantFolder(folderPath: string): void {
    this.folders.add(path.resolve(folderPath));
  }

  isGranted(target: string): boolean {
    const resolved = path.resolve(target);
    if (this.files.has(resolved)) return true;
    for (const folder of this.folders) {
      if (resolved === folder || resolved.startsWith(folder + path.sep)) return true;
    }
    return false;
  }

  /** Throws unless a dialog gave this path (or a folder holding it). */
  assertGranted(target: string): void {
    if (!this.isGranted(target)) {
      throw new StudioError('BAD_INPUT', `The studio writes only where you chose in a dialog; '${target}' was not chosen.`, {
        file: target,
      });
    }
  }
}
