import { useModalDialog } from '../hooks/useModalDialog';
import { NUMBERED_PAGES, PAGE_LABELS } from '../hooks/usePage';
import { currentFrontEnd, pageKeys, type FrontEnd, type KeyCombo } from '../page-keys';
import './results/results.css';

const isMac = typeof navigator !== 'undefined' && /Mac/i.test(navigator.platform);

/** Every keyboard shortcut of the studio on `frontEnd`, in the words the dialog shows. */
export function shortcutList(frontEnd: FrontEnd = currentFrontEnd(), mac: boolean = isMac): Array<KeyCombo & { what: string }> {
  const together = (...keys: string[]): KeyCombo => ({ keys, sequence: false });
  return [
    ...NUMBERED_PAGES.map((page) => ({ ...pageKeys(page, frontEnd, mac), what: `Open the ${PAGE_LABELS[page]} page` })),
    { ...pageKeys('home', frontEnd, mac), what: 'Open the Home page' },
    { ...together('?'), what: 'Show this list of shortcuts (outside text fields)' },
    { ...together('Escape'), what: 'Close a dialog (this one, Export, a password prompt)' },
    { ...together('Enter'), what: 'Open the focused row of a list (models, runs, evaluations)' },
    { ...together('Alt', '←'), what: 'Back to the previous page or item (the browser’s Back)' },
    { ...together('Alt', '→'), what: 'Forward again' },
    { ...together('+', '−'), what: 'Graph tab: zoom in and out (or the mouse wheel)' },
    { ...together('0'), what: 'Graph tab: fit the whole graph' },
    { ...together('←', '↑', '→', '↓'), what: 'Graph tab: pan (or drag)' },
    { ...together('Enter', 'Shift', 'Enter'), what: 'Graph search: next and previous match' },
  ];
}

/** A modal dialog (useModalDialog): Escape or Close shuts it, and the focus goes back to where it was. */
export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  const { dialogProps } = useModalDialog({ onClose });
  return (
    <dialog {...dialogProps} className="shortcuts-dialog modal-dialog" aria-labelledby="shortcuts-title" data-testid="shortcuts-dialog">
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      <table className="table">
        <tbody>
          {shortcutList().map((s) => (
            <tr key={s.what} data-testid="shortcut">
              <td>
                {s.keys.map((k, i) => (
                  <span key={`${i}:${k}`}>
                    {i > 0 && (s.sequence ? ' then ' : '+')}
                    <kbd>{k}</kbd>
                  </span>
                ))}
              </td>
              <td>{s.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" className="button" onClick={onClose} data-testid="shortcuts-close" autoFocus>
        Close
      </button>
    </dialog>
  );
}
