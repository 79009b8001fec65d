import { useCallback, useState } from 'react';
import type { ModelEntry } from '../../../shared/contract';
import { StudioError, toErrorData } from '../../../shared/errors';
import { messageFor } from '../../../shared/remedies';
import { useWorkspaceChange, workspaceChanges } from '../data/mutations';
import { toUploads } from '../files';
import { groupModelFiles, pickedFile, type PickedFile } from '../model-files';

/**
 * Imports dropped or picked files (a picker's Files carry their folder in webkitRelativePath, a
 * drop's come with theirs); each failure is reported with the files it concerns.
 */
export function useModelImport(onImported: (model: ModelEntry) => void, onError: (error: unknown) => void) {
  // Busy over the whole batch: one picker's files may be several models, imported one by one.
  const [busy, setBusy] = useState(false);
  const { mutateAsync: importModel } = useWorkspaceChange(workspaceChanges.importModel);

  const importFiles = useCallback(
    async (given: ReadonlyArray<File | PickedFile>): Promise<void> => {
      if (given.length === 0) return;
      const files = given.map((f) => (f instanceof File ? pickedFile(f) : f));
      setBusy(true);
      try {
        for (const group of groupModelFiles(files)) {
          const names = group.map((f) => `'${f.file.name}'`).join(', ');
          try {
            const model = await importModel({ files: await toUploads(group) });
            onImported(model);
          } catch (error) {
            const data = toErrorData(error);
            const text = messageFor(data, 'ui');
            const message = text.includes(group[0]?.file.name ?? '') ? text : `Could not import ${names}: ${text}`;
            onError(new StudioError(data.code, message, data.context));
          }
        }
      } finally {
        setBusy(false);
      }
    },
    [importModel, onImported, onError],
  );

  return { importFiles, busy };
}
