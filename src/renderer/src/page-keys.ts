/**
 * The keys that switch pages, per front-end. The desktop app owns its window, so Ctrl/Cmd+1..7
 * and Ctrl/Cmd+Shift+H are its own (its menu shows them too). In a browser those keys never reach
 * the page: Chromium and Firefox switch tabs on Ctrl+1..8, Firefox on Linux on Alt+1..8 as well
 * (so Alt is no way out), and Firefox opens its history on Ctrl+Shift+H. So browser mode uses two-key sequences that no
 * browser takes, as web apps such as GitHub and Gmail do: G then 1..7, G then H (outside text
 * fields). No DOM here, so the rules are tested under Node.
 */
import { NUMBERED_PAGES, pageForKey, type Page } from './hooks/usePage';

export type FrontEnd = 'desktop' | 'browser';

/** The desktop app has the preload's bridge; browser mode (`edgebench serve`) has none. */
export function currentFrontEnd(): FrontEnd {
  return typeof window !== 'undefined' && window.edgebenchBridge ? 'desktop' : 'browser';
}

/** How long after G the second key of a browser-mode sequence still counts. */
export const SEQUENCE_TIMEOUT_MS = 1500;

/** The key that starts a browser-mode page sequence. */
const SEQUENCE_LEADER = 'g';

/** A key press as the page-key reader needs it. */
export interface PageKeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  /** The press went to a field the user types in (a "g" there is a letter). */
  inTextField: boolean;
}

/** Reads key presses one at a time and says when they ask for a page. */
export type PageKeyReader = (press: PageKeyPress) => Page | null;

function sequencePage(key: string): Page | null {
  if (key.toLowerCase() === 'h') return 'home';
  const index = NUMBERED_PAGES.findIndex((_, i) => key === String(i + 1));
  return NUMBERED_PAGES[index] ?? null;
}

/** A reader for `frontEnd`'s keys; `now` in milliseconds (performance.now in the page). */
export function createPageKeyReader(frontEnd: FrontEnd, now: () => number): PageKeyReader {
  if (frontEnd === 'desktop') return (press) => pageForKey(press);
  let leaderAt: number | null = null;
  return (press) => {
    const pending = leaderAt;
    leaderAt = null;
    if (press.inTextField || press.ctrlKey || press.metaKey || press.altKey) return null;
    if (pending !== null && now() - pending <= SEQUENCE_TIMEOUT_MS) {
      const page = sequencePage(press.key);
      if (page !== null) return page;
    }
    if (press.key === SEQUENCE_LEADER && !press.shiftKey) leaderAt = now();
    return null;
  };
}

/** A shortcut as the `?` dialog draws it: keys pressed together (Ctrl+1) or one after the other (G then 1). */
export interface KeyCombo {
  keys: string[];
  /** true: press the keys one after the other; false: hold them together. */
  sequence: boolean;
}

const isMacPlatform = (): boolean => typeof navigator !== 'undefined' && /Mac/i.test(navigator.platform);

/** The keys that open `page` on `frontEnd`. */
export function pageKeys(page: Page, frontEnd: FrontEnd, mac: boolean = isMacPlatform()): KeyCombo {
  const second = page === 'home' ? 'H' : String(NUMBERED_PAGES.indexOf(page as (typeof NUMBERED_PAGES)[number]) + 1);
  if (frontEnd === 'browser') return { keys: ['G', second], sequence: true };
  const mod = mac ? '⌘' : 'Ctrl';
  return { keys: page === 'home' ? [mod, 'Shift', 'H'] : [mod, second], sequence: false };
}

/** "Ctrl+1", "⌘⇧H", "G then 1": a combo in a tooltip's words. */
export function comboText(combo: KeyCombo, mac: boolean = isMacPlatform()): string {
  if (combo.sequence) return combo.keys.join(' then ');
  if (mac) return combo.keys.map((k) => (k === 'Shift' ? '⇧' : k)).join('');
  return combo.keys.join('+');
}
