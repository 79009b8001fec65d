/**
 * How one picked or dropped model reaches the engine. In the desktop app the preload offers
 * `desktopFiles` (src/shared/bridge.ts): the files are imported by their paths on disk, so a TF.js
 * model.json picked alone is named after its folder and its shards are read from beside it. In
 * browser mode (no bridge), or for a File with no path on disk, the files are uploaded, named by
 * the folder the browser gave (a folder pick or a dropped folder) or by their own names.
 * No DOM beyond Blob: tested under Node with the bridge present and absent
 * (test/unit/renderer/model-import.test.ts), since no Electron binary exists here.
 */
import type { DesktopFiles } from '../../shared/bridge';
import { ModelEntry } from '../../shared/contract';
import { StudioError } from '../../shared/errors';
import type { PickedFile } from './model-files';

/** Imports one model's files: by path through the desktop bridge when it can, else by `upload`. */
export async function importModelGroup(group: readonly PickedFile[], desktop: DesktopFiles | undefined, upload: (files: readonly PickedFile[]) => Promise<ModelEntry>): Promise<ModelEntry> {
  if (desktop) {
    const result = await desktop.importModel(group.map((picked) => picked.file));
    if (result !== null) {
      if (!result.ok) throw StudioError.fromData(result.error);
      return ModelEntry.parse(result.response);
    }
  }
  return upload(group);
}
