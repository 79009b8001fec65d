import { useEffect, useRef, type RefObject, type SyntheticEvent } from 'react';

interface Options {
  /** Escape (the dialog's cancel event) calls this; the dialog goes when React unmounts it. */
  onClose: () => void;
  /** False while the dialog must stay (a removal or an export is running): Escape then does nothing. */
  canClose?: boolean;
  /** A selector for what takes the focus on opening ('input'); else the element with autoFocus, as showModal does. */
  initialFocus?: string;
}

interface ModalDialog {
  /** Spread on the <dialog>: its ref and its cancel (Escape) handler. */
  dialogProps: {
    ref: RefObject<HTMLDialogElement | null>;
    onCancel: (event: SyntheticEvent<HTMLDialogElement>) => void;
  };
}

/**
 * What every modal dialog of the studio does. It opens with showModal() when it mounts, so the
 * rest of the page is inert and the focus stays inside; it gives the focus back to where it was
 * when it unmounts; Escape asks `onClose` instead of closing it, so React decides when it goes
 * (and a dialog busy with a job does not vanish under it). The backdrop is `.modal-dialog`'s
 * (styles.css), so add that class to the dialog's own.
 */
export function useModalDialog({ onClose, canClose = true, initialFocus }: Options): ModalDialog {
  const ref = useRef<HTMLDialogElement | null>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return undefined;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    if (initialFocus !== undefined) dialog.querySelector<HTMLElement>(initialFocus)?.focus();
    return () => {
      dialog.close();
      opener?.focus();
    };
    // Opened once, when the dialog mounts; a later initialFocus would mean nothing.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return {
    dialogProps: {
      ref,
      onCancel: (event) => {
        event.preventDefault();
        if (canClose) onClose();
      },
    },
  };
}
