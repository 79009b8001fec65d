/**
 * Issue 13's new-user finding: in browser mode Ctrl+1..7 switched the browser's tabs instead of
 * the studio's pages. Browser mode reads G then 1..7 (and G then H); the desktop app keeps
 * Ctrl/Cmd+1..7; the `?` list and the sidebar's tooltips name the keys of the front-end in use.
 */
import { describe, expect, it } from 'vitest';
import { shortcutKeysText, shortcutList } from '../../../src/renderer/src/components/ShortcutsDialog';
import { comboText, createPageKeyReader, pageKeys, SEQUENCE_TIMEOUT_MS, type PageKeyPress } from '../../../src/renderer/src/page-keys';

const press = (key: string, extra: Partial<PageKeyPress> = {}): PageKeyPress => ({
  key, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, inTextField: false, ...extra,
});

function reader(frontEnd: 'desktop' | 'browser') {
  let clock = 0;
  const read = createPageKeyReader(frontEnd, () => clock);
  return { read, wait: (ms: number) => (clock += ms) };
}

describe('page keys in browser mode', () => {
  it('G then 1..7 opens the pages in the menu order, G then H opens Home', () => {
    const { read } = reader('browser');
    const pages = ['1', '2', '3', '4', '5', '6', '7', 'h'].map((k) => [read(press('g')), read(press(k))]);
    expect(pages).toEqual([
      [null, 'models'], [null, 'targets'], [null, 'runs'], [null, 'compare'], [null, 'datasets'], [null, 'accuracy'], [null, 'devices'], [null, 'home'],
    ]);
  });

  it('does not take Ctrl+1..7, a lone digit, a G typed in a field, or a digit long after G', () => {
    const { read, wait } = reader('browser');
    expect(read(press('1', { ctrlKey: true }))).toBeNull();
    expect(read(press('2'))).toBeNull();
    read(press('g', { inTextField: true }));
    expect(read(press('2'))).toBeNull();
    read(press('g'));
    expect(read(press('2', { inTextField: true }))).toBeNull();
    read(press('g'));
    wait(SEQUENCE_TIMEOUT_MS + 1);
    expect(read(press('2'))).toBeNull();
    // Another key between G and the digit breaks the sequence.
    read(press('g'));
    read(press('x'));
    expect(read(press('2'))).toBeNull();
    // G G 2 still works: the second G starts again.
    read(press('g'));
    read(press('g'));
    expect(read(press('2'))).toBe('targets');
  });
});

describe('page keys in the desktop app', () => {
  it('keeps Ctrl/Cmd+1..7 and Ctrl+Shift+H, and G then 1 is not a shortcut there', () => {
    const { read } = reader('desktop');
    expect(read(press('7', { ctrlKey: true }))).toBe('devices');
    expect(read(press('3', { metaKey: true }))).toBe('runs');
    expect(read(press('H', { ctrlKey: true, shiftKey: true }))).toBe('home');
    read(press('g'));
    expect(read(press('1'))).toBeNull();
  });
});

describe('what the studio says the keys are', () => {
  it('the ? list and the tooltips name the keys of the front-end in use', () => {
    const browserRows = shortcutList('browser', false).map((s) => `${shortcutKeysText(s)} ${s.what}`);
    expect(browserRows).toContain('G then 1 Open the Models page');
    expect(browserRows).toContain('G then 7 Open the Devices page');
    expect(browserRows).toContain('G then H Open the Home page');
    expect(browserRows.some((row) => row.startsWith('Ctrl'))).toBe(false);

    const desktopRows = shortcutList('desktop', false).map((s) => `${shortcutKeysText(s)} ${s.what}`);
    expect(desktopRows).toContain('Ctrl+1 Open the Models page');
    expect(desktopRows).toContain('Ctrl+Shift+H Open the Home page');
    expect(comboText(pageKeys('devices', 'desktop', true), true)).toBe('⌘7');
    expect(comboText(pageKeys('home', 'desktop', true), true)).toBe('⌘⇧H');
  });

  it('keys that are alternatives read as alternatives, not as one chord', () => {
    const rows = shortcutList('browser', false).map((s) => `${shortcutKeysText(s)} · ${s.what}`);
    expect(rows).toContain('+ or − · Graph tab: zoom in and out (or the mouse wheel)');
    expect(rows).toContain('← ↑ → ↓ arrow keys · Graph tab: pan (or drag)');
    expect(rows).toContain('Enter or Shift+Enter · Graph search: next and previous match');
    expect(rows).toContain('Alt+← · Back to the previous page or item (the browser’s Back)');
  });
});
