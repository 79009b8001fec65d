import { useEffect, useState } from 'react';
import { droppedFiles, type DroppedEntry, type PickedFile } from '../model-files';

function carriesFiles(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes('Files') ?? false;
}

/**
 * Drag and drop of files or folders anywhere on the window (a folder's files come with the
 * folder in their path). Returns whether files are being dragged over it (to show the overlay).
 * Default handling is always prevented so that a dropped file never navigates the window away
 * from the studio.
 */
export function useDropFiles(onDrop: (files: PickedFile[]) => void, onError: (error: unknown) => void): boolean {
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    // dragenter/dragleave fire for every child element; count them to know when we left the window.
    let depth = 0;
    const enter = (event: DragEvent): void => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      depth += 1;
      setDragging(true);
    };
    const over = (event: DragEvent): void => {
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = carriesFiles(event) ? 'copy' : 'none';
    };
    const leave = (event: DragEvent): void => {
      if (!carriesFiles(event)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const drop = (event: DragEvent): void => {
      event.preventDefault();
      depth = 0;
      setDragging(false);
      // The items empty once the event returns: take their entries now, read the folders after.
      const items = Array.from(event.dataTransfer?.items ?? [])
        .filter((item) => item.kind === 'file')
        .map((item) => ({ entry: item.webkitGetAsEntry() as DroppedEntry | null, file: item.getAsFile() }));
      const given = items.length > 0 ? items : Array.from(event.dataTransfer?.files ?? []).map((file) => ({ entry: null, file }));
      droppedFiles(given).then((files) => files.length > 0 && onDrop(files), onError);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, [onDrop, onError]);

  return dragging;
}
