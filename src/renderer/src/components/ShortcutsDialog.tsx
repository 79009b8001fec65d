import { useModalDialog } from '../hooks/useModalDialog';
import { NUMBERED_PAGES, PAGE_LABELS } from '../hooks/usePage';
import './results/results.css';

const isMac = typeof navigator !== 'undefined' && /Mac/i.test(navigator.platform);
const MOD = isMac ? '⌘' : 'Ctrl';

/** Every keyboard shortcut of the studio, in the words the dialog shows. */
export function shortcutList(mod: string = MOD): Array<{ keys: string[]; what: string }> {
  return [
    ...NUMBERED_PAGES.map((page, i) => ({ keys: [mod, String(i + 1)], what: `Open the ${PAGE_LABELS[page]} page` })),
    { keys: [mod, 'Shift', 'H'], what: 'Open the Home page' },
    { keys: ['?'], what: 'Show this list of shortcuts (outside text fields)' },
    { keys: ['Escape'], what: 'Close a dialog (this one, Export, a password prompt)' },
    { keys: ['Enter'], what: 'Open the focused row of a list (models, runs, evaluations)' },
    { keys: ['Alt', '←'], what: 'Back to the previous page or item (the browser’s Back)' },
    { keys: ['Alt', '→'], what: 'Forward again' },
    { keys: ['+', '−'], what: 'Graph tab: zoom in and out (or the mouse wheel)' },
    { keys: ['0'], what: 'Graph tab: fit the whole graph' },
    { keys: ['←', '↑', '→', '↓'], what: 'Graph tab: pan (or drag)' },
    { keys: ['Enter', 'Shift', 'Enter'], what: 'Graph search: next and previous match' },
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
                  <span key={k}>
                    {i > 0 && '+'}
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
