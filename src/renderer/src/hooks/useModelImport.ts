import { useCallback, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { ModelEntry } from '../../../shared/contract';
import { StudioError, toErrorData } from '../../../shared/errors';
import { messageFor } from '../../../shared/remedies';
import { useWorkspaceChange, workspaceChanges } from '../data/mutations';
import { toUploads } from '../files';
import { isPytorchFileName } from '../../../shared/pytorch-files';
import { groupModelFiles, pickedFile, type PickedFile } from '../model-files';
import { importModelGroup } from '../model-import';
import { invalidateAfterMutation } from '../data/query-client';
import { queryKeys } from '../data/query-keys';

/** Importing a file the workspace already holds adds nothing: it says so, naming the model it is. */
export function alreadyImportedMessage(files: string, modelName: string): string {
  return `Already in the workspace as ${modelName}: ${files} has the same contents, so it was not imported again.`;
}

/**
 * Imports dropped or picked files (a picker's Files carry their folder in webkitRelativePath, a
 * drop's come with theirs; in the desktop app each is imported by its path, see model-import.ts); each failure is reported with the files it concerns. A PyTorch file
 * needs what it cannot say (input sizes, a Python with torch): it is handed to `onPytorch`, which
 * opens the PyTorch import dialog, instead of being imported here.
 */
export function useModelImport(onImported: (model: ModelEntry) => void, onError: (error: unknown) => void, onPytorch: (file: File) => void) {
  // Busy over the whole batch: one picker's files may be several models, imported one by one.
  const [busy, setBusy] = useState(false);
  const { mutateAsync: importModel } = useWorkspaceChange(workspaceChanges.importModel);
  const queryClient = useQueryClient();

  const importFiles = useCallback(
    async (given: ReadonlyArray<File | PickedFile>): Promise<void> => {
      if (given.length === 0) return;
      const picked = given.map((f) => (f instanceof File ? pickedFile(f) : f));
      const pytorch = picked.filter((f) => isPytorchFileName(f.file.name));
      const files = picked.filter((f) => !isPytorchFileName(f.file.name));
      // One dialog at a time: a second PyTorch file in the same drop is imported after the first, by dropping it again.
      if (pytorch[0] !== undefined) onPytorch(pytorch[0].file);
      if (pytorch.length > 1) onError(new Error(`Import PyTorch files one at a time; ${pytorch.slice(1).map((f) => `'${f.file.name}'`).join(', ')} ${pytorch.length > 2 ? 'were' : 'was'} not imported.`));
      if (files.length === 0) return;
      setBusy(true);
      try {
        for (const group of groupModelFiles(files)) {
          const names = group.map((f) => `'${f.file.name}'`).join(', ');
          try {
            const desktop = window.edgebenchBridge?.desktopFiles;
            // The engine answers a file it already holds (same contents, same id) with the entry it has, so what was here before tells them apart.
            const before = queryClient.getQueryData<ModelEntry[]>(queryKeys.models) ?? [];
            const model = await importModelGroup(group, desktop, async (files) => importModel({ files: await toUploads(files) }));
            // A path import is not this mutation: its lists are refreshed as the mutation's are.
            if (desktop) await invalidateAfterMutation(queryClient, 'models');
            onImported(model);
            const existing = before.find((m) => m.id === model.id);
            if (existing !== undefined) onError(new StudioError('BAD_INPUT', alreadyImportedMessage(names, existing.name)));
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
    [importModel, onImported, onError, onPytorch, queryClient],
  );

  return { importFiles, busy };
}
