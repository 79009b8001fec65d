import { useModalDialog } from '../hooks/useModalDialog';
import { NUMBERED_PAGES, PAGE_LABELS } from '../hooks/usePage';
import { currentFrontEnd, pageKeys, type FrontEnd, type KeyCombo } from '../page-keys';
import './results/results.css';

const isMac = typeof navigator !== 'undefined' && /Mac/i.test(navigator.platform);

/** One line of the dialog: keys that do one thing, any one of which will do. */
export interface Shortcut {
  /** Alternatives ("+" or "−"): each a key, or keys held together or pressed in turn. */
  combos: KeyCombo[];
  /** The alternatives' common name ("arrow keys"), said after their keys. */
  name?: string;
  what: string;
}

/** Every keyboard shortcut of the studio on `frontEnd`, in the words the dialog shows. */
export function shortcutList(frontEnd: FrontEnd = currentFrontEnd(), mac: boolean = isMac): Shortcut[] {
  const together = (...keys: string[]): KeyCombo => ({ keys, sequence: false });
  const one = (combo: KeyCombo, what: string): Shortcut => ({ combos: [combo], what });
  return [
    ...NUMBERED_PAGES.map((page) => one(pageKeys(page, frontEnd, mac), `Open the ${PAGE_LABELS[page]} page`)),
    one(pageKeys('home', frontEnd, mac), 'Open the Home page'),
    one(together('?'), 'Show this list of shortcuts (outside text fields)'),
    one(together('Escape'), 'Close a dialog (this one, Export, a password prompt)'),
    one(together('Enter'), 'Open the focused row of a list (models, runs, evaluations)'),
    one(together('Alt', '←'), 'Back to the previous page or item (the browser’s Back)'),
    one(together('Alt', '→'), 'Forward again'),
    { combos: [together('+'), together('−')], what: 'Graph tab: zoom in and out (or the mouse wheel)' },
    one(together('0'), 'Graph tab: fit the whole graph'),
    { combos: ['←', '↑', '→', '↓'].map((key) => together(key)), name: 'arrow keys', what: 'Graph tab: pan (or drag)' },
    { combos: [together('Enter'), together('Shift', 'Enter')], what: 'Graph search: next and previous match' },
  ];
}

const joiner = (combo: KeyCombo): string => (combo.sequence ? ' then ' : '+');
const between = (shortcut: Shortcut): string => (shortcut.name ? ' ' : ' or ');

/** A shortcut's keys as the dialog reads: "Ctrl+1", "G then 1", "+ or −", "← ↑ → ↓ arrow keys". */
export function shortcutKeysText(shortcut: Shortcut): string {
  const keys = shortcut.combos.map((combo) => combo.keys.join(joiner(combo))).join(between(shortcut));
  return shortcut.name ? `${keys} ${shortcut.name}` : keys;
}

/** One combo's keys: "Ctrl+1", "G then 1". */
function ComboKeys({ combo }: { combo: KeyCombo }) {
  return combo.keys.map((k, i) => (
    <span key={`${i}:${k}`}>
      {i > 0 && joiner(combo)}
      <kbd>{k}</kbd>
    </span>
  ));
}

/** A shortcut's keys: alternatives with "or" between them, or, when they have a name, side by side and named. */
function ShortcutKeys({ shortcut }: { shortcut: Shortcut }) {
  const { combos, name } = shortcut;
  return combos.map((combo, i) => (
    <span key={i}>
      {i > 0 && between(shortcut)}
      <ComboKeys combo={combo} />
      {name && i === combos.length - 1 && ` ${name}`}
    </span>
  ));
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
              <td data-testid="shortcut-keys">
                <ShortcutKeys shortcut={s} />
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
