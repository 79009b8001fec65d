import { useEffect, useRef, useState, type ChangeEvent } from 'react';
import type { DatasetEntry } from '../../../../shared/contract';
import { StudioError, toErrorData } from '../../../../shared/errors';
import { messageFor } from '../../../../shared/remedies';
import { useWorkspaceChange, workspaceChanges } from '../../data/mutations';
import { DATASET_FILE_EXTENSIONS, defaultDatasetName, isDatasetFile, toDatasetUploads } from '../../dataset-files';
import { FormError } from '../FormError';

interface Props {
  onImported: (dataset: DatasetEntry) => void;
}

/** A folder of class sub-folders, or one .npy/.npz/.csv file, sent to the engine under a name. */
export function DatasetImport({ onImported }: Props) {
  const { mutateAsync: importDataset } = useWorkspaceChange(workspaceChanges.importDataset);
  const [name, setName] = useState('');
  const [progress, setProgress] = useState<string | null>(null);
  // Said in this card, beside its buttons: the page's banners sit above the scrolled view, out of sight.
  const [error, setError] = useState<string | null>(null);
  const onError = (failure: unknown): void => setError(messageFor(toErrorData(failure), 'ui'));
  const folderInput = useRef<HTMLInputElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  // React does not know webkitdirectory; without it the picker chooses files, not a folder.
  useEffect(() => {
    folderInput.current?.setAttribute('webkitdirectory', '');
  }, []);

  const importFiles = async (picked: File[]): Promise<void> => {
    setError(null);
    const files = picked.filter(isDatasetFile);
    if (files.length === 0) {
      onError(new StudioError('BAD_INPUT', 'The chosen folder holds no files; choose a folder with one sub-folder of images per class.'));
      return;
    }
    const datasetName = name.trim() || defaultDatasetName(files);
    try {
      setProgress(`Reading ${files.length} file${files.length === 1 ? '' : 's'}…`);
      const uploads = await toDatasetUploads(files, (done) => setProgress(`Reading files: ${done} of ${files.length}…`));
      setProgress(`Importing '${datasetName}' (${files.length} file${files.length === 1 ? '' : 's'})…`);
      const entry = await importDataset({ name: datasetName, files: uploads });
      setName('');
      onImported(entry);
    } catch (error) {
      onError(error);
    } finally {
      setProgress(null);
    }
  };

  const onPick = (event: ChangeEvent<HTMLInputElement>): void => {
    const files = Array.from(event.currentTarget.files ?? []);
    // A folder picker that gives no files was given an empty folder (a cancelled picker fires no change): importFiles says so.
    const folder = event.currentTarget === folderInput.current;
    // Cleared so that choosing the same folder again imports it again.
    event.currentTarget.value = '';
    if (files.length > 0 || folder) void importFiles(files);
  };

  const busy = progress !== null;
  return (
    <div className="card dataset-import" data-testid="dataset-import">
      <h2 className="card-title">Import a dataset</h2>
      <div className="form-row">
        <label className="field name-field">
          <span className="field-label">Name</span>
          <input
            type="text"
            value={name}
            placeholder="Defaults to the folder or file name"
            data-testid="dataset-name-input"
            onChange={(event) => setName(event.currentTarget.value)}
          />
        </label>
        <div className="field actions">
          <div className="button-row">
            <button type="button" className="button primary" disabled={busy} onClick={() => folderInput.current?.click()} data-testid="dataset-folder-button">
              Choose folder…
            </button>
            <button type="button" className="button" disabled={busy} onClick={() => fileInput.current?.click()} data-testid="dataset-file-button">
              Choose .npy / .npz / .csv…
            </button>
          </div>
        </div>
      </div>
      <input ref={folderInput} type="file" multiple hidden onChange={onPick} data-testid="dataset-folder-input" />
      <input ref={fileInput} type="file" accept={DATASET_FILE_EXTENSIONS.join(',')} hidden onChange={onPick} data-testid="dataset-file-input" />
      <p className="muted small">
        A folder holds one sub-folder per class (the folder&apos;s name is the label) of PNG or JPEG images. A CSV file
        has one sample per line with the label in the last column; an .npz holds samples and labels arrays (x, y); a
        lone .npy has samples only, so it measures fidelity, not accuracy. Preprocessing (resize, channel order, layout,
        scale, mean, std) is set after import: select the dataset in the table above and edit its Preprocessing (for the CLI,
        <code>edgebench dataset import</code>&apos;s flags).
      </p>
      <FormError message={busy ? null : error} testId="dataset-import-error" />
      {progress && (
        <p className="task-line" data-testid="dataset-progress" aria-live="polite">
          {progress}
        </p>
      )}
    </div>
  );
}
