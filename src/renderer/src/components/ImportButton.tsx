import { useRef } from 'react';
import { ACCEPTED_EXTENSIONS } from '../files';

interface Props {
  onFiles: (files: File[]) => void;
  busy: boolean;
}

/** "Import model…" opens the system's file picker through a hidden input. */
export function ImportButton({ onFiles, busy }: Props) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button
        type="button"
        className="button primary"
        data-testid="import-button"
        disabled={busy}
        onClick={() => input.current?.click()}
      >
        {busy ? 'Importing…' : 'Import model…'}
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        accept={ACCEPTED_EXTENSIONS.join(',')}
        data-testid="import-input"
        onChange={(event) => {
          const files = Array.from(event.currentTarget.files ?? []);
          // Reset so that picking the same file again still fires a change.
          event.currentTarget.value = '';
          onFiles(files);
        }}
      />
    </>
  );
}
