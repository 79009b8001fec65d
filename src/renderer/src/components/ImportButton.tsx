import { useEffect, useRef, useState, type ChangeEvent } from 'react';
import { PYTORCH_EXTENSIONS } from '../../../shared/pytorch-files';
import { isGenericModelName } from '../../../shared/model-naming';
import { ACCEPTED_EXTENSIONS } from '../files';
import './import-button.css';

interface Props {
  onFiles: (files: File[]) => void;
  busy: boolean;
}

/**
 * "Import model…" opens the system's file picker through a hidden input; "Import folder…" picks
 * a folder (a TF.js model.json with its shards), whose files carry the folder in
 * webkitRelativePath so the model is named after it.
 */

/**
 * True when files picked one by one in a browser include a generic model.json ("model.json"): the
 * browser does not say which folder they came from, so the model cannot be named after it (it is
 * named by its own Keras name or its shards' prefix). The desktop app reads the folder from the
 * file's path (the preload's desktopFiles), so there it is never so.
 */
export function pickedWithoutFolder(files: readonly File[], desktop: boolean): boolean {
  if (desktop) return false;
  return files.some((file) => file.name.toLowerCase().endsWith('.json') && isGenericModelName(file.name.slice(0, -'.json'.length)) && !(file as File & { webkitRelativePath?: string }).webkitRelativePath);
}

export function ImportButton({ onFiles, busy }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const [withoutFolder, setWithoutFolder] = useState(false);
  // React does not know webkitdirectory; without it the picker chooses files, not a folder.
  useEffect(() => {
    folderInput.current?.setAttribute('webkitdirectory', '');
  }, []);
  const picked = (event: ChangeEvent<HTMLInputElement>): void => {
    const files = Array.from(event.currentTarget.files ?? []);
    // Reset so that picking the same file again still fires a change.
    event.currentTarget.value = '';
    setWithoutFolder(pickedWithoutFolder(files, window.edgebenchBridge?.desktopFiles !== undefined));
    onFiles(files);
  };
  return (
    // One group, so a page header that spreads its children keeps the two buttons (and the hint) together.
    <div className="import-area">
    <div className="import-buttons">
      <button
        type="button"
        className="button primary"
        data-testid="import-button"
        disabled={busy}
        onClick={() => input.current?.click()}
      >
        {busy ? 'Importing…' : 'Import model…'}
      </button>
      <button type="button" className="button" data-testid="import-folder-button" disabled={busy} onClick={() => folderInput.current?.click()}>
        Import folder…
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        accept={[...ACCEPTED_EXTENSIONS, ...PYTORCH_EXTENSIONS].join(',')}
        data-testid="import-input"
        onChange={picked}
      />
      <input ref={folderInput} type="file" multiple hidden data-testid="import-folder-input" onChange={picked} />
    </div>
      {withoutFolder && (
        <p className="field-hint import-hint" data-testid="import-folder-hint" role="status">
          The browser does not say which folder picked files came from, so this model is named by what its model.json says. To name it after its folder, use <strong>Import folder…</strong> or drop the folder.
        </p>
      )}
    </div>
  );
}
