import { useCallback, useState } from 'react';
import type { ModelEntry, StudioApi } from '../../../shared/contract';
import { StudioError, toErrorData } from '../../../shared/errors';
import { toUploads } from '../files';
import { groupModelFiles, pickedFile, type PickedFile } from '../model-files';

/**
 * Imports dropped or picked files (a picker's Files carry their folder in webkitRelativePath, a
 * drop's come with theirs); each failure is reported with the files it concerns.
 */
export function useModelImport(
  api: StudioApi,
  onImported: (model: ModelEntry) => void,
  onError: (error: unknown) => void,
) {
  const [busy, setBusy] = useState(false);

  const importFiles = useCallback(
    async (given: ReadonlyArray<File | PickedFile>): Promise<void> => {
      if (given.length === 0) return;
      const files = given.map((f) => (f instanceof File ? pickedFile(f) : f));
      setBusy(true);
      try {
        for (const group of groupModelFiles(files)) {
          const names = group.map((f) => `'${f.file.name}'`).join(', ');
          try {
            const model = await api.models.importFiles({ files: await toUploads(group) });
            onImported(model);
          } catch (error) {
            const data = toErrorData(error);
            const message = data.message.includes(group[0]?.file.name ?? '')
              ? data.message
              : `Could not import ${names}: ${data.message}`;
            onError(new StudioError(data.code, message, data.context));
          }
        }
      } finally {
        setBusy(false);
      }
    },
    [api, onImported, onError],
  );

  return { importFiles, busy };
}
