import { useEffect, useRef, type ChangeEvent } from 'react';
import { PYTORCH_EXTENSIONS } from '../../../shared/pytorch-files';
import { ACCEPTED_EXTENSIONS } from '../files';

interface Props {
  onFiles: (files: File[]) => void;
  busy: boolean;
}

/**
 * "Import model…" opens the system's file picker through a hidden input; "Import folder…" picks
 * a folder (a TF.js model.json with its shards), whose files carry the folder in
 * webkitRelativePath so the model is named after it.
 */
export function ImportButton({ onFiles, busy }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  // React does not know webkitdirectory; without it the picker chooses files, not a folder.
  useEffect(() => {
    folderInput.current?.setAttribute('webkitdirectory', '');
  }, []);
  const picked = (event: ChangeEvent<HTMLInputElement>): void => {
    const files = Array.from(event.currentTarget.files ?? []);
    // Reset so that picking the same file again still fires a change.
    event.currentTarget.value = '';
    onFiles(files);
  };
  return (
    // One group, so a page header that spreads its children keeps the two buttons together.
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
  );
}
